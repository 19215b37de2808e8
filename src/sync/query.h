/*
 * Read-only queries over the synced data for the console pages and the JSON lists (issue 7,
 * "Console"): orders with filters and paging, one order with its sub-orders, and the
 * per-stream sync state, products with their SKUs. Handlers never write SQL; they parse their
 * arguments with query_orders_filter_parse() / query_products_filter_parse() and call these.
 * Every statement is parameterized and every result is bounded (LIMIT_QUERY_* in
 * base/limits.h).
 *
 * The order status history (migration 11) holds a row per status the sync saw an order in:
 * when it was first stored and whenever its parent status changed (src/sync/orders.c).
 */
#ifndef AICOS_SYNC_QUERY_H
#define AICOS_SYNC_QUERY_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "base/jsonw.h"
#include "base/limits.h"
#include "connect/common.h"
#include "store/db.h"

#define QUERY_PAGE_SIZE_DEFAULT 50

/* Raw list arguments as they arrive (query string or form); NULL or "" means absent. */
struct query_orders_args {
    const char *connection_id;
    const char *status;      /* parentOrderStatus, an integer 1..99 */
    const char *label;       /* one label name, [a-z0-9_] */
    const char *ship_before; /* ship-by deadline before: unix seconds or YYYY-MM-DD (UTC) */
    const char *ship_after;  /* ship-by deadline at or after: same forms */
    const char *q;           /* part of an order number, a product name, a SKU or goods id */
    const char *page;        /* 1..LIMIT_QUERY_PAGE_MAX, default 1 */
    const char *limit;       /* 1..LIMIT_QUERY_PAGE_SIZE_MAX, default QUERY_PAGE_SIZE_DEFAULT */
    const char *cursor;      /* a next_cursor of a previous page: page is then ignored */
};

/* Looks up one named argument (a query-string parameter); NULL when it is absent. */
typedef const char *(*query_arg_fn)(const void *ctx, const char *name);

/* Fills a from get's arguments of the same names (connection_id, status, ..., limit). */
void query_orders_args_read(query_arg_fn get, const void *ctx, struct query_orders_args *a);

/* Checked filter; strings are borrowed from the args. */
struct query_orders_filter {
    const char *connection_id; /* NULL: all connections */
    int64_t status;            /* -1: any */
    const char *label;         /* NULL: any */
    int64_t ship_before;       /* 0: no bound */
    int64_t ship_after;        /* 0: no bound */
    const char *q;             /* NULL: no search */
    int64_t page, limit;
    /* The keyset cursor: the list goes on after this sort key (when cursor_set). */
    bool cursor_set;
    int64_t cursor_time;
    char cursor_conn[CONNECT_ID_LEN + 1];
    char cursor_sn[LIMIT_QUERY_SEARCH_BYTES + 1];
};

/*
 * Checks a and fills f. ERR_INVAL with code bad_status, bad_label, bad_ship_before,
 * bad_ship_after, bad_search, bad_page, bad_limit, bad_cursor or bad_connection and a sentence.
 */
ERR_MUST_USE enum err query_orders_filter_parse(const struct query_orders_args *a,
                                                struct query_orders_filter *f, struct errbuf *eb);

/*
 * One page of orders, newest update first, as a new JSON object {orders: [{connection_id,
 * parent_order_sn, status, status_name, order_time, update_time, ship_by, labels: [...],
 * region_id, items}], total, total_exact, page, limit, pages, next_page, next_cursor}. The
 * caller owns *out. Flat in the number of orders (sync/orders_list.c):
 *   - total is exact when total_exact; otherwise the list holds more than total
 *     (LIMIT_QUERY_COUNT_MAX) and pages is null;
 *   - page is null when the page was asked by cursor; page numbers are refused (bad_page) once
 *     they would skip LIMIT_QUERY_OFFSET_MAX rows of a list longer than that;
 *   - next_page is the next page's number while it is cheap, next_cursor (opaque) the next
 *     page by keyset; both null on the last page;
 *   - q matches order and sub-order numbers by prefix (case-insensitively), goods and SKU ids
 *     exactly, and product names by words (full-text index); a search or a ship-by deadline
 *     considers at most LIMIT_QUERY_MATCH_MAX orders.
 */
ERR_MUST_USE enum err query_orders_list(struct db *db, const struct query_orders_filter *f,
                                        json_t **out, struct errbuf *eb);

/*
 * The same answer written into w (base/jsonw.h) without a jansson tree: the bytes of
 * query_orders_list()'s document serialized. On an error w's text is incomplete.
 */
ERR_MUST_USE enum err query_orders_list_write(struct db *db, const struct query_orders_filter *f,
                                              struct jsonw *w, struct errbuf *eb);

/*
 * One parent order (connection_id may be NULL: the first connection holding sn) as a new JSON
 * object: the list fields plus first_synced_at, synced_at, items [{order_sn, status,
 * status_name, goods_id, sku_id, quantity, goods_name, spec}] (at most LIMIT_QUERY_ITEMS_MAX)
 * and status_history [{status, status_name, update_time, seen_at}] oldest first (at most
 * LIMIT_QUERY_HISTORY_MAX, the newest kept). ERR_NOTFOUND "order_not_found".
 */
ERR_MUST_USE enum err query_order_get(struct db *db, const char *connection_id, const char *sn,
                                      json_t **out, struct errbuf *eb);

/*
 * Which connection holds parent order sn (connection_id may be NULL: the first one), into
 * conn (at least 33 bytes: CONNECT_ID_LEN + 1), and the order's regionId into *region_id
 * (may be NULL). ERR_NOTFOUND "order_not_found".
 */
ERR_MUST_USE enum err query_order_locate(struct db *db, const char *connection_id, const char *sn,
                                         char *conn, int64_t *region_id, struct errbuf *eb);

/*
 * The per-(connection, stream) sync state as a new JSON array of {connection_id, stream,
 * watermark, backfill_done, last_success_at, last_run_at, consecutive_failures, paused,
 * warning}; stream may be NULL (all). At most LIMIT_QUERY_STATES_MAX rows.
 */
ERR_MUST_USE enum err query_stream_states(struct db *db, const char *stream, json_t **out,
                                          struct errbuf *eb);

/* The English name of a parentOrderStatus value ("unknown" for others); static. */
const char *query_order_status_name(int64_t status);

/* ---- products ---- */

/* Raw products list arguments as they arrive (query string); NULL or "" means absent. */
struct query_products_args {
    const char *connection_id;
    const char
        *bucket;       /* goods status bucket: 1 on/off sale, 4 not published, 5 draft, 6 deleted */
    const char *q;     /* part of the goods name, the seller's goods number or the goods id */
    const char *page;  /* 1..LIMIT_QUERY_PAGE_MAX, default 1 */
    const char *limit; /* 1..LIMIT_QUERY_PAGE_SIZE_MAX, default QUERY_PAGE_SIZE_DEFAULT */
};

/* Fills a from get's arguments of the same names (connection_id, bucket, q, page, limit). */
void query_products_args_read(query_arg_fn get, const void *ctx, struct query_products_args *a);

/* Checked filter; strings are borrowed from the args. */
struct query_products_filter {
    const char *connection_id; /* NULL: all connections */
    int64_t bucket;            /* 0: any */
    const char *q;             /* NULL: no search */
    int64_t page, limit;
};

/*
 * Checks a and fills f. ERR_INVAL with code bad_bucket, bad_search, bad_page, bad_limit or
 * bad_connection and a sentence.
 */
ERR_MUST_USE enum err query_products_filter_parse(const struct query_products_args *a,
                                                  struct query_products_filter *f,
                                                  struct errbuf *eb);

/*
 * One page of products, highest goods id first, as a new JSON object {products:
 * [{connection_id, goods_id, bucket, bucket_name, goods_name, out_goods_sn, cat_id, price,
 * currency, quantity, first_synced_at, synced_at, skus: [{sku_id, out_sku_sn, spec_name, price,
 * quantity}]}], total, page, limit, pages, skus_truncated}. At most LIMIT_QUERY_SKUS_MAX SKUs
 * in all (skus_truncated says some were left out). The caller owns *out.
 */
ERR_MUST_USE enum err query_products_list(struct db *db, const struct query_products_filter *f,
                                          json_t **out, struct errbuf *eb);

/* The name of a goods status bucket ("on_off_sale", "not_published", "draft", "deleted",
 * "unknown" for others); static. */
const char *query_product_bucket_name(int64_t bucket);

#endif
