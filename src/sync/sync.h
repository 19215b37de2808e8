/*
 * The sync engine (product.md §5, temu-open-platform.md §5.6): keeps each connected shop's
 * data in the database, incrementally and crash-safely.
 *
 * State per (connection, stream) lives in sync_state: the watermark W (every update up to W
 * is stored), the backfill progress (creation windows walked from the first run's start back
 * to `since`), the window in progress with its next page, last success, consecutive failures
 * and the paused flag. A window is walked from its last page down to page 1: the platform
 * sorts descending, and an item that leaves the window while we page (updated again) only
 * moves later items towards pages not yet read, so nothing is skipped. Each page is stored in
 * ONE transaction together with the cursor that says it is done and the run's counters, and
 * only while this process still holds the lease; a kill at any moment loses at most the page
 * in flight, which the next run reads again (upserts are idempotent).
 *
 * The lease (sync_leases) is a row per (connection, stream) with a holder id and an expiry,
 * claimed by a conditional INSERT/UPDATE, so two processes never run one stream at once on
 * SQLite or PostgreSQL. A holder on this host whose process is gone is taken over at once.
 *
 * Errors come classified from the Temu client (which already retried retryable ones with
 * backoff): auth stops the stream and marks the connection failed (connect_note_call); any
 * failure counts towards SYNC_PAUSE_AFTER consecutive failures, after which the stream is
 * paused (with a warning from SYNC_WARN_AFTER on) until someone resumes it.
 */
#ifndef AICOS_SYNC_SYNC_H
#define AICOS_SYNC_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "connect/connect.h"
#include "store/db.h"
#include "temu/errors.h"

#define SYNC_DAY_S              86400
#define SYNC_BACKFILL_DEFAULT_S (90 * SYNC_DAY_S) /* how far back the first run looks */
#define SYNC_BACKFILL_SLICE_S   (7 * SYNC_DAY_S)  /* one creation window of the backfill */
#define SYNC_UPDATE_SLICE_S     SYNC_DAY_S        /* one update window of the incremental run */
#define SYNC_OVERLAP_S          300               /* re-read this much before W (late updates) */
#define SYNC_LEASE_TTL_S        120               /* a lease not renewed for this long expires */
#define SYNC_WARN_AFTER         3                 /* consecutive failures before a warning */
#define SYNC_PAUSE_AFTER        5                 /* consecutive failures before pausing */
#define SYNC_RUN_PAGES_MAX      200000            /* pages one run may read (a bound, not a goal) */
#define SYNC_ORDER_PAGE_SIZE    100               /* bg.order.list.v2.get pageSize */
#define SYNC_RUN_ID_LEN         32
#define SYNC_HOLDER_MAX         128
#define SYNC_RUNS_LIST_MAX      500 /* runs one listing may return */
#define SYNC_SN_MAX             64  /* longest platform id we store */
#define SYNC_ERROR_MSG_MAX      256
#define SYNC_GOODS_PAGE_SIZE    100 /* bg.local.goods.list.query pageSize (the platform's max) */
#define SYNC_CASES_PAGE_SIZE    100 /* bg.aftersales.parentaftersales.list.get pageSize */
#define SYNC_CASES_LIST_MAX     500 /* buyer cases one sync_cases_list call may return */

/* Streams: orders (§5), products (§6.1, the goods status buckets), buyer_cases (§8 after-sales
 * requests; together with the buyer labels of orders they are what the console calls buyer
 * cases, see sync_cases_list), shipments (the parcels of shipped orders, parcels.c, followed
 * by src/tracking). */
enum sync_stream {
    SYNC_STREAM_ORDERS = 0,
    SYNC_STREAM_PRODUCTS,
    SYNC_STREAM_BUYER_CASES,
    SYNC_STREAM_SHIPMENTS,
    SYNC_STREAM__COUNT
};

/* Parses a stream name ("orders", "products", "buyer_cases", "shipments"); false when unknown. */
bool sync_stream_parse(const char *name, enum sync_stream *out);

/* The stream's name. */
const char *sync_stream_name(enum sync_stream s);

/* What a run did, record by record (a record is a parent order for the orders stream). */
struct sync_counts {
    int64_t pages, added, updated, unchanged, failed;
};

/* Called after every stored page; phase is "backfill" or "incremental"; lo/hi the window. */
typedef void (*sync_progress_fn)(void *ctx, const char *phase, int64_t lo, int64_t hi,
                                 const struct sync_counts *counts);

/* Asked between pages; true stops the run as "cancelled" (e.g. the process is stopping). */
typedef bool (*sync_stop_fn)(void *ctx);

/*
 * Called by the engine after each committed page that added or updated something, with the
 * keys of the page's items (parent order numbers, goods ids, parentAfterSalesSn): the action
 * center's incremental evaluation. One process-wide hook, set once at start (NULL: none).
 */
typedef void (*sync_page_hook_fn)(void *ctx, struct db *db, const char *connection_id,
                                  const char *stream, const char *const *keys, size_t n);
void sync_set_page_hook(sync_page_hook_fn fn, void *ctx);

struct sync_run_opts {
    const char *connection_id; /* required */
    enum sync_stream stream;
    int64_t since;       /* backfill start (unix s) on a stream's first run; 0 = default */
    const char *trigger; /* "cli", "api" or "scheduler" */
    sync_progress_fn progress;
    void *progress_ctx;
    sync_stop_fn should_stop; /* optional */
    void *stop_ctx;
};

struct sync_run_result {
    char run_id[SYNC_RUN_ID_LEN + 1]; /* "" when no run was recorded */
    const char *outcome; /* "success", "failed", "auth", "paused", "cancelled" (static) */
    struct sync_counts counts;
    enum temu_error_class cls; /* of the failure; TEMU_ERROR_NONE on success */
    int64_t code;              /* Temu errorCode of the failure, 0 when none */
    char message[SYNC_ERROR_MSG_MAX];
};

/*
 * Runs one stream of one connection now, at most until it has caught up. ERR_OK when the run
 * succeeded; ERR_UPSTREAM when Temu failed (out says how; the run is recorded); ERR_CONFLICT
 * "lease_held" when another process runs this stream, "stream_paused" when it is paused;
 * ERR_NOTFOUND for an unknown connection; ERR_DB. out is always filled.
 */
ERR_MUST_USE enum err sync_run_stream(const struct connect_env *env, const struct sync_run_opts *o,
                                      struct sync_run_result *out, struct errbuf *eb);

/*
 * The run history, newest first, as a new JSON array of {id, connection_id, stream, trigger,
 * started_at, finished_at, outcome, pages, counts {added, updated, unchanged, failed},
 * error {class, code, message} | null}. connection_id and stream may be NULL (all); limit is
 * 1..SYNC_RUNS_LIST_MAX.
 */
ERR_MUST_USE enum err sync_runs_list(struct db *db, const char *connection_id, const char *stream,
                                     int64_t limit, json_t **out, struct errbuf *eb);

/* Clears the paused flag and the failure count of a stream. ERR_NOTFOUND when it has no state. */
ERR_MUST_USE enum err sync_resume(struct db *db, const char *connection_id, enum sync_stream stream,
                                  struct errbuf *eb);

/* For readiness: the newest successful run and the streams' health. */
struct sync_summary {
    int64_t last_success_at; /* newest successful run's finish; 0 when none */
    int64_t success_runs;    /* successful runs in all */
    int64_t paused;          /* paused streams */
    int64_t failing;         /* streams whose last run failed */
    char last_error[SYNC_ERROR_MSG_MAX];
};

/* Fills out from the database. */
ERR_MUST_USE enum err sync_summary_get(struct db *db, struct sync_summary *out, struct errbuf *eb);

/* ---- building blocks, public for the tests ---- */

/*
 * Claims the lease of (connection, stream) for holder until now + ttl: succeeds when nobody
 * holds it, holder already does, it expired, or its holder is a process of this host that no
 * longer exists. *got says whether it was claimed.
 */
ERR_MUST_USE enum err sync_lease_claim(struct db_conn *c, const char *connection_id,
                                       const char *stream, const char *holder, int64_t now,
                                       int64_t ttl, bool *got, struct errbuf *eb);

/* Releases the lease if holder holds it. */
ERR_MUST_USE enum err sync_lease_release(struct db_conn *c, const char *connection_id,
                                         const char *stream, const char *holder, struct errbuf *eb);

/* A holder id for this process: "<host>:<pid>:<random>" into out (SYNC_HOLDER_MAX). */
void sync_holder_id(char *out, size_t len);

/*
 * Upserts one page of bg.order.list.v2.get pageItems for connection_id inside the caller's
 * transaction: parent orders keyed by parentOrderSn, children by orderSn, compared by a
 * content hash. Adds to counts (added, updated, unchanged; items without a usable
 * parentOrderSn count as failed and are skipped). An order added, or updated with another
 * parentOrderStatus than stored, also gets a temu_order_status_history row (status, now,
 * updateTime) in the same transaction; an unchanged order or a status kept gets none.
 */
ERR_MUST_USE enum err sync_orders_store_page(struct db_conn *c, const char *connection_id,
                                             const json_t *items, int64_t now,
                                             struct sync_counts *counts, struct errbuf *eb);

/* ---- the stored order document (order_doc.c) ---- */

/*
 * temu_orders.data holds an order's content, {parentOrderMap, orderList} as compact JSON with
 * sorted keys (what content_hash is over, and the only copy of every sub-order's JSON),
 * packed: "z1:" + base64 (standard alphabet, no padding) of raw deflate (level 6, 4 KiB
 * window) with a fixed preset dictionary, about an eighth of the JSON. Rows written before
 * migration 26 hold the plain JSON; the readers below take both.
 */
/* The largest document packed or unpacked: a whole gateway answer, so any order of an accepted
 * page fits. */
#define SYNC_ORDER_DOC_MAX LIMIT_TEMU_RESPONSE_BYTES

/* Packs the len bytes of json into a new NUL-terminated text (caller frees); NULL when out
 * of memory or over SYNC_ORDER_DOC_MAX. */
char *sync_order_doc_pack(const char *json, size_t len);

/* The JSON text of a stored document (packed or plain) as a new string of *len bytes (caller
 * frees); NULL when it is neither or unpacks to more than SYNC_ORDER_DOC_MAX. */
char *sync_order_doc_text(const char *stored, size_t *len);

/* A stored document (packed or plain) as a new JSON value; NULL when invalid. */
json_t *sync_order_doc_load(const char *stored);

/* The preset dictionary's bytes (*len of them): part of the "z1" format, for references. */
const char *sync_order_doc_dict(size_t *len);

/* ---- products (products.c) ---- */

struct temu_client;
struct temu_page;
struct temu_error;

/*
 * The goods status buckets the products stream walks, in order (goodsSearchType, §6.1):
 * 1 on/off sale, 4 not published, 5 draft, 6 deleted. They are disjoint, so every product is
 * in exactly one; walking all four (not only 1 and 4) lets a product that was deleted or went
 * back to draft change its bucket here instead of staying stale as "on sale".
 * sync_products_next_bucket(0) is the first bucket; 0 after the last.
 */
int64_t sync_products_next_bucket(int64_t bucket);

/* Fetches page (1-based) of bucket, createTime descending, SYNC_GOODS_PAGE_SIZE per page. */
ERR_MUST_USE enum err sync_products_fetch(struct temu_client *client, int64_t bucket, int64_t page,
                                          struct temu_page *pg, struct temu_error *te);

/*
 * Upserts one page of goodsList items of bucket inside the caller's transaction: products
 * keyed by goodsId (temu_products), SKUs by skuId (temu_product_skus, replaced with the
 * product), compared by a content hash over the item and its bucket. Adds to counts; items
 * without a usable goodsId count as failed and are skipped.
 */
ERR_MUST_USE enum err sync_products_store_page(struct db_conn *c, const char *connection_id,
                                               int64_t bucket, const json_t *items, int64_t now,
                                               struct sync_counts *counts, struct errbuf *eb);

/* ---- buyer cases (cases.c) ---- */

/*
 * Upserts one page of parent after-sales items inside the caller's transaction, keyed by
 * parentAfterSalesSn (temu_aftersales; status is parentAfterSalesStatus, times in seconds even
 * when given in milliseconds), compared by a content hash. details (may be NULL) maps a
 * parentAfterSalesSn to {"detail": <detail.get result>} or {"error": "..."}: a case with one
 * is written even when unchanged, with its reason, refund summary and buyer comment. Adds to
 * counts; items without a usable parentAfterSalesSn count as failed and are skipped.
 */
ERR_MUST_USE enum err sync_cases_store_page(struct db_conn *c, const char *connection_id,
                                            const json_t *items, const json_t *details, int64_t now,
                                            struct sync_counts *counts, struct errbuf *eb);

/* The same for one page of bg.aftersales.cancel.list.get items (temu_cancellations). */
ERR_MUST_USE enum err sync_cancels_store_page(struct db_conn *c, const char *connection_id,
                                              const json_t *items, int64_t now,
                                              struct sync_counts *counts, struct errbuf *eb);

/* Filters of sync_cases_list; NULL / 0 fields do not filter. */
struct sync_cases_filter {
    const char *connection_id;
    const char *kind; /* "after_sales", "cancellation" or "order_label" */
    const char *parent_order_sn;
    int64_t limit; /* 1..SYNC_CASES_LIST_MAX; 0 = SYNC_CASES_LIST_MAX */
};

/*
 * Buyer cases for the console, newest update first, as a new JSON object (caller decrefs)
 * {"cases": [...], "note": "..."}. Temu has no buyer-chat API (temu-open-platform.md §8), so
 * a buyer case is one of
 *   {kind:"after_sales", connection_id, id (parentAfterSalesSn), parent_order_sn,
 *    status_group, status (parentAfterSalesStatus), type, created_at, updated_at, data (the
 *    stored item), detail {reason_code, reason_desc, buyer_comment, refund_summary | null,
 *    error ("" or why the detail could not be read)}},
 *   {kind:"cancellation", connection_id, id (parentAfterSalesSn), parent_order_sn, status,
 *    created_at, updated_at (= created_at), data}, or
 *   {kind:"order_label", connection_id, id ("<parentOrderSn>:<label>"), parent_order_sn,
 *    label, order_status, updated_at}
 * for each buyer-initiated label (pending_buyer_cancellation, pending_buyer_address_change)
 * an order synced by the orders stream carries. ERR_INVAL for a bad kind or limit; ERR_DB.
 */
ERR_MUST_USE enum err sync_cases_list(struct db *db, const struct sync_cases_filter *f,
                                      json_t **out, struct errbuf *eb);

/* ---- webhook intake (intake.c) ---- */

struct vault;
struct temu_webhook_headers;

/*
 * Receives one pushed Temu event (temu-open-platform.md §9): finds the region whose stored
 * App Key is h->app_key, verifies the signature and decrypts eventData with that region's App
 * Secret from the vault (temu_webhook_open), and stores the event in temu_webhook_events under
 * a content id (a hash of app key, event code and plaintext, without the timestamp, so a
 * redelivery, which is signed afresh, is the same event): *duplicate says it was there
 * already (its delivery count grows). Never calls Temu. Then schedules a targeted refresh:
 * order events (bg_order_status_change_event, bg_trade_logistics_address_changed) lower
 * sync_state.refresh_from of the orders stream of every connection of the event's mallId to
 * the event's updateTime (seconds), after-sales events (bg_aftersales_status_change) that of
 * the buyer_cases stream to its updateAt (milliseconds, converted), and a cancellation
 * (bg_cancel_order_status_change, an after-sales record about an order) both; the next run
 * of that stream moves its watermark back there first (sync_run_stream), so it re-reads that
 * window. The portal's bg_open_event_test is stored (it may come unencrypted, see
 * temu_webhook_open) and refreshes nothing.
 * ERR_AUTH for an unknown app key or a bad signature, ERR_BADREQ for a malformed delivery
 * (nothing is stored in either case), ERR_UNAVAILABLE without a vault, ERR_DB.
 */
ERR_MUST_USE enum err sync_webhook_receive(struct db *db, struct vault *v,
                                           const struct temu_webhook_headers *h, const char *body,
                                           size_t body_len, int64_t now, bool *duplicate,
                                           struct errbuf *eb);

/* ---- cancel, shared request budget, scheduler (src/sync/budget.c, scheduler.c) ---------- */

/*
 * Asks a running run to stop: the page loop sees the flag after its current page and ends the
 * run as "cancelled" (what was stored stays stored). ERR_NOTFOUND for an unknown run,
 * ERR_CONFLICT "not_running" when it has already finished.
 */
ERR_MUST_USE enum err sync_run_cancel(struct db *db, const char *run_id, struct errbuf *eb);

/*
 * Reserves the next request slot of app_key's budget of `rate` requests per second (less
 * LIMIT_SYNC_BUDGET_HEADROOM_PCT), shared by every process on the database: one atomic
 * UPDATE moves the row's theoretical arrival time (GCRA with a burst of one). now_us is wall
 * time in microseconds; *wait_us says how long the caller must wait before sending (0..). The
 * row is created on first use.
 */
ERR_MUST_USE enum err sync_budget_reserve(struct db_conn *c, const char *app_key, uint32_t rate,
                                          int64_t now_us, int64_t *wait_us, struct errbuf *eb);

/* The acquire hook context for temu_client_set_acquire(): budget of one app key. */
struct sync_budget {
    struct db *db;
    const char *app_key; /* borrowed */
    uint32_t rate;
};

/*
 * A temu_acquire_fn: reserves a slot of ctx's (struct sync_budget) budget and sleeps until it
 * (at most LIMIT_SYNC_BUDGET_WAIT_MAX_MS). On a database error it logs and returns at once.
 */
void sync_budget_acquire(void *ctx);

struct sync_scheduler;

/*
 * Starts the scheduler thread: every second it looks at each active connection's streams and
 * runs those due (last run + the stream's interval + 0..AICOS_SYNC_JITTER_S random seconds),
 * one at a time, with trigger "scheduler"; the database lease keeps other processes off a
 * stream this one runs. env (and what it points to) must outlive the scheduler. The caller
 * stops it with sync_scheduler_stop(). ERR_NOMEM, ERR_INTERNAL (thread).
 */
ERR_MUST_USE enum err sync_scheduler_start(const struct connect_env *env,
                                           struct sync_scheduler **out, struct errbuf *eb);

/*
 * Stops the scheduler: a running sync stops after its current page ("cancelled"), then the
 * thread is joined and everything freed. NULL is a no-op.
 */
void sync_scheduler_stop(struct sync_scheduler *s);

/* The interval of stream s in seconds from the configuration. */
int64_t sync_stream_interval(const struct config *cfg, enum sync_stream s);

#endif
