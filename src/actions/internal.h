/* Internal to src/actions: the facts a detector reads, a hit, and the item reconciler. */
#ifndef AICOS_ACTIONS_INTERNAL_H
#define AICOS_ACTIONS_INTERNAL_H

#include "actions/actions.h"
#include "settlement/query.h"

/* One parent order as the detectors see it. */
struct actions_order {
    int64_t status, ship_by, update_time, latest_delivery, shipped_at;
    bool soon_to_be_overdue, past_due, pending_cancel, pending_address, risk_alert;
    int64_t packages; /* packageSnInfo entries over the children */
    int64_t abnormal; /* packageAbnormalTypeList entries over the children */
    const char *abnormal_first;
    /* The tracking domain's parcels of the order (tracking_shipments, tracking_flags):
     * carrier status exception or expired, and flagged lost_suspect. */
    int64_t carrier_exception, lost_suspect;
    const char *carrier_first; /* tracking number of the first such parcel */
    const char *carrier_state; /* its status, or "lost_suspect:<reason>" */
    struct money total;        /* sum of quantity × SKU price; currency "" when unknown */
};

struct actions_case {
    int64_t status_group, status, create_at, update_at, expire_at; /* expire_at: unix s, 0 none */
    int64_t operations; /* availableOperateList entries: the seller's move */
    const char *order_sn;
};

struct actions_health {
    const char *stream; /* NULL: the connection row */
    const char *conn_status;
    int64_t expires_at;
    int64_t failures, paused, last_success_at;
    const char *warning;
};

struct actions_stock {
    int64_t quantity, sold7, sold30;
};

/* One parcel of the tracking domain (a tracking_shipments row and its stalled flag). */
struct actions_parcel {
    const char *order_sn, *number, *carrier, *status, *lane;
    int64_t shipped_at, created_at, first_event_at, last_event_at, promise_at;
    bool final;          /* delivered, returned or expired */
    const char *stalled; /* the stalled flag's reason, NULL when not flagged */
    int64_t stalled_since;
};

struct actions_facts {
    const char *conn;
    const char *key;
    const struct actions_order *order;
    const struct actions_case *kase;
    const struct actions_health *health;
    const struct actions_stock *stock;
    const struct actions_parcel *parcel;
    const struct settle_order_state *settle; /* the settlement domain's result of the order */
};

struct actions_hit {
    const struct actions_detector *d;
    char key[ACTIONS_KEY_MAX];
    int64_t deadline;   /* 0: none */
    struct money money; /* currency "" = none */
    json_t *values;     /* the values that fired it (owned) */
};

/* The thresholds of every detector for conn, params[detector index][param index]. */
ERR_MUST_USE enum err actions_params_load(struct db_conn *c, const char *conn,
                                          int64_t (*params)[ACTIONS_PARAMS_MAX], struct errbuf *eb);

/* actions_params_load on a connection of db into a new table *params (free it, even on error). */
ERR_MUST_USE enum err actions_params_read(struct db *db, const char *conn,
                                          int64_t (**params)[ACTIONS_PARAMS_MAX],
                                          struct errbuf *eb);

/*
 * Reconciles in c's open transaction: hits of the detectors of input over the objects
 * keys[0..n) (of object types those detectors use) against the stored items; all_keys true
 * means every stored object of that input and connection (the full pass).
 */
ERR_MUST_USE enum err actions_reconcile(struct db_conn *c, const char *conn, enum actions_input in,
                                        const char *const *keys, size_t n, struct actions_hit *hits,
                                        size_t nhits, int64_t now, struct actions_stats *st,
                                        struct errbuf *eb);

/* Score parts of an item. */
struct actions_score {
    int64_t total, severity, urgency, money;
    bool breached;
};
void actions_score_of(int severity, int64_t deadline, const struct money *m, int64_t now,
                      struct actions_score *out);

/* One history row (actor, from -> to, note) for item id at now. */
ERR_MUST_USE enum err actions_history_add(struct db_conn *c, const char *id, const char *from,
                                          const char *to, const char *actor, const char *note,
                                          int64_t now, struct errbuf *eb);

/* "$k, $k+1, ..." placeholders for n parameters starting at first, into out. */
void actions_placeholders(char *out, size_t len, size_t first, size_t n);

/* The detector index of d in the table. */
size_t actions_detector_index(const struct actions_detector *d);

#endif
