/*
 * A tracking provider (product.md §6, issue 12): a small interface, register numbers, fetch
 * updates, verify and read a push, with two implementations:
 *   17TRACK v2.2 (provider_17track.c): batches of at most 40 numbers, the key's shared
 *     request budget, partial success per item with its error code;
 *   Temu (provider_temu.c): temu.track.trackinginfo.get by packageSn through a connection's
 *     Temu client and the app's shared Temu budget; nothing to register, no pushes.
 * An update is normalized (model.h): events newest first and deduplicated, the status of the
 * newest event, the provider's raw status kept beside it.
 */
#ifndef AICOS_TRACKING_PROVIDER_H
#define AICOS_TRACKING_PROVIDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "tracking/model.h"

#define TRACKING_NUMBER_MAX 50
#define TRACKING_RAW_MAX    64
#define TRACKING_TEXT_MAX   256
#define TRACKING_EVENTS_MAX 200

struct tracking_event {
    int64_t at; /* Unix seconds (UTC) */
    enum tracking_status status;
    char raw[TRACKING_RAW_MAX]; /* the provider's sub-status or status text */
    char text[TRACKING_TEXT_MAX];
    char location[TRACKING_TEXT_MAX];
};

/* One parcel as a provider sees it now. */
struct tracking_update {
    char number[TRACKING_NUMBER_MAX + 1];
    int64_t carrier; /* the provider's carrier code (0: none) */
    bool found;      /* false: the provider does not know the number (not registered) */
    bool stopped;    /* the provider stopped tracking it (TRACKING_STOPPED) */
    bool has_status; /* status/raw fields are meaningful */
    enum tracking_status status;
    char raw_status[TRACKING_RAW_MAX], raw_sub[TRACKING_RAW_MAX];
    int64_t latest_at; /* time of the provider's newest event (0: none) */
    int64_t picked_up_at, delivered_at;
    struct tracking_event *events; /* newest first, deduplicated; owned */
    size_t count;
};

void tracking_update_clear(struct tracking_update *u);

/* A parcel to register or fetch. */
struct tracking_ref {
    const char *number;
    int64_t carrier;        /* 0: let the provider detect it */
    const char *package_sn; /* Temu */
    const char *connection_id;
};

/* The result of registering one number. */
struct tracking_reg_result {
    bool accepted; /* accepted now, or already registered (-18019901) */
    bool spent;    /* a quota unit was spent by this call */
    bool retry;    /* a temporary refusal: try again later */
    int64_t code;  /* the per-item error code, 0 when accepted */
    int64_t carrier;
    int64_t origin; /* 1 detected, 2 confirmed, 3 a guess */
    char message[TRACKING_TEXT_MAX];
};

struct tracking_quota {
    int64_t total, used, remain, today_used, max_daily;
};

struct tracking_provider;

struct tracking_provider_ops {
    const char *name; /* "17track", "temu" */
    /* Registers n numbers (at most the provider's batch); res[i] for refs[i]. */
    enum err (*register_numbers)(struct tracking_provider *p, const struct tracking_ref *refs,
                                 size_t n, struct tracking_reg_result *res, struct errbuf *eb);
    /* Fetches n parcels; out[i] (cleared by the caller) for refs[i]. */
    enum err (*fetch)(struct tracking_provider *p, const struct tracking_ref *refs, size_t n,
                      struct tracking_update *out, struct errbuf *eb);
    /* Verifies a push (body, its `sign`) and reads it into out; ERR_AUTH when the signature
     * is wrong or absent, ERR_BADREQ when malformed, ERR_BADREQ "push_unsupported" without pushes.
     */
    enum err (*push_open)(struct tracking_provider *p, const char *body, size_t len,
                          const char *sign, struct tracking_update *out, struct errbuf *eb);
    enum err (*quota)(struct tracking_provider *p, struct tracking_quota *out, struct errbuf *eb);
    void (*free)(struct tracking_provider *p);
    size_t batch; /* numbers per call */
};

struct tracking_provider {
    const struct tracking_provider_ops *ops;
    void *impl;
};

struct db;
struct t17_client;
struct connect_env;

/*
 * The 17TRACK provider over base_url with key (the budget shared through db, one request
 * slot every interval_us; 0: T17_RATE_INTERVAL_US); *out owned by the caller
 * (tracking_provider_free).
 */
ERR_MUST_USE enum err tracking_provider_17track_new(const char *base_url, const char *key,
                                                    struct db *db, int64_t interval_us,
                                                    struct tracking_provider **out,
                                                    struct errbuf *eb);

/* The client inside a 17TRACK provider (for its id and statistics), NULL for another. */
struct t17_client *tracking_provider_t17(struct tracking_provider *p);

/*
 * stoptrack, retrack or changecarrier (endpoint) for n numbers (refs[i].carrier the current
 * carrier, new_carriers[i] the new one for changecarrier; NULL otherwise); res[i] per item
 * (accepted, or the code of the rejection, e.g. -18019904 only stopped numbers can be
 * retracked, -18019807 too many carrier changes). ERR_INVAL for another provider.
 */
ERR_MUST_USE enum err tracking_17track_manage(struct tracking_provider *p, const char *endpoint,
                                              const struct tracking_ref *refs,
                                              const int64_t *new_carriers, size_t n,
                                              struct tracking_reg_result *res, struct errbuf *eb);

/* gettracklist with filter (an object: number, tracking_status, page_no, order_by, ...): the
 * answer's data in *page (a new reference). For reconciling missed pushes. */
ERR_MUST_USE enum err tracking_17track_list(struct tracking_provider *p, const json_t *filter,
                                            json_t **page, struct errbuf *eb);

/* Parses one 17TRACK track_info (gettrackinfo item or TRACKING_UPDATED data) into out. */
ERR_MUST_USE enum err tracking_parse_track_info(const json_t *item, struct tracking_update *out,
                                                struct errbuf *eb);

/* The Temu provider: a client per connection from env (shared Temu budget). */
ERR_MUST_USE enum err tracking_provider_temu_new(const struct connect_env *env,
                                                 struct tracking_provider **out, struct errbuf *eb);

struct temu_client;

/* The Temu client of connection conn inside a Temu provider (kept until the provider is
 * freed), for the parcel discovery. ERR_INVAL when p is not the Temu provider. */
ERR_MUST_USE enum err tracking_temu_client(struct tracking_provider *p, const char *conn,
                                           struct temu_client **out, struct errbuf *eb);

void tracking_provider_free(struct tracking_provider *p);

/* Sorts events newest first and drops repeats (same time, raw status, text and location). */
void tracking_events_normalize(struct tracking_update *u);

#endif
