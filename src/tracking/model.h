/*
 * The tracking model (tracking-and-settlement.md §1.6, §1.10, §1.11; product.md §6): one
 * normalized status per parcel, the lane classes with their thresholds, the derived flags with
 * their reason codes, and the mapping of Temu carriers to 17TRACK carrier codes. Pure
 * functions: no database, no network.
 */
#ifndef AICOS_TRACKING_MODEL_H
#define AICOS_TRACKING_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACKING_HOUR_S 3600
#define TRACKING_DAY_S  86400

/* The normalized statuses, in the order of a parcel's life (registered first). */
enum tracking_status {
    TRACKING_REGISTERED = 0,
    TRACKING_NOT_FOUND,
    TRACKING_INFO_RECEIVED,
    TRACKING_IN_TRANSIT,
    TRACKING_CUSTOMS,
    TRACKING_OUT_FOR_DELIVERY,
    TRACKING_READY_FOR_PICKUP,
    TRACKING_FAILED_ATTEMPT,
    TRACKING_DELIVERED,
    TRACKING_RETURNING,
    TRACKING_RETURNED,
    TRACKING_EXCEPTION,
    TRACKING_EXPIRED,
    TRACKING_STATUS__COUNT
};

/* "registered", "not_found", ...; "" out of range. */
const char *tracking_status_name(enum tracking_status s);

/* Parses a status name; false when unknown. */
bool tracking_status_parse(const char *name, enum tracking_status *out);

/* True for statuses after which the parcel needs no more refreshes (delivered, returned,
 * expired). */
bool tracking_status_final(enum tracking_status s);

/*
 * The normalized status of a 17TRACK main status and sub-status (§1.6). An unknown
 * sub-status counts as its main status's `<Main>_Other` (never a failure); *known says whether
 * main was one of the nine (false: the caller keeps its previous status).
 */
enum tracking_status tracking_status_from_17track(const char *main, const char *sub, bool *known);

/* The normalized status of a Temu logisticsStatus ("Info received", "Picked up", "In transit",
 * "Out for delivery", "Delivered", "Exception"); *known false for other text. */
enum tracking_status tracking_status_from_temu(const char *status, bool *known);

/* Lane classes (§1.11). */
enum tracking_lane {
    TRACKING_LANE_DOMESTIC = 0,
    TRACKING_LANE_EXPRESS,
    TRACKING_LANE_LINE,
    TRACKING_LANE_POSTAL,
    TRACKING_LANE__COUNT
};

const char *tracking_lane_name(enum tracking_lane l);
bool tracking_lane_parse(const char *name, enum tracking_lane *out);

/* The thresholds of a lane, in seconds. */
struct tracking_thresholds {
    int64_t stall_s;         /* stalled when no scan for this long */
    int64_t customs_stall_s; /* stalled (customs_hold) when in customs this long */
    int64_t transit_s;       /* delayed when in transit longer and there is no promise */
    int64_t lost_s;          /* lost_suspect when no scan for this long */
};

/* The default thresholds of lane (the one table of §1.11; shops override rows of it). */
void tracking_thresholds_default(enum tracking_lane l, struct tracking_thresholds *out);

/* The lane of a 17TRACK carrier code (postal China Post/EMS, lines, DHL Express, else
 * domestic). */
enum tracking_lane tracking_lane_of_carrier(int64_t carrier);

/* What the flags are computed from; times are Unix seconds, 0 when unknown. */
struct tracking_facts {
    enum tracking_status status;
    const char *sub_status; /* raw provider sub-status, "" when none */
    int64_t shipped_at;     /* ship confirmation (or registration) */
    int64_t first_event_at, last_event_at, picked_up_at;
    int64_t promise_at; /* Temu's latest delivery time of the order */
};

enum tracking_flag_kind { TRACKING_FLAG_STALLED = 0, TRACKING_FLAG_DELAYED, TRACKING_FLAG_LOST };

#define TRACKING_FLAGS_MAX  3
#define TRACKING_REASON_MAX 64

struct tracking_flag {
    enum tracking_flag_kind kind;
    char reason[TRACKING_REASON_MAX]; /* no_scan, customs_hold, past_promise, past_transit,
                                         exception:<sub> */
    int64_t since;                    /* when the condition began */
};

/* "stalled", "delayed", "lost_suspect". */
const char *tracking_flag_name(enum tracking_flag_kind k);

/*
 * The flags of a parcel at time now under thresholds t into out (at most TRACKING_FLAGS_MAX);
 * returns how many. Final statuses have none. stalled: no scan for t->stall_s (no_scan), or in
 * customs for t->customs_stall_s (customs_hold); an info_received parcel is not stalled before
 * 48 h after shipping. delayed: now past promise_at (past_promise), else in transit longer than
 * t->transit_s since pickup (past_transit), or the provider says Exception_Delayed. lost_suspect:
 * no scan for t->lost_s (no_scan), or the provider says Exception_Lost.
 */
size_t tracking_flags_compute(const struct tracking_facts *f, const struct tracking_thresholds *t,
                              int64_t now, struct tracking_flag out[TRACKING_FLAGS_MAX]);

/*
 * Checks a tracking number's shape as 17TRACK does (5 to 50 letters, digits and hyphens);
 * returns NULL when fine, else the reason as a sentence (static).
 */
const char *tracking_number_problem(const char *number);

#endif
