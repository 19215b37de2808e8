/*
 * Every input limit of the program, in one place. Change a limit here, never inline.
 */
#ifndef AICOS_BASE_LIMITS_H
#define AICOS_BASE_LIMITS_H

/* HTTP server. */
#define LIMIT_HTTP_HEADER_BYTES     (16 * 1024)   /* all request headers together */
#define LIMIT_HTTP_CONN_MEMORY      (64 * 1024)   /* per-connection buffer, headers + I/O */
#define LIMIT_HTTP_BODY_BYTES       (1024 * 1024) /* request body, default 1 MiB */
#define LIMIT_HTTP_URL_BYTES        2048          /* path plus query string */
#define LIMIT_HTTP_CONN_TIMEOUT_S   30            /* idle connection timeout */
#define LIMIT_HTTP_PER_IP_CONNS     64            /* concurrent connections from one address */
#define LIMIT_HTTP_MAX_CONNS        1024          /* concurrent connections in all */
#define LIMIT_HTTP_PATH_PARAMS      8             /* {param} segments in one route */
#define LIMIT_HTTP_RESPONSE_HEADERS 16            /* extra headers a handler may add */
#define LIMIT_HTTP_SHUTDOWN_WAIT_S  10            /* how long shutdown waits for in-flight work */
#define LIMIT_HTTP_ARENA_BYTES      (4 * 1024 * 1024) /* per-request arena ceiling */

/* JSON. */
#define LIMIT_JSON_DEPTH   32   /* nesting of arrays and objects */
#define LIMIT_STRING_BYTES 4096 /* one configuration or form value */

/* Database. */
#define LIMIT_DB_URL_BYTES       1024
#define LIMIT_DB_POOL_MAX        64
#define LIMIT_DB_BUSY_TIMEOUT_MS 5000
#define LIMIT_DB_ROWS            100000 /* rows one query may materialize */

/* Pages and lists. */
#define LIMIT_PAGE_SIZE_MAX 500

#endif
