/*
 * Carrier tracking (issue 12, product.md §6, tracking-and-settlement.md Part 1): every parcel
 * of a shipped order followed through the configured provider (provider.h), normalized
 * (model.h), with derived flags, stored crash-safely.
 *
 * Tables (migration 22; columns in docs/architecture.md "Carrier tracking"):
 *   tracking_settings       provider (none|temu|17track), base URL, provider health
 *   tracking_shipments      one row per parcel (connection, package): carrier, lane, the
 *                           normalized status and the raw one, times (shipped, promise, first
 *                           and last scan, picked_up_at, delivered_at), registration state
 *   tracking_events         the scans, keyed by a hash of (time, raw status, text, location)
 *   tracking_flags          the current flags (stalled, delayed, lost_suspect) with reason
 *   tracking_registrations  the quota ledger: one row per (key, number), reserved before the
 *                           register call, so a number is never registered twice
 *   tracking_quota          the key's remaining quota as last read, spent by reservations
 *   tracking_carriers       Temu carrier (id or name) -> 17TRACK code and lane (migration 29)
 *   tracking_pushes         received pushes by content hash (idempotent)
 *   tracking_lanes          per-shop overrides of the lane thresholds
 * The 17TRACK request budget is a row "17track:<key id>" of temu_budget (t17.h).
 *
 * The 17TRACK API key lives in the vault as TRACKING_KEY_SECRET.
 */
#ifndef AICOS_TRACKING_TRACKING_H
#define AICOS_TRACKING_TRACKING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"
#include "store/db.h"
#include "tracking/model.h"
#include "tracking/provider.h"

#define TRACKING_KEY_SECRET      "tracking/17track/key"
#define TRACKING_URL_MAX         512
#define TRACKING_ID_LEN          32
#define TRACKING_LIST_MAX        500
#define TRACKING_RECENT_S        (24 * 3600) /* "connected": a successful refresh this recent */
#define TRACKING_POLL_S          (6 * 3600)  /* a parcel is polled again after this long */
#define TRACKING_RECHECK_S       (6 * 3600)  /* a shipped order without parcels is asked again */
#define TRACKING_RESERVE_S       600         /* a reservation older than this was interrupted */
#define TRACKING_REFRESH_MAX     100000      /* parcels one refresh may touch */
#define TRACKING_RECONCILE_PAGES 25          /* gettracklist pages one refresh may read */

#define TRACKING_PUSH_KEY_SECRET "tracking/17track/push_key"
#define TRACKING_RATE_MAX        150      /* 17TRACK requests per minute (2.5/s: §1.4 allows 3) */
#define TRACKING_MINUTE_US       60000000 /* microseconds in a minute */

struct tracking_settings {
    char provider[16]; /* "none", "temu" or "17track" */
    char url[TRACKING_URL_MAX];
    bool enabled;           /* false: no refresh runs (pushes are still received) */
    int64_t rate_per_min;   /* the 17TRACK request budget, 1..TRACKING_RATE_MAX */
    int64_t last_ok_at;     /* newest successful refresh */
    int64_t key_refused_at; /* the provider refused the key (0: not since the last success or
                               the last key stored) */
    char last_error[256];
};

ERR_MUST_USE enum err tracking_settings_get(struct db *db, struct tracking_settings *out,
                                            struct errbuf *eb);

/* A change of the settings (settings.c); NULL / -1 / 0 fields keep what is stored. */
struct tracking_settings_change {
    const char *provider; /* none|temu|17track */
    const char *url;      /* the 17TRACK base URL; "" the default */
    const char *key;      /* the 17TRACK API key, into the vault */
    const char *push_key; /* a second key pushes may be signed with (during a key rotation,
                             the old one); "" removes it */
    int enabled;          /* 1 on, 0 off */
    int64_t rate_per_min; /* 1..TRACKING_RATE_MAX */
};

/*
 * Applies a change, everything checked before anything is written: ERR_INVAL bad_provider,
 * bad_url, provider_key_invalid, bad_rate; ERR_UNAVAILABLE without a vault when a key is given.
 * A new provider takes the open parcels (registered there on the next refresh).
 */
ERR_MUST_USE enum err tracking_settings_change(const struct connect_env *env,
                                               const struct tracking_settings_change *c,
                                               int64_t now, struct errbuf *eb);

/*
 * The settings for people: {provider, url, enabled, rate_per_min, key (masked, or null),
 * push_key (masked, or null), webhook_path, last_ok_at, last_error, key_refused_at}. Keys are
 * never shown whole.
 */
ERR_MUST_USE enum err tracking_settings_json(const struct connect_env *env, json_t **out,
                                             struct errbuf *eb);

/*
 * Sets the provider (none|temu|17track), its base URL (NULL keeps it; "" the default) and, for
 * 17track, the API key into the vault (NULL keeps the stored one): tracking_settings_change
 * with only these.
 */
ERR_MUST_USE enum err tracking_configure(const struct connect_env *env, const char *provider,
                                         const char *url, const char *key, int64_t now,
                                         struct errbuf *eb);

/* The configured provider; ERR_CONFLICT "tracking_not_configured" when none. */
ERR_MUST_USE enum err tracking_provider_open(const struct connect_env *env,
                                             struct tracking_provider **out, struct errbuf *eb);

/* A parcel to follow. */
struct tracking_add {
    const char *connection_id;   /* "" for a parcel entered by hand */
    const char *parent_order_sn; /* may be "" */
    const char *order_sn;
    const char *package_sn; /* NULL: "manual:<number>" */
    const char *number;
    const char *carrier_name; /* Temu's carrier name, "" unknown */
    int64_t temu_carrier_id;
    int64_t carrier; /* the provider's code; 0: from the name, else detected */
    int64_t shipped_at, promise_at;
};

/*
 * Adds a parcel (inside no transaction of the caller). The number is upper-cased; a malformed
 * one is refused with ERR_INVAL "tracking_number_invalid" and the reason. *created false when
 * the parcel was there already. id gets its id.
 */
ERR_MUST_USE enum err tracking_shipment_add(struct db *db, const char *provider,
                                            const struct tracking_add *a, int64_t now,
                                            char id[TRACKING_ID_LEN + 1], bool *created,
                                            struct errbuf *eb);

/*
 * The parcel id now carries another number (Temu's upload was corrected): the new number
 * (normalized and shape-checked like tracking_shipment_add; carrier from a, else the mapping)
 * replaces the old one, its scans and flags are dropped and it is registered afresh, in one
 * transaction. ERR_INVAL "tracking_number_invalid".
 */
ERR_MUST_USE enum err tracking_shipment_renumber(struct db *db, const char *id,
                                                 const struct tracking_add *a, int64_t now,
                                                 struct errbuf *eb);

struct tracking_refresh_opts {
    int64_t now;                    /* evaluation time (Unix seconds); 0: the wall clock */
    const char *connection_id;      /* NULL: all */
    bool discover;                  /* ask Temu for the parcels of shipped orders first */
    bool poll_all;                  /* poll every open parcel, not only those due */
    bool (*should_stop)(void *ctx); /* asked between batches; true ends the refresh early */
    void *stop_ctx;
};

struct tracking_refresh_result {
    int64_t discovered, registered, refused, polled, changed, failed;
    int64_t listed, missed; /* gettracklist records read; parcels found behind (missed pushes) */
    int64_t flags_raised, flags_cleared, open;
    char message[256];
};

/*
 * One refresh: discover parcels of shipped orders (the sync engine's shipments stream of each
 * active connection, then the parcels it stored that are not followed yet), register new ones with
 * the provider (quota ledger: reserved in the database before the call, at most the remaining
 * quota, never twice), poll the parcels due, apply each answer in its own transaction (events
 * deduplicated, status, times), then evaluate the flags of every open parcel at now. A kill at any
 * moment loses nothing: a reservation without an answer is resolved by asking the provider on the
 * next run. ERR_AUTH "provider_key_refused" (recorded: the registry shows failed), ERR_CONFLICT
 * "tracking_not_configured".
 */
ERR_MUST_USE enum err tracking_refresh(const struct connect_env *env,
                                       const struct tracking_refresh_opts *o,
                                       struct tracking_refresh_result *r, struct errbuf *eb);

/*
 * Receives one 17TRACK push (TRACKING_UPDATED / TRACKING_STOPPED): verifies sign with the
 * key from the vault, stores it (tracking_pushes, by content hash) and applies it to the
 * parcel in one transaction before returning; a repeated or older push changes nothing
 * (*duplicate). ERR_AUTH for a missing or wrong signature, ERR_BADREQ when malformed, nothing
 * stored in either case; ERR_CONFLICT when 17TRACK is not the provider.
 */
ERR_MUST_USE enum err tracking_push_receive(const struct connect_env *env, const char *body,
                                            size_t len, const char *sign, int64_t now,
                                            bool *duplicate, struct errbuf *eb);

/*
 * The quota as {provider, key_id, ledger {remain, reserved, accepted, rejected},
 * provider_quota {total, used, remain, today_used, max_track_daily} | null}; fetch asks the
 * provider (getquota, free) and stores its remain.
 */
ERR_MUST_USE enum err tracking_quota_report(const struct connect_env *env, bool fetch, json_t **out,
                                            struct errbuf *eb);

/*
 * One parcel at 17TRACK (manage.c): action "stop" (stoptrack), "retrack", or "carrier"
 * (changecarrier to new_carrier). *out gets the parcel afterwards. ERR_INVAL bad_action,
 * ERR_NOTFOUND, ERR_CONFLICT tracking_not_17track or provider_refused (with 17TRACK's code,
 * e.g. -18019904 only stopped numbers can be retracked).
 */
ERR_MUST_USE enum err tracking_manage(const struct connect_env *env, const char *id,
                                      const char *action, int64_t new_carrier, int64_t now,
                                      json_t **out, struct errbuf *eb);

/* 17TRACK's own list of the key's numbers (gettracklist page page_no, 40 a page). */
ERR_MUST_USE enum err tracking_remote_list(const struct connect_env *env, int64_t page_no,
                                           json_t **out, struct errbuf *eb);

/* Sets a shop's thresholds for lane (seconds; 0 keeps the default of that field). */
ERR_MUST_USE enum err tracking_lane_set(struct db *db, const char *connection_id,
                                        enum tracking_lane lane,
                                        const struct tracking_thresholds *t, struct errbuf *eb);

/* ---- the carrier mapping (carriers.c, table tracking_carriers) ---- */

#define TRACKING_CARRIER_NAME_MAX 64
#define TRACKING_CARRIER_CODE_MAX 9999999

/* One mapping: a Temu carrier (id > 0, else name) -> the 17TRACK code and lane. */
struct tracking_carrier_map {
    int64_t temu_carrier_id; /* 0: by name */
    const char *name;        /* Temu's carrier name; the key when temu_carrier_id is 0 */
    int64_t code;            /* 1..TRACKING_CARRIER_CODE_MAX */
    const char *lane;        /* NULL or "": the code's default lane */
};

/*
 * Sets a mapping (source "operator"; replaces a seeded or detected one) and applies it to the
 * parcels not registered yet with that Temu carrier (*applied counts them). ERR_INVAL
 * carrier_key_missing, carrier_code_invalid, bad_lane, carrier_name_too_long.
 */
ERR_MUST_USE enum err tracking_carrier_set(struct db *db, const struct tracking_carrier_map *m,
                                           int64_t now, int64_t *applied, struct errbuf *eb);

/* Deletes the mapping of a Temu carrier (id > 0, else name); ERR_NOTFOUND carrier_not_mapped. */
ERR_MUST_USE enum err tracking_carrier_delete(struct db *db, int64_t temu_id, const char *name,
                                              struct errbuf *eb);

/*
 * The mapping as {carriers: [{temu_carrier_id, name, code, lane, source (seed, operator,
 * detected), updated_at}], unknown: [{temu_carrier_id, name, parcels}]}: unknown lists the
 * Temu carriers of parcels that no mapping names (most parcels first).
 */
ERR_MUST_USE enum err tracking_carriers_list(struct db *db, json_t **out, struct errbuf *eb);

#define TRACKING_SCHED_INTERVAL_S 900 /* the scheduler's refresh interval */

struct tracking_scheduler;

/*
 * Starts the tracking scheduler thread (scheduler.c): every interval_s (0: the default) plus
 * a jitter, under the database lease ("", "tracking") of sync_leases, one tracking_refresh()
 * with discovery while a provider is configured. env must outlive it.
 */
ERR_MUST_USE enum err tracking_scheduler_start(const struct connect_env *env, int64_t interval_s,
                                               struct tracking_scheduler **out, struct errbuf *eb);

/* Stops the thread after its current batch and frees it; NULL is a no-op. */
void tracking_scheduler_stop(struct tracking_scheduler *s);

/* ---- queries (query.c): for api, web, readiness and the action center ---- */

struct tracking_filter {
    const char *status;          /* a normalized status */
    const char *flag;            /* stalled, delayed, lost_suspect, or "any" */
    const char *carrier;         /* carrier name (Temu's) or provider code */
    const char *lane;            /* domestic, express, line, postal */
    const char *connection_id;   /* the shop */
    const char *parent_order_sn; /* one order's parcels */
    int64_t limit, offset;       /* limit 1..TRACKING_LIST_MAX, 0 = 50 */
};

/* Reads a filter from a lookup (query string); ERR_INVAL names the bad parameter. */
typedef const char *(*tracking_lookup_fn)(const void *ctx, const char *key);
ERR_MUST_USE enum err tracking_filter_read(tracking_lookup_fn get, const void *ctx,
                                           struct tracking_filter *f, struct errbuf *eb);

/*
 * Parcels as {shipments: [{id, connection_id, parent_order_sn, order_sn, package_sn,
 * tracking_number, carrier_name, carrier, lane, provider, registration, status, raw_status,
 * raw_sub_status, shipped_at, promise_at, first_event_at, last_event_at, picked_up_at,
 * delivered_at, refreshed_at, flags: [{flag, reason, since}]}], total, limit, offset}.
 * Times are Unix seconds or null.
 */
ERR_MUST_USE enum err tracking_shipments_list(struct db *db, const struct tracking_filter *f,
                                              json_t **out, struct errbuf *eb);

/* One parcel as above plus events [{at, status, raw_status, description, location}] newest
 * first. ERR_NOTFOUND "shipment_not_found". */
ERR_MUST_USE enum err tracking_shipment_get(struct db *db, const char *id, json_t **out,
                                            struct errbuf *eb);

/*
 * The current flags for the action center, newest first, as an array of {shipment_id,
 * connection_id, parent_order_sn, tracking_number, carrier_name, lane, status, flag, reason,
 * since, raised_at}. flag and connection_id may be NULL (all); limit 1..TRACKING_LIST_MAX.
 */
ERR_MUST_USE enum err tracking_flags_list(struct db *db, const char *flag,
                                          const char *connection_id, int64_t limit, json_t **out,
                                          struct errbuf *eb);

/*
 * The carrier times of order sn's parcels (parent order number; also tried with and without
 * a "PO-" prefix), for the expected settlement date: *delivered_at the last delivery when
 * every parcel of the order is delivered, else 0; *picked_up_at the first pickup scan, else
 * 0. Both 0 when the order has no tracked parcel. On c, in the caller's transaction if any.
 */
ERR_MUST_USE enum err tracking_order_times(struct db_conn *c, const char *sn, int64_t *picked_up_at,
                                           int64_t *delivered_at, struct errbuf *eb);

/* For the registry row. */
struct tracking_summary {
    struct tracking_settings settings;
    bool key_present;
    int64_t parcels, open, flagged;
    int64_t unmapped; /* open parcels whose Temu carrier no mapping names (tracking_carriers) */
    char flagged_orders[3][64]; /* up to three parent orders with a flag, newest first */
};

ERR_MUST_USE enum err tracking_summary_get(const struct connect_env *env,
                                           struct tracking_summary *out, struct errbuf *eb);

#endif
