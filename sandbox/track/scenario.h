/*
 * scenario: the scripted life of a parcel (tracking-and-settlement.md §1.13). A script is a list
 * of carrier events at fixed offsets after the first scan; the first scan comes a configurable
 * delay after registration. What a client sees at a virtual time is the prefix of the script
 * up to that time, turned into a 17TRACK track_info (§1.5): events newest first per provider,
 * latest_status from the newest event, nine milestones, time_metrics, hashes that change only
 * when the data change.
 */
#ifndef TK_SCENARIO_H
#define TK_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum scenario_id {
    SCENARIO_DOMESTIC,       /* US domestic happy path */
    SCENARIO_POSTAL_CUSTOMS, /* CN->US postal with a customs hold */
    SCENARIO_LINE_HANDOVER,  /* a line handing over to a last-mile carrier (two providers) */
    SCENARIO_FAILED_PICKUP,  /* failed attempt, then collected at a pickup point */
    SCENARIO_RETURN,         /* undeliverable, returned to sender */
    SCENARIO_LOST,           /* no scans after day 3 */
    SCENARIO_INVALID,        /* the carrier does not know the number */
    SCENARIO_UNKNOWN_SUB,    /* sub-statuses outside the 30 documented (forced only) */
    SCENARIO_COUNT
};

/* What one number is doing: its script, carriers and the time of its first scan. */
struct scenario_ctx {
    const char *number;
    enum scenario_id id;
    int carrier;       /* first leg */
    int final_carrier; /* last-mile leg of a hand-over (0: USPS) */
    int64_t start;     /* unix seconds of the first scripted event */
};

/* "domestic", "postal_customs", ...; NULL for an id out of range. */
const char *scenario_name(enum scenario_id id);

/* The id of name, or -1. */
int scenario_by_name(const char *name);

/* The scenario of number under seed: deterministic, weighted by the carrier's lane. */
enum scenario_id scenario_pick(uint64_t seed, const char *number, int carrier);

/* Events of the script revealed at time at (0 before the first). */
size_t scenario_revealed(const struct scenario_ctx *s, int64_t at);

/* Time of event k of the script (0-based). */
int64_t scenario_event_time(const struct scenario_ctx *s, size_t k);

/* Time of the newest event revealed at time at; 0 when none. */
int64_t scenario_last_time(const struct scenario_ctx *s, int64_t at);

/* Main status and sub-status at time at (NotFound/NotFound_Other before the first event). */
void scenario_status(const struct scenario_ctx *s, int64_t at, const char **status,
                     const char **sub);

/* True when the status at time at ends tracking: Delivered, Exception_Returned or Exception_*. */
bool scenario_final(const struct scenario_ctx *s, int64_t at);

/* True once the script has changed what a client sees since time since (exclusive). */
bool scenario_changed(const struct scenario_ctx *s, int64_t since, int64_t at);

/* The track_info object at time at. */
json_t *scenario_track_info(const struct scenario_ctx *s, int64_t at);

/* Every script with its events and offsets, for GET /_sandbox/scenarios and the docs. */
json_t *scenario_catalog_json(void);

/* Formats unix seconds as 2026-01-05T10:00:00Z into out (at least 21 bytes). */
void scenario_format_utc(int64_t t, char *out, size_t len);

#endif
