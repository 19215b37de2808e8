/*
 * Every input limit of the program, in one place. Change a limit here, never inline.
 */
#ifndef AICOS_BASE_LIMITS_H
#define AICOS_BASE_LIMITS_H

/* HTTP server. */
#define LIMIT_HTTP_HEADER_BYTES     (16 * 1024)   /* all request headers together */
#define LIMIT_HTTP_CONN_MEMORY      (32 * 1024)   /* per-connection buffer, headers + I/O */
#define LIMIT_HTTP_BODY_BYTES       (1024 * 1024) /* request body, default 1 MiB */
#define LIMIT_HTTP_URL_BYTES        2048          /* path plus query string */
#define LIMIT_HTTP_CONN_TIMEOUT_S   30            /* idle connection timeout */
#define LIMIT_HTTP_PER_IP_CONNS     64            /* requests in flight per client (default) */
#define LIMIT_HTTP_PER_IP_SOCKETS   256           /* sockets from one address, no proxy */
#define LIMIT_HTTP_MAX_CONNS        1024          /* concurrent connections in all */
#define LIMIT_HTTP_PATH_PARAMS      8             /* {param} segments in one route */
#define LIMIT_HTTP_RESPONSE_HEADERS 16            /* extra headers a handler may add */
#define LIMIT_HTTP_SHUTDOWN_WAIT_S  10            /* how long shutdown waits for in-flight work */
#define LIMIT_HTTP_ARENA_BYTES      (4 * 1024 * 1024) /* per-request arena ceiling */
#define LIMIT_FORM_FIELDS           32                /* fields in one urlencoded form */

/* JSON. */
#define LIMIT_JSON_DEPTH   32   /* nesting of arrays and objects */
#define LIMIT_STRING_BYTES 4096 /* one configuration or form value */

/* Database. */
#define LIMIT_DB_URL_BYTES       1024
#define LIMIT_DB_POOL_MAX        64
#define LIMIT_DB_BUSY_TIMEOUT_MS 5000
#define LIMIT_DB_ACQUIRE_WARN_S  5      /* log when a connection takes longer than this */
#define LIMIT_DB_ROWS            100000 /* rows one query may materialize */
#define LIMIT_DB_STMT_CACHE      128    /* prepared statements kept per pooled connection */
/* SQLite page cache per connection, KiB: a bulk transaction (a statement import) stays in
 * memory until its commit instead of spilling pages to the WAL on the way (SQLite's default
 * is 2000). Pages are allocated as they are used: a pool of n connections holds at most
 * n x 16 MiB, reached only by large transactions or reads. */
#define LIMIT_DB_SQLITE_CACHE_KIB 16384

/* Files. */
#define LIMIT_PATH_BYTES 1024

/* Pages and lists. */
#define LIMIT_PAGE_SIZE_MAX 500

/* Temu Open Platform client (src/temu). */
#define LIMIT_TEMU_REQUEST_BYTES       (1024 * 1024)     /* one signed request body */
#define LIMIT_TEMU_RESPONSE_BYTES      (8 * 1024 * 1024) /* one gateway answer, after decoding */
#define LIMIT_TEMU_SECRET_BYTES        256    /* app secret, access token, auth code, app key */
#define LIMIT_TEMU_PARAMS              64     /* top-level parameters of one call */
#define LIMIT_TEMU_URL_BYTES           512    /* gateway router URL */
#define LIMIT_TEMU_RETRIES_MAX         10     /* retries after the first attempt */
#define LIMIT_TEMU_RATE_MAX            1000   /* requests per second per app key */
#define LIMIT_TEMU_TIMEOUT_MS_MAX      120000 /* connect or total timeout of one attempt */
#define LIMIT_TEMU_BACKOFF_MAX_MS      60000  /* longest pause between two attempts */
#define LIMIT_TEMU_CURL_POOL           8      /* idle libcurl handles kept per client */
#define LIMIT_TEMU_WEBHOOK_BYTES       (256 * 1024) /* one webhook body (base64 eventData) */
#define LIMIT_TEMU_SN_LIST             20  /* order numbers in one list request (platform rule) */
#define LIMIT_TEMU_ORDER_PAGE_MAX      100 /* bg.order.list.v2.get pageSize (platform rule) */
#define LIMIT_TEMU_GOODS_PAGE_MAX      100 /* bg.local.goods.list.query pageSize (platform rule) */
#define LIMIT_TEMU_AFTERSALES_PAGE_MAX 200 /* after-sales list pageSize (platform rule) */

/* Deployment planner (src/deploy). */
#define LIMIT_DEPLOY_FILE_BYTES        (256 * 1024) /* one generated or checked deployment file */
#define LIMIT_DEPLOY_FINDINGS          256          /* findings one check may report */
#define LIMIT_DEPLOY_ENV_VARS          128          /* variables in one env file */
#define LIMIT_DEPLOY_PASSWORD_MIN      16           /* PostgreSQL password length */
#define LIMIT_DEPLOY_PASSWORD_MAX      128
#define LIMIT_DEPLOY_EMAIL_BYTES       254           /* RFC 5321 path limit */
#define LIMIT_DEPLOY_TOOL_WAIT_S       60            /* an external validator (caddy validate) */
#define LIMIT_DEPLOY_TOOL_OUTPUT_BYTES (8 * 1024)    /* its output kept for the message */
#define LIMIT_DEPLOY_SMOKE_BODY_BYTES  (1024 * 1024) /* one smoke-test response body */
#define LIMIT_DEPLOY_SMOKE_TIMEOUT_S   20            /* one smoke-test request */
#define LIMIT_DEPLOY_SMOKE_CONNECT_S   10
#define LIMIT_DEPLOY_CLOCK_SKEW_S      300 /* Temu rejects requests further off than this */
#define LIMIT_DEPLOY_CERT_WARN_DAYS    14  /* warn when the certificate expires sooner */
#define LIMIT_DEPLOY_DNS_ADDRS         16  /* addresses reported per host */
#define LIMIT_DEPLOY_RESOLVE_ENTRIES   8   /* --resolve options of the smoke test */

/* Deployment plan and console (src/deploy/plan.h, src/api/deploy_api.c). */
#define LIMIT_DEPLOY_SIGNOFF_NAME_BYTES 128  /* who cleared the mainland China path */
#define LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES 1000 /* sign-off note or revocation reason */
#define LIMIT_DEPLOY_SMOKE_TOKEN_BYTES  256  /* an API token for the console's smoke re-run */

/* Console data pages and their JSON lists (src/sync/query.h, the page files of src/web). */
#define LIMIT_QUERY_PAGE_SIZE_MAX 100   /* rows one list page may return */
#define LIMIT_QUERY_PAGE_MAX      10000 /* highest page number a list accepts */
#define LIMIT_QUERY_SEARCH_BYTES  64    /* an order-number search string */
#define LIMIT_QUERY_COUNT_MAX     1000  /* rows a list counts exactly; beyond: "more than" */
#define LIMIT_QUERY_OFFSET_MAX    1000  /* rows page numbers may skip in a longer list */
#define LIMIT_QUERY_MATCH_MAX     200   /* orders a search or deadline filter considers */
#define LIMIT_QUERY_LABEL_BYTES   64    /* an order label filter */
#define LIMIT_QUERY_ITEMS_MAX     500   /* sub-orders shown for one order */
#define LIMIT_QUERY_STATES_MAX    500   /* per-stream states one listing returns */
#define LIMIT_QUERY_HISTORY_MAX   200   /* status history entries shown for one order */
#define LIMIT_QUERY_SKUS_MAX      5000  /* SKUs one products page may return */

/* Sync scheduler and shared request budget (src/sync/scheduler.c, src/sync/budget.c). */
#define LIMIT_SYNC_INTERVAL_MIN_S      1     /* shortest per-stream interval (tests use it) */
#define LIMIT_SYNC_INTERVAL_MAX_S      86400 /* longest per-stream interval */
#define LIMIT_SYNC_JITTER_MAX_S        3600  /* largest random delay added to an interval */
#define LIMIT_SYNC_SCHED_SLOTS         256   /* (connection, stream) pairs one scheduler tracks */
#define LIMIT_SYNC_BUDGET_WAIT_MAX_MS  60000 /* longest wait for the shared budget */
#define LIMIT_SYNC_BUDGET_HEADROOM_PCT 2     /* the budget runs this much under the rate */

#endif
