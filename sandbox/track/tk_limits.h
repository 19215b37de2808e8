/*
 * Every input limit of track-sandbox as a named constant (the emulator faces malformed input
 * on purpose, so everything it reads is bounded).
 */
#ifndef TK_LIMITS_H
#define TK_LIMITS_H

#define TK_BODY_MAX          (1024u * 1024u) /* request body bytes */
#define TK_ITEMS_MAX         40              /* numbers per call (§1.3, -18010014) */
#define TK_NUMBER_MIN        5               /* tracking number length (§1.3) */
#define TK_NUMBER_MAX        50
#define TK_TAG_MAX           100  /* bytes of tag, lang, order_no */
#define TK_PARAM_MAX         1024 /* bytes of param as compact JSON */
#define TK_KEYS_MAX          16   /* API keys in --key-file */
#define TK_KEY_MAX           128  /* bytes of one key */
#define TK_RECORDS_MAX       200000
#define TK_FORCED_MAX        4096 /* forced scenarios */
#define TK_RULES_MAX         64   /* carrier detection rules */
#define TK_ALLOW_IP_MAX      16
#define TK_RATE_MAX          1000 /* requests per second per key */
#define TK_PAGE_SIZE         40   /* gettracklist */
#define TK_CHANGES_MAX       5    /* changecarrier per number (-18019807) */
#define TK_PUSH_QUEUE_MAX    8192
#define TK_PUSH_LOG_MAX      256
#define TK_URL_MAX           512
#define TK_CONN_MAX          256
#define TK_CONN_TIMEOUT_S    30
#define TK_DAY_S             86400
#define TK_CLOCK_ADVANCE_MAX (3650L * 86400L) /* one admin clock step */

#endif
