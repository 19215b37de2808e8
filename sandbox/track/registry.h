/*
 * registry: the numbers an account tracks, keyed by (number, carrier), with their states
 * (tracking -> stopped -> tracking once by retrack -> deleted), counters, the quota ledger and
 * the engine that turns virtual time into pushes (tracking-and-settlement.md §1.3, §1.4, §1.13).
 * Every per-item operation returns 0 with the accepted item, or a 17TRACK error code; it takes
 * the registry's lock itself, so one call's items are processed one by one, in order.
 */
#ifndef TK_REGISTRY_H
#define TK_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "push.h"

struct registry_opts {
    uint64_t seed;
    int64_t first_delay_s;    /* registration to the first scripted event */
    int64_t quota_total;      /* units */
    int64_t max_track_daily;  /* registrations per UTC day, 0: no cap */
    int auto_stop_days;       /* without an update, 0: never */
    int auto_stop_final_days; /* after Delivered/Exception, 0: never */
};

struct registry;

/* An empty registry whose pushes go to push. NULL when out of memory. */
struct registry *registry_new(const struct registry_opts *o, struct push *push);

/* NULL is a no-op. */
void registry_free(struct registry *r);

/* What a register item asks for (§1.3). */
struct registry_reg {
    const char *number;
    int carrier; /* 0: not given */
    bool auto_detection;
    int final_carrier; /* 0: not given */
    const char *tag, *lang;
    json_t *param; /* borrowed; NULL when absent */
};

/* register: 0 with *accepted {origin, number, carrier, tag}, or an error (*carrier_out echoed). */
int registry_register(struct registry *r, const struct registry_reg *q, json_t **accepted,
                      int *carrier_out);

/* gettrackinfo, stoptrack, retrack, deletetrack, push: carrier 0 matches any. */
int registry_info(struct registry *r, const char *number, int carrier, json_t **accepted);
int registry_stop(struct registry *r, const char *number, int carrier, json_t **accepted);
int registry_retrack(struct registry *r, const char *number, int carrier, json_t **accepted);
int registry_delete(struct registry *r, const char *number, int carrier, json_t **accepted);
int registry_push(struct registry *r, const char *number, int carrier, json_t **accepted);

/* changeinfo: tag, param, lang (NULL keeps). */
int registry_change_info(struct registry *r, const char *number, int carrier, const char *tag,
                         json_t *param, const char *lang, json_t **accepted);

/* changecarrier (§1.3, -18019801…-18019811); 0 arguments are "not given". */
int registry_change_carrier(struct registry *r, const char *number, int carrier_old,
                            int carrier_new, int final_old, int final_new, json_t **accepted);

/* The data object of getquota (§1.4, seven fields). */
json_t *registry_quota_json(struct registry *r);

/* Sets the quota (total, daily cap, used; negative keeps a value). */
void registry_quota_set(struct registry *r, int64_t total, int64_t daily, int64_t used);

enum registry_order {
    REGISTRY_REGISTER_ASC,
    REGISTRY_REGISTER_DESC,
    REGISTRY_TRACK_ASC,
    REGISTRY_TRACK_DESC,
    REGISTRY_PUSH_ASC,
    REGISTRY_PUSH_DESC
};

/* gettracklist filters; zero values are "any". */
struct registry_filter {
    const char *numbers[40];
    size_t nnumbers;
    int carrier;
    const char *package_status;
    int tracking_status; /* 1 Tracking, 2 Stopped */
    int64_t register_from, register_to, track_from, track_to, push_from, push_to;
    enum registry_order order;
    int64_t page_no; /* from 1 */
};

/* One page of records (at most 40) into *accepted; *total is the count of every match. */
void registry_list(struct registry *r, const struct registry_filter *f, json_t **accepted,
                   int64_t *total);

/* Reveals what the virtual clock has reached: pushes updates, auto-stops. */
void registry_tick(struct registry *r);

/* Forces the scenario of number (now and for later registrations); false when full. */
bool registry_force(struct registry *r, const char *number, int scenario);

/* The whole truth of one number, or of every number when number is NULL. */
json_t *registry_truth(struct registry *r, const char *number);

#endif
