/*
 * Shared between the read-only queries of src/sync (query.c, orders_list.c); not for callers
 * outside this folder.
 */
#ifndef AICOS_SYNC_QUERY_INT_H
#define AICOS_SYNC_QUERY_INT_H

#include <jansson.h>

#include "base/err.h"
#include "base/jsonw.h"
#include "store/db.h"
#include "sync/query.h"

#define QUERY_STR_(x) #x
#define QUERY_STR(x)  QUERY_STR_(x) /* a limit as SQL text */

/* A cursor: "t" + update_time digits + "." + hex connection id + "." + hex order number. */
#define QUERY_CURSOR_BYTES (1 + 20 + 1 + 2 * CONNECT_ID_LEN + 1 + 2 * LIMIT_QUERY_SEARCH_BYTES)

/* An order row (columns connection_id, parent_order_sn, status, order_time, update_time,
 * ship_by, labels, region_id, items) as a new list object. */
json_t *query_order_json(const struct db_rows *r, size_t i);

/* The same object written into w: the bytes of query_order_json()'s serialization. */
void query_order_write(struct jsonw *w, const struct db_rows *r, size_t i);

/* Reads a next_cursor value into f's cursor fields. ERR_INVAL "bad_cursor" when malformed. */
ERR_MUST_USE enum err query_orders_cursor_parse(const char *cursor, struct query_orders_filter *f,
                                                struct errbuf *eb);

#endif
