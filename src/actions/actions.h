/*
 * The action center (issue 14; shared/docs/ai.md §A): what needs attention now, ranked,
 * explained, and gone when it is fixed. Deterministic: no model, no network.
 *
 * One table of detectors (detectors.c), each with its default thresholds (overridable per shop
 * in action_settings) and a function over facts read only from the database (orders, order
 * items, product SKUs, after-sales cases, connections, sync state). Evaluation (eval.c) loads
 * the facts of a set of objects, runs the detectors of their input, and reconciles the hits
 * with the stored items (items.c) in one transaction: a new hit opens an item (unique on
 * connection, kind, object: no duplicates across restarts or processes), a hit on an
 * auto-resolved item reopens it, an item whose condition no longer holds is auto-resolved.
 * Every state change is in action_history with who made it.
 *
 * Incremental: the sync engine calls actions_sync_hook() after each committed page with the
 * page's keys, so the work is proportional to the page; `aicos worker` runs a window pass
 * (orders whose ship-by window was crossed since the last pass, plus the objects of active
 * items) on a timer and a full pass a tick after start and every ACTIONS_FULL_EVERY_S.
 *
 * Score (shown with its parts): severity weight (10, 20, 30) × urgency (0..100) + 100 × the
 * digits of the money at risk in major units (100 × log10(1 + amount), rounded up), plus
 * ACTIONS_BREACH_TIER when the deadline has passed, so a breached
 * deadline outranks any risk; ties by deadline (sooner first).
 */
#ifndef AICOS_ACTIONS_ACTIONS_H
#define AICOS_ACTIONS_ACTIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/roles.h"
#include "base/err.h"
#include "base/money.h"
#include "store/db.h"

#define ACTIONS_ID_LEN         24          /* item ids: "ai_" + 21 random characters */
#define ACTIONS_KEY_MAX        160         /* object keys (order numbers, "conn/stream", sku ids) */
#define ACTIONS_CHUNK          60          /* objects per transaction (PostgreSQL: <= 64 params) */
#define ACTIONS_BREACH_TIER    10000       /* added to the score of a breached deadline */
#define ACTIONS_URGENCY_WINDOW (72 * 3600) /* urgency reaches 100 at the deadline */
#define ACTIONS_FULL_EVERY_S   1800        /* the worker's full pass */
#define ACTIONS_TICK_S         60          /* the worker's window pass */
#define ACTIONS_LIST_MAX       500
#define ACTIONS_SNOOZE_MAX_S   (30 * 86400)
#define ACTIONS_HIGH_SEVERITY  3
#define ACTIONS_PARAMS_MAX     2

/* What a detector reads. */
enum actions_input {
    ACTIONS_IN_ORDERS,     /* temu_orders + temu_order_items (+ SKU prices) */
    ACTIONS_IN_CASES,      /* temu_aftersales */
    ACTIONS_IN_HEALTH,     /* temu_connections, sync_state */
    ACTIONS_IN_STOCK,      /* temu_product_skus + sales from temu_order_items */
    ACTIONS_IN_TRACKING,   /* tracking_shipments + tracking_flags (the tracking domain) */
    ACTIONS_IN_SETTLEMENT, /* the last reconciliation run (settle_order_states) */
};

struct actions_param {
    const char *name;
    int64_t dflt;
    int64_t min, max;
};

struct actions_facts;
struct actions_hit;

struct actions_detector {
    const char *kind;
    enum actions_input input;
    const char *object_type; /* order, parcel, case, connection, stream, sku, settlement */
    int severity;            /* 1 low, 2 medium, 3 high */
    const char *owner;       /* team: temu, logistics, payments, ops */
    enum auth_role see;      /* least role that sees it */
    const char *next_action; /* what to do, one sentence */
    const char *title;       /* "中文 / English" */
    struct actions_param params[ACTIONS_PARAMS_MAX];
    /* Fires for these facts at now with the resolved params; fills h (deadline, money, why
     * values). NULL: the detector's input is not on this branch yet (never fires). */
    bool (*fire)(const struct actions_facts *f, const int64_t *params, int64_t now,
                 struct actions_hit *h);
    const char *rule; /* the rule in words, shown with every item */
};

/* The detector table, in a fixed order. */
const struct actions_detector *actions_detectors(size_t *n);
const struct actions_detector *actions_detector_of(const char *kind);

struct actions_stats {
    int64_t objects, hits, opened, reopened, updated, resolved;
};

/*
 * Evaluates the detectors of input over the objects keys[0..n) of connection conn at now
 * (orders: parent order numbers; cases: parentAfterSalesSn; health: ignored, the connection's
 * rows). Adds to st (may be NULL).
 */
ERR_MUST_USE enum err actions_eval_keys(struct db *db, const char *conn, enum actions_input in,
                                        const char *const *keys, size_t n, int64_t now,
                                        struct actions_stats *st, struct errbuf *eb);

/* Every object of every input of conn (NULL: every connection): the full re-scan. */
ERR_MUST_USE enum err actions_eval_full(struct db *db, const char *conn, int64_t now,
                                        struct actions_stats *st, struct errbuf *eb);

/*
 * The window pass: orders whose ship-by risk or breach moment lies in (since, now], snoozes
 * that ended, the objects of every active item, and the integration health of every
 * connection.
 */
ERR_MUST_USE enum err actions_eval_window(struct db *db, int64_t since, int64_t now,
                                          struct actions_stats *st, struct errbuf *eb);

/*
 * After a reconciliation run (settle_reconcile): the settlement input of every connection,
 * that is every order of the run's results and the objects of active settlement items. The
 * window pass also calls it when the last run is newer than its since (a run of another
 * process).
 */
ERR_MUST_USE enum err actions_eval_settlement(struct db *db, int64_t now, struct actions_stats *st,
                                              struct errbuf *eb);

/*
 * After a tracking refresh: of every connection, the parcels changed or flagged after since (and
 * the no-scan moments crossed in (since, now]) and their orders, evaluated at now. The window pass
 * does the same each tick.
 */
ERR_MUST_USE enum err actions_eval_tracking(struct db *db, int64_t since, int64_t now,
                                            struct actions_stats *st, struct errbuf *eb);

/*
 * After a push or an added parcel: the parcels with these tracking numbers (upper case, at most
 * ACTIONS_CHUNK; through the number index, whatever the number of parcels) and their orders,
 * evaluated at now. Parcels entered by hand (no connection) are not evaluated.
 */
ERR_MUST_USE enum err actions_eval_parcels(struct db *db, const char *const *numbers, size_t n,
                                           int64_t now, struct actions_stats *st,
                                           struct errbuf *eb);

/* The same three as hooks for the callers of those events: a failure is logged (the window
 * pass repeats the evaluation), never returned. */
void actions_settlement_hook(struct db *db, int64_t now);
void actions_tracking_hook(struct db *db, int64_t since, int64_t now);
void actions_parcels_hook(struct db *db, const char *const *numbers, size_t n, int64_t now);

/* The sync engine's page hook (sync_set_page_hook): evaluates the page's objects now. */
void actions_sync_hook(void *ctx, struct db *db, const char *conn, const char *stream,
                       const char *const *keys, size_t n);

/* ---- reading and changing items (query.c) ---- */

struct actions_filter {
    enum auth_role role;  /* what the reader may see */
    const char *kind;     /* NULL: all */
    const char *state;    /* NULL: open and snoozed; "all"; or one state */
    const char *owner;    /* team, NULL: all */
    const char *assignee; /* NULL: all */
    int64_t limit, offset;
    int64_t now;
};

/*
 * Reads a filter from request arguments (arg(ctx, name), NULL when absent): kind, state,
 * owner, assignee, mine=1 (assignee = user), limit (1..ACTIONS_LIST_MAX, default 50), offset.
 * Empty values mean "no filter". ERR_INVAL with the argument named.
 */
ERR_MUST_USE enum err actions_filter_parse(const char *(*arg)(const void *ctx, const char *name),
                                           const void *ctx, enum auth_role role, const char *user,
                                           int64_t now, struct actions_filter *f,
                                           struct errbuf *eb);

/*
 * {"items":[{id, kind, title, connection_id, object {type, key, link}, why, deadline,
 * money_at_risk {minor, currency, text} | null, owner, severity, next_action, state,
 * snoozed_until, assignee, opened_at, resolved_at, resolved_by, score {total, severity,
 * urgency, money, breached}}], "total", "counts": {kind: n}} ranked.
 */
ERR_MUST_USE enum err actions_list(struct db *db, const struct actions_filter *f, json_t **out,
                                   struct errbuf *eb);

/* One item with its history ([{at, from, to, actor, note}]); ERR_NOTFOUND when role may not see
 * it or it does not exist. */
ERR_MUST_USE enum err actions_get(struct db *db, const char *id, enum auth_role role, json_t **out,
                                  struct errbuf *eb);

enum actions_op { ACTIONS_OP_SNOOZE, ACTIONS_OP_RESOLVE, ACTIONS_OP_ASSIGN, ACTIONS_OP_REOPEN };

struct actions_change {
    enum actions_op op;
    const char *id;
    const char *actor;
    enum auth_role role;
    int64_t until;        /* SNOOZE: unix seconds, now < until <= now + ACTIONS_SNOOZE_MAX_S */
    const char *assignee; /* ASSIGN: a user name, "" to unassign */
    const char *note;     /* optional, at most 200 bytes */
    int64_t now;
};

/* Applies a person's change, with its history row. ERR_INVAL for bad values, ERR_NOTFOUND,
 * ERR_CONFLICT when the item is already resolved (snooze, resolve). */
ERR_MUST_USE enum err actions_apply(struct db *db, const struct actions_change *c,
                                    struct errbuf *eb);

/* Overrides a detector's threshold for conn ("" = every shop). ERR_INVAL for an unknown kind
 * or name or a value out of range. */
ERR_MUST_USE enum err actions_setting_set(struct db *db, const char *conn, const char *kind,
                                          const char *name, int64_t value, const char *actor,
                                          int64_t now, struct errbuf *eb);

/* The thresholds of every detector for conn: {kind: {name: value}}. */
ERR_MUST_USE enum err actions_settings(struct db *db, const char *conn, json_t **out,
                                       struct errbuf *eb);

/*
 * The metrics since now - days*86400: {"per_day":[{day, opened, resolved}],
 * "median_resolve_s", "breaches", "breaches_warned_24h"} (a breach is a ship_by_breached item;
 * warned when a ship_by_risk item on the same order opened at least 24 h before its deadline).
 */
ERR_MUST_USE enum err actions_metrics(struct db *db, int64_t now, int64_t days, json_t **out,
                                      struct errbuf *eb);

/*
 * The daily brief for role (brief.c): {"zh", "en", "numbers": {orders_in, shipped, late,
 * settled, missing, open_items}, "top": [items]} over the 24 h before now. Deterministic: the
 * same database and now give the same text.
 */
ERR_MUST_USE enum err actions_brief(struct db *db, enum auth_role role, int64_t now, json_t **out,
                                    struct errbuf *eb);

#endif
