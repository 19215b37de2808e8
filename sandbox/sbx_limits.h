/*
 * Every input limit of temu-sandbox as a named constant. The sandbox is a test double, but it
 * still faces malformed input on purpose (fault tests, fuzzing clients), so everything it
 * reads is bounded.
 */
#ifndef SBX_LIMITS_H
#define SBX_LIMITS_H

#define SBX_BODY_MAX          (1024u * 1024u)      /* request body bytes */
#define SBX_CANON_MAX         (4u * 1024u * 1024u) /* canonical sign string bytes */
#define SBX_JSON_DEPTH_MAX    32                   /* nesting of a signed value */
#define SBX_TOP_KEYS_MAX      256                  /* top-level keys of one request */
#define SBX_KEY_MAX           256                  /* bytes of one top-level key */
#define SBX_APPS_MAX          64                   /* apps in --apps */
#define SBX_SCOPES_MAX        64                   /* scopes per app or token */
#define SBX_NAME_MAX          128                  /* app keys, secrets, scope names */
#define SBX_TOKENS_MAX        4096                 /* live tokens and codes together */
#define SBX_SHOPS_MAX         64
#define SBX_ORDERS_MAX        200000 /* parent orders in all shops */
#define SBX_PRODUCTS_MAX      100000
#define SBX_AFTERSALES_MAX    100000
#define SBX_SN_LIST_MAX       20              /* parentOrderSnList entries */
#define SBX_ORDER_PAGE_MAX    100             /* bg.order.list.v2.get pageSize */
#define SBX_GOODS_PAGE_MAX    100             /* bg.local.goods.list.query pageSize */
#define SBX_AS_PAGE_MAX       200             /* bg.aftersales.parentaftersales.list.get */
#define SBX_CODE_TTL_S        600             /* authorization codes live 10 minutes */
#define SBX_TOKEN_TTL_S       (365L * 86400L) /* tokens live about one year */
#define SBX_TS_SKEW_S         300             /* accepted timestamp skew */
#define SBX_LATENCY_MAX_MS    60000           /* injected latency */
#define SBX_FAULTS_MAX        32              /* active fault rules */
#define SBX_CONN_MAX          256             /* concurrent connections */
#define SBX_CONN_TIMEOUT_S    30
#define SBX_ACTIVITY_RATE_MAX 1000   /* live events per second */
#define SBX_STEP_MAX          100000 /* events in one admin step */
#define SBX_WEBHOOK_QUEUE_MAX 1024
#define SBX_WEBHOOK_TRIES     9 /* first delivery plus 8 retries */

#endif
