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

enum sync_stream { SYNC_STREAM_ORDERS = 0, SYNC_STREAM__COUNT };

/* Parses a stream name ("orders"); false when unknown. */
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

struct sync_run_opts {
    const char *connection_id; /* required */
    enum sync_stream stream;
    int64_t since;       /* backfill start (unix s) on a stream's first run; 0 = default */
    const char *trigger; /* "cli", "api" or "scheduler" */
    sync_progress_fn progress;
    void *progress_ctx;
};

struct sync_run_result {
    char run_id[SYNC_RUN_ID_LEN + 1]; /* "" when no run was recorded */
    const char *outcome;              /* "success", "failed", "auth", "paused" (static) */
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
enum err sync_run_stream(const struct connect_env *env, const struct sync_run_opts *o,
                         struct sync_run_result *out, struct errbuf *eb);

/*
 * The run history, newest first, as a new JSON array of {id, connection_id, stream, trigger,
 * started_at, finished_at, outcome, pages, counts {added, updated, unchanged, failed},
 * error {class, code, message} | null}. connection_id and stream may be NULL (all); limit is
 * 1..SYNC_RUNS_LIST_MAX.
 */
enum err sync_runs_list(struct db *db, const char *connection_id, const char *stream, int64_t limit,
                        json_t **out, struct errbuf *eb);

/* Clears the paused flag and the failure count of a stream. ERR_NOTFOUND when it has no state. */
enum err sync_resume(struct db *db, const char *connection_id, enum sync_stream stream,
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
enum err sync_summary_get(struct db *db, struct sync_summary *out, struct errbuf *eb);

/* ---- building blocks, public for the tests ---- */

/*
 * Claims the lease of (connection, stream) for holder until now + ttl: succeeds when nobody
 * holds it, holder already does, it expired, or its holder is a process of this host that no
 * longer exists. *got says whether it was claimed.
 */
enum err sync_lease_claim(struct db_conn *c, const char *connection_id, const char *stream,
                          const char *holder, int64_t now, int64_t ttl, bool *got,
                          struct errbuf *eb);

/* Releases the lease if holder holds it. */
enum err sync_lease_release(struct db_conn *c, const char *connection_id, const char *stream,
                            const char *holder, struct errbuf *eb);

/* A holder id for this process: "<host>:<pid>:<random>" into out (SYNC_HOLDER_MAX). */
void sync_holder_id(char *out, size_t len);

/*
 * Upserts one page of bg.order.list.v2.get pageItems for connection_id inside the caller's
 * transaction: parent orders keyed by parentOrderSn, children by orderSn, compared by a
 * content hash. Adds to counts (added, updated, unchanged; items without a usable
 * parentOrderSn count as failed and are skipped).
 */
enum err sync_orders_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                                int64_t now, struct sync_counts *counts, struct errbuf *eb);

#endif
