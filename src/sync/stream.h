/*
 * The shared skeleton of a sync stream (internal to src/sync). The engine (engine.c) owns the
 * lease, the state, the page loop and the checkpoint; a stream is a table of its specifics:
 * one or more parts, each a platform list with its page size, how it is walked, how a page is
 * fetched, and how one item is keyed, hashed and written. The skeleton does the rest of
 * storing a page (stream.c): for every item the key, the content (serialized once) and its
 * hash, and added / updated / unchanged / failed, so that a new stream is a new table.
 *
 * Change detection without a read before the write: a part's write hook runs one upsert
 * through sync_item_upsert(), `INSERT … ON CONFLICT … DO UPDATE SET …, sync_prev = <watch>
 * WHERE <table>.content_hash <> excluded.content_hash RETURNING sync_prev`. No row back: the
 * stored content is the same (nothing written); NULL: the row is new (an insert never sets
 * sync_prev); a value: the row changed, and the value is its watch column before the update.
 *
 * Walks: a WINDOWS part is read by creation windows back to `since` (backfill), then by
 * update windows with overlap from the watermark; a FULL part is read whole on every run,
 * bucket by bucket (the bucket is the window: cur_lo = cur_hi = bucket), for lists without a
 * usable time filter. A stream runs its WINDOWS part (at most one, first) until it has caught
 * up, then each FULL part once per run.
 */
#ifndef AICOS_SYNC_STREAM_H
#define AICOS_SYNC_STREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "store/db.h"
#include "sync/sync.h"

struct temu_client;
struct temu_page;
struct temu_error;

enum sync_walk {
    SYNC_WALK_WINDOWS, /* backfill by creation, then overlapping update windows */
    SYNC_WALK_FULL,    /* every bucket, every page, once per run */
};

/* The window being read: kind "backfill" or "update" (WINDOWS), the part's kind (FULL). */
struct sync_window {
    const char *kind;
    int64_t lo, hi; /* unix seconds, closed; for a FULL part both are the bucket */
};

/* One item's platform key: text (sn) or integer (id), as the part's key_is_int says. */
struct sync_key {
    const char *sn;
    int64_t id;
};

/* What a part's write hook gets for one item to write. */
struct sync_item {
    const char *connection_id;
    const json_t *item;  /* the list item */
    const json_t *extra; /* what the part's prepare hook fetched for it, or NULL */
    const struct sync_window *win;
    struct sync_key key;
    const char *hash; /* of data */
    const char *data; /* the content (compact JSON, sorted keys), stored as the row's data */
    /* Filled by sync_item_upsert(), read by the rest of the write hook and the skeleton. */
    bool exists;       /* the row was there */
    bool changed;      /* its content hash differs (or it is new) */
    int64_t old_watch; /* the part's watch column as it was stored (when exists and changed) */
    int64_t now;
};

/* What a part's prepare hook gets: the run's client and connection, the page's items. */
struct sync_prepare {
    struct db *db;
    struct temu_client *client;
    const char *connection_id;
    const json_t *items;
    json_t *extras; /* object: add one member per item, named by its key text */
    bool *off;      /* the run's switch: set it to stop further prepare calls this run */
};

struct sync_part {
    const char *kind; /* FULL parts: the window kind stored in sync_state.cur_kind */
    enum sync_walk walk;
    int64_t page_size;
    const int64_t *buckets; /* FULL parts: 0-terminated bucket list */
    /* Fetches page (1-based) of the window. */
    enum err (*fetch)(struct temu_client *c, const struct sync_window *w, int64_t page,
                      struct temu_page *pg, struct temu_error *te);
    /* True when a failure of this part only means the seller or app lacks its permission:
     * the part is then skipped for the run (logged), not failed. NULL: every failure fails. */
    bool (*skippable)(const struct temu_error *te);
    /* The table and its key column (the upsert's conflict target, named for the logs). */
    const char *table;
    const char *key_column;
    bool key_is_int;
    /* The item's key; false when it has none usable (counted failed, skipped). */
    bool (*key)(const json_t *item, struct sync_key *out);
    /* The content to hash and store (new reference); NULL hook: the item itself. */
    json_t *(*content)(const json_t *item, const struct sync_window *w);
    /* Writes one item in the page's transaction: its upsert through sync_item_upsert() (a
     * no-op when the content is unchanged), then what depends on it (children, history, an
     * extra's columns). */
    enum err (*write)(struct db_conn *c, struct sync_item *it, struct errbuf *eb);
    /* Optional, outside the transaction, before the page is stored: may call Temu for the
     * items that need more than the list gives. Its failures must not fail the page. */
    void (*prepare)(const struct sync_part *part, struct sync_prepare *p);
};

struct sync_stream_def {
    const struct sync_part *parts;
    size_t nparts;
};

/* Fetches page of bg.order.list.v2.get for window w: by creation time (backfill) or by update
 * time, SYNC_ORDER_PAGE_SIZE a page (the orders stream's fetch; the shipments stream walks the
 * same list). */
ERR_MUST_USE enum err sync_orders_fetch_window(struct temu_client *c, const struct sync_window *w,
                                               int64_t page, struct temu_page *pg,
                                               struct temu_error *te);

/* The table of a stream. */
const struct sync_stream_def *sync_stream_def_of(enum sync_stream s);

/* The parts of the streams (orders.c, products.c, cases.c, parcels.c). */
extern const struct sync_stream_def sync_orders_def;
extern const struct sync_stream_def sync_products_def;
extern const struct sync_stream_def sync_cases_def;
extern const struct sync_stream_def sync_parcels_def;

/*
 * Stores one page of part's items in c's transaction (the skeleton's upsert with change
 * detection): a row is written when it is new or its content hash changed; an item with an
 * extra gets its hook's extra write either way; counts get added / updated / unchanged /
 * failed.
 */
ERR_MUST_USE enum err sync_part_store_page(struct db_conn *c, const struct sync_part *part,
                                           const char *connection_id, const struct sync_window *w,
                                           const json_t *items, const json_t *extras, int64_t now,
                                           struct sync_counts *counts, struct errbuf *eb);

/*
 * Runs a write hook's upsert (n parameters p; the SQL as described at the top: conditional on
 * the content hash, `RETURNING sync_prev`) and sets it->exists, it->changed and it->old_watch
 * from its answer.
 */
ERR_MUST_USE enum err sync_item_upsert(struct db_conn *c, struct sync_item *it, const char *sql,
                                       const struct db_param *p, size_t n, struct errbuf *eb);

/* The key as text (an integer key in decimal) into out. */
void sync_key_text(const struct sync_part *part, const struct sync_key *key, char *out, size_t len);

/* ---- small readers shared by the streams and the intake ---- */

/* A platform id: a non-empty string of at most SYNC_SN_MAX bytes, else NULL. */
const char *sync_json_sn(const json_t *obj, const char *key);

/*
 * A platform time in unix seconds: values above 10^11 are milliseconds (the after-sales
 * events' updateAt, the detail's *Millis fields) and are divided by 1000.
 */
int64_t sync_time_seconds(int64_t t);

#endif
