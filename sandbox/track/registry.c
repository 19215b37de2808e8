#include "registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vclock.h"
#include "carrier.h"
#include "scenario.h"
#include "tk_limits.h"

enum record_state { RECORD_TRACKING = 1, RECORD_STOPPED = 2 };

struct record {
    char number[TK_NUMBER_MAX + 1];
    int carrier, final_carrier;
    char tag[TK_TAG_MAX + 1];
    char lang[TK_TAG_MAX + 1];
    json_t *param;
    enum scenario_id scn;
    enum record_state state;
    int64_t registered, start; /* registration and first scripted event */
    int64_t stopped_at, restarted_at, changed_at;
    int64_t pushed_upto; /* virtual time up to which changes were pushed */
    int64_t track_time, push_time;
    const char *stop_reason;
    bool retracked;
    int changes;
};

struct forced {
    char number[TK_NUMBER_MAX + 1];
    int scenario;
};

struct registry {
    pthread_mutex_t lock;
    struct registry_opts o;
    struct push *push;
    struct record *recs;
    size_t n, cap;
    struct forced forced[TK_FORCED_MAX];
    size_t nforced;
    int64_t quota_used, today_used, today;
};

struct registry *registry_new(const struct registry_opts *o, struct push *push)
{
    struct registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->o = *o;
    r->push = push;
    return r;
}

void registry_free(struct registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        json_decref(r->recs[i].param);
    free(r->recs);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static struct scenario_ctx registry_ctx(const struct record *rec)
{
    return (struct scenario_ctx){rec->number, rec->scn, rec->carrier, rec->final_carrier,
                                 rec->start};
}

/* What a client sees of rec: frozen while stopped. */
static int64_t registry_view(const struct record *rec, int64_t now)
{
    return rec->state == RECORD_STOPPED ? rec->stopped_at : now;
}

/* The record of (number, carrier); carrier 0 takes the first with that number. */
static struct record *registry_find(struct registry *r, const char *number, int carrier,
                                    size_t *count)
{
    struct record *found = NULL;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->recs[i].number, number) != 0)
            continue;
        c++;
        if (found == NULL && (carrier == 0 || r->recs[i].carrier == carrier))
            found = &r->recs[i];
    }
    if (count != NULL)
        *count = c;
    return found;
}

static const char *registry_tracking_status(const struct record *rec)
{
    return rec->state == RECORD_STOPPED ? "Stopped" : "Tracking";
}

static json_t *registry_pair(const struct record *rec)
{
    return json_pack("{s:s, s:i}", "number", rec->number, "carrier", rec->carrier);
}

/* Queues the body of event for rec: TRACKING_UPDATED as seen at time at, or TRACKING_STOPPED. */
static void registry_queue(struct registry *r, struct record *rec, const char *event, int64_t at)
{
    json_t *data;
    if (strcmp(event, "TRACKING_STOPPED") == 0) {
        data = json_pack("{s:s, s:i, s:s}", "number", rec->number, "carrier", rec->carrier, "tag",
                         rec->tag);
    } else {
        struct scenario_ctx ctx = registry_ctx(rec);
        data = json_pack("{s:s, s:i, s:O?, s:s, s:o}", "number", rec->number, "carrier",
                         rec->carrier, "param", rec->param, "tag", rec->tag, "track_info",
                         scenario_track_info(&ctx, at));
    }
    json_t *body = json_pack("{s:s, s:o}", "event", event, "data", data);
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL)
        return;
    if (push_has_url(r->push))
        rec->push_time = vclock_now();
    push_add(r->push, event, rec->number, text);
}

/* Pushes one update per change in (rec->pushed_upto, upto]. */
static void registry_push_changes(struct registry *r, struct record *rec, int64_t upto)
{
    struct scenario_ctx ctx = registry_ctx(rec);
    if (rec->scn == SCENARIO_INVALID) {
        if (scenario_changed(&ctx, rec->pushed_upto, upto)) {
            registry_queue(r, rec, "TRACKING_UPDATED", rec->start);
            rec->track_time = rec->start;
        }
    } else {
        size_t from = scenario_revealed(&ctx, rec->pushed_upto);
        size_t to = scenario_revealed(&ctx, upto);
        /* Each step's snapshot as of its own time: out-of-order delivery then means stale
         * snapshots after newer ones. */
        for (size_t k = from; k < to; k++) {
            int64_t t = scenario_event_time(&ctx, k);
            registry_queue(r, rec, "TRACKING_UPDATED", t);
            rec->track_time = t;
        }
    }
    if (upto > rec->pushed_upto)
        rec->pushed_upto = upto;
}

void registry_tick(struct registry *r)
{
    pthread_mutex_lock(&r->lock);
    push_hold(r->push, true);
    int64_t now = vclock_now();
    for (size_t i = 0; i < r->n; i++) {
        struct record *rec = &r->recs[i];
        if (rec->state != RECORD_TRACKING)
            continue;
        struct scenario_ctx ctx = registry_ctx(rec);
        int64_t last = scenario_last_time(&ctx, now);
        if (last == 0)
            last = rec->scn == SCENARIO_INVALID && now >= rec->start ? rec->start : rec->registered;
        if (rec->restarted_at > last)
            last = rec->restarted_at;
        bool fin = scenario_final(&ctx, now);
        int days = fin ? r->o.auto_stop_final_days : r->o.auto_stop_days;
        int64_t due = days > 0 ? last + (int64_t)days * TK_DAY_S : INT64_MAX;
        int64_t upto = due <= now ? due : now;
        registry_push_changes(r, rec, upto);
        if (due <= now) {
            rec->state = RECORD_STOPPED;
            rec->stopped_at = due;
            rec->stop_reason = fin ? "Delivered" : "NoUpdate";
            registry_queue(r, rec, "TRACKING_STOPPED", due);
        }
    }
    push_hold(r->push, false);
    pthread_mutex_unlock(&r->lock);
}

static int registry_day(int64_t t)
{
    return (int)(t / TK_DAY_S);
}

/* The carrier of a registration (given or detected) and its final carrier: 0, or the error
 * code that refuses it. */
static int registry_resolve_carrier(const struct registry_reg *q, int *carrier, int *origin)
{
    if (*carrier != 0 && carrier_find(*carrier) == NULL)
        return -18019910;
    if (*carrier == 0) {
        *carrier = q->auto_detection ? carrier_detect(q->number, origin) : 0;
        if (*carrier == 0)
            return -18019903;
    }
    if (q->final_carrier != 0) {
        if (carrier_find(q->final_carrier) == NULL)
            return -18019910;
        if (carrier_find(*carrier)->lane != CARRIER_POSTAL)
            return -18010016;
    }
    return 0;
}

/* A new record for a registration (under r->lock), NULL when the table is full. */
static struct record *registry_add(struct registry *r, const struct registry_reg *q, int carrier,
                                   int64_t now)
{
    if (r->n >= TK_RECORDS_MAX)
        return NULL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        struct record *nr = realloc(r->recs, cap * sizeof *nr);
        if (nr == NULL)
            return NULL;
        r->recs = nr;
        r->cap = cap;
    }
    struct record *rec = &r->recs[r->n++];
    memset(rec, 0, sizeof *rec);
    snprintf(rec->number, sizeof rec->number, "%s", q->number);
    rec->carrier = carrier;
    rec->final_carrier = q->final_carrier;
    snprintf(rec->tag, sizeof rec->tag, "%s", q->tag ? q->tag : "");
    snprintf(rec->lang, sizeof rec->lang, "%s", q->lang ? q->lang : "");
    rec->param = q->param != NULL ? json_deep_copy(q->param) : NULL;
    rec->scn = scenario_pick(r->o.seed, q->number, carrier);
    for (size_t i = 0; i < r->nforced; i++)
        if (strcmp(r->forced[i].number, q->number) == 0)
            rec->scn = (enum scenario_id)r->forced[i].scenario;
    rec->state = RECORD_TRACKING;
    rec->registered = now;
    rec->start = now + r->o.first_delay_s;
    rec->pushed_upto = now;
    rec->changed_at = now;
    return rec;
}

int registry_register(struct registry *r, const struct registry_reg *q, json_t **accepted,
                      int *carrier_out)
{
    int code = 0, origin = 2, carrier = q->carrier;
    *carrier_out = 0;
    pthread_mutex_lock(&r->lock);
    int64_t now = vclock_now();
    if (r->today != registry_day(now)) {
        r->today = registry_day(now);
        r->today_used = 0;
    }
    code = registry_resolve_carrier(q, &carrier, &origin);
    if (code != 0)
        goto out;
    struct record *dup = registry_find(r, q->number, q->carrier != 0 ? carrier : 0, NULL);
    if (dup != NULL) {
        *carrier_out = dup->carrier;
        code = -18019901;
        goto out;
    }
    int64_t cost = 1 + (q->lang != NULL && *q->lang != '\0');
    if (r->o.max_track_daily > 0 && r->today_used + 1 > r->o.max_track_daily) {
        code = -18019907;
        goto out;
    }
    if (r->quota_used + cost > r->o.quota_total) {
        code = -18019908;
        goto out;
    }
    struct record *rec = registry_add(r, q, carrier, now);
    if (rec == NULL) {
        code = -18010003;
        goto out;
    }
    r->quota_used += cost;
    r->today_used++;
    *carrier_out = carrier;
    *accepted = json_pack("{s:i, s:s, s:i, s:s}", "origin", origin, "number", rec->number,
                          "carrier", carrier, "tag", rec->tag);
out:
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_info(struct registry *r, const char *number, int carrier, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = rec == NULL ? -18019902 : 0;
    if (rec != NULL) {
        struct scenario_ctx ctx = registry_ctx(rec);
        *accepted = json_pack("{s:s, s:i, s:O?, s:s, s:o}", "number", rec->number, "carrier",
                              rec->carrier, "param", rec->param, "tag", rec->tag, "track_info",
                              scenario_track_info(&ctx, registry_view(rec, vclock_now())));
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_stop(struct registry *r, const char *number, int carrier, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = rec == NULL ? -18019902 : rec->state != RECORD_TRACKING ? -18019906 : 0;
    if (code == 0) {
        int64_t now = vclock_now();
        push_hold(r->push, true);
        registry_push_changes(r, rec, now);
        rec->state = RECORD_STOPPED;
        rec->stopped_at = now;
        rec->stop_reason = "ByRequest";
        registry_queue(r, rec, "TRACKING_STOPPED", now);
        push_hold(r->push, false);
        *accepted = registry_pair(rec);
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_retrack(struct registry *r, const char *number, int carrier, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = rec == NULL                    ? -18019902
               : rec->state != RECORD_STOPPED ? -18019904
               : rec->retracked               ? -18019905
                                              : 0;
    if (code == 0) {
        rec->state = RECORD_TRACKING;
        rec->retracked = true;
        rec->restarted_at = vclock_now();
        rec->stop_reason = NULL;
        *accepted = registry_pair(rec);
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_delete(struct registry *r, const char *number, int carrier, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = rec == NULL ? -18019902 : 0;
    if (code == 0) {
        *accepted = registry_pair(rec);
        json_decref(rec->param);
        *rec = r->recs[--r->n];
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_push(struct registry *r, const char *number, int carrier, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = !push_has_url(r->push) ? -18010204 : rec == NULL ? -18019902 : 0;
    if (code == 0) {
        int64_t view = registry_view(rec, vclock_now());
        struct scenario_ctx ctx = registry_ctx(rec);
        if (!scenario_changed(&ctx, rec->registered, view)) {
            code = -18019909;
        } else {
            registry_queue(r, rec, "TRACKING_UPDATED", view);
            *accepted = registry_pair(rec);
        }
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_change_info(struct registry *r, const char *number, int carrier, const char *tag,
                         json_t *param, const char *lang, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    struct record *rec = registry_find(r, number, carrier, NULL);
    int code = rec == NULL ? -18019902 : 0;
    if (code == 0) {
        if (tag != NULL)
            snprintf(rec->tag, sizeof rec->tag, "%s", tag);
        if (lang != NULL)
            snprintf(rec->lang, sizeof rec->lang, "%s", lang);
        if (param != NULL) {
            json_decref(rec->param);
            rec->param = json_deep_copy(param);
        }
        *accepted = registry_pair(rec);
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

int registry_change_carrier(struct registry *r, const char *number, int carrier_old,
                            int carrier_new, int final_old, int final_new, json_t **accepted)
{
    pthread_mutex_lock(&r->lock);
    size_t count = 0;
    struct record *rec = registry_find(r, number, carrier_old, &count);
    int64_t now = vclock_now();
    int code = 0;
    if (count == 0)
        code = -18019902;
    else if (rec == NULL || (final_old != 0 && rec->final_carrier != final_old))
        code = -18019805;
    else if (carrier_old == 0 && count > 1)
        code = -18019801;
    else if (carrier_new == 0 && final_new == 0)
        code = -18019804;
    else if (carrier_new != 0 && carrier_find(carrier_new) == NULL)
        code = -18019802;
    else if (final_new != 0 && carrier_find(final_new) == NULL)
        code = -18019802;
    else if (carrier_new != 0 && carrier_new == carrier_old)
        code = -18019803;
    else if (carrier_new != 0 && final_new != 0 && carrier_new == final_new)
        code = -18019810;
    else if ((carrier_new == 0 || carrier_new == rec->carrier) &&
             (final_new == 0 || final_new == rec->final_carrier))
        code = -18019811;
    else if (rec->state != RECORD_TRACKING)
        code = -18019806;
    else if (rec->changes >= TK_CHANGES_MAX)
        code = -18019807;
    else if (carrier_new != 0 && carrier_new != rec->carrier &&
             registry_find(r, number, carrier_new, NULL) != NULL)
        code = -18019809;
    else if (final_new != 0 &&
             carrier_find(carrier_new != 0 ? carrier_new : rec->carrier)->lane != CARRIER_POSTAL)
        code = -18010016;
    else {
        struct scenario_ctx ctx = registry_ctx(rec);
        if (!scenario_changed(&ctx, rec->changed_at, now))
            code = -18019808;
    }
    if (code == 0) {
        if (carrier_new != 0)
            rec->carrier = carrier_new;
        if (final_new != 0)
            rec->final_carrier = final_new;
        rec->changes++;
        rec->changed_at = now;
        *accepted = json_pack("{s:s, s:i}", "number", rec->number, "carrier_new", rec->carrier);
        if (final_new != 0)
            json_object_set_new(*accepted, "final_carrier_new", json_integer(final_new));
    }
    pthread_mutex_unlock(&r->lock);
    return code;
}

json_t *registry_quota_json(struct registry *r)
{
    pthread_mutex_lock(&r->lock);
    int64_t now = vclock_now();
    int64_t today = r->today == registry_day(now) ? r->today_used : 0;
    int64_t remain = r->o.quota_total - r->quota_used;
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:i, s:i}", "quota_total",
                          (json_int_t)r->o.quota_total, "quota_used", (json_int_t)r->quota_used,
                          "quota_remain", (json_int_t)(remain > 0 ? remain : 0), "today_used",
                          (json_int_t)today, "max_track_daily", (json_int_t)r->o.max_track_daily,
                          "free_email_quota", 0, "free_email_quotaused", 0);
    pthread_mutex_unlock(&r->lock);
    return o;
}

void registry_quota_set(struct registry *r, int64_t total, int64_t daily, int64_t used)
{
    pthread_mutex_lock(&r->lock);
    if (total >= 0)
        r->o.quota_total = total;
    if (daily >= 0)
        r->o.max_track_daily = daily;
    if (used >= 0)
        r->quota_used = used;
    pthread_mutex_unlock(&r->lock);
}

static json_t *registry_time_json(int64_t t)
{
    if (t == 0)
        return json_null();
    char s[32];
    scenario_format_utc(t, s, sizeof s);
    return json_string(s);
}

static json_t *registry_list_item(const struct record *rec, int64_t now)
{
    struct scenario_ctx ctx = registry_ctx(rec);
    const char *st, *sub;
    scenario_status(&ctx, registry_view(rec, now), &st, &sub);
    json_t *o = json_pack(
        "{s:s, s:i, s:O?, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:o, s:s?, s:b, s:i}", "number",
        rec->number, "carrier", rec->carrier, "param", rec->param, "tag", rec->tag, "register_time",
        registry_time_json(rec->registered), "tracking_status", registry_tracking_status(rec),
        "package_status", st, "track_time", registry_time_json(rec->track_time), "push_time",
        registry_time_json(rec->push_time), "push_status",
        rec->push_time != 0 ? "Success" : "NotPushed", "stop_track_time",
        registry_time_json(rec->state == RECORD_STOPPED ? rec->stopped_at : 0), "stop_track_reason",
        rec->stop_reason, "is_retracked", rec->retracked, "carrier_change_count", rec->changes);
    json_object_set_new(o, "final_carrier", json_integer(rec->final_carrier));
    return o;
}

static bool registry_in(int64_t t, int64_t from, int64_t to)
{
    return (from == 0 || t >= from) && (to == 0 || t <= to);
}

static int registry_cmp(const void *a, const void *b, void *arg)
{
    const struct record *x = *(const struct record *const *)a;
    const struct record *y = *(const struct record *const *)b;
    enum registry_order o = *(const enum registry_order *)arg;
    int64_t kx = o <= REGISTRY_REGISTER_DESC ? x->registered
                 : o <= REGISTRY_TRACK_DESC  ? x->track_time
                                             : x->push_time;
    int64_t ky = o <= REGISTRY_REGISTER_DESC ? y->registered
                 : o <= REGISTRY_TRACK_DESC  ? y->track_time
                                             : y->push_time;
    int c = kx < ky ? -1 : kx > ky ? 1 : strcmp(x->number, y->number);
    return o % 2 == 1 ? -c : c;
}

void registry_list(struct registry *r, const struct registry_filter *f, json_t **accepted,
                   int64_t *total)
{
    pthread_mutex_lock(&r->lock);
    int64_t now = vclock_now();
    *accepted = json_array();
    *total = 0;
    struct record **hits = r->n > 0 ? malloc(r->n * sizeof *hits) : NULL;
    size_t nh = 0;
    for (size_t i = 0; i < r->n && (hits != NULL); i++) {
        struct record *rec = &r->recs[i];
        bool ok = f->nnumbers == 0;
        for (size_t k = 0; k < f->nnumbers && !ok; k++)
            ok = strcmp(f->numbers[k], rec->number) == 0;
        if (!ok || (f->carrier != 0 && rec->carrier != f->carrier) ||
            (f->tracking_status != 0 && (int)rec->state != f->tracking_status) ||
            !registry_in(rec->registered, f->register_from, f->register_to) ||
            !registry_in(rec->track_time, f->track_from, f->track_to) ||
            !registry_in(rec->push_time, f->push_from, f->push_to))
            continue;
        if (f->package_status != NULL) {
            struct scenario_ctx ctx = registry_ctx(rec);
            const char *st, *sub;
            scenario_status(&ctx, registry_view(rec, now), &st, &sub);
            if (strcmp(st, f->package_status) != 0)
                continue;
        }
        hits[nh++] = rec;
    }
    enum registry_order order = f->order;
    if (nh > 1)
        qsort_r(hits, nh, sizeof *hits, registry_cmp, &order);
    *total = (int64_t)nh;
    int64_t first = (f->page_no - 1) * TK_PAGE_SIZE;
    for (int64_t i = first; i >= 0 && i < (int64_t)nh && i < first + TK_PAGE_SIZE; i++)
        json_array_append_new(*accepted, registry_list_item(hits[i], now));
    free(hits);
    pthread_mutex_unlock(&r->lock);
}

bool registry_force(struct registry *r, const char *number, int scenario)
{
    pthread_mutex_lock(&r->lock);
    bool ok = true;
    size_t i = 0;
    while (i < r->nforced && strcmp(r->forced[i].number, number) != 0)
        i++;
    if (i == r->nforced) {
        ok = r->nforced < TK_FORCED_MAX;
        if (ok)
            snprintf(r->forced[r->nforced++].number, sizeof r->forced[0].number, "%s", number);
    }
    if (ok) {
        r->forced[i].scenario = scenario;
        for (size_t k = 0; k < r->n; k++)
            if (strcmp(r->recs[k].number, number) == 0)
                r->recs[k].scn = (enum scenario_id)scenario;
    }
    pthread_mutex_unlock(&r->lock);
    return ok;
}

static json_t *registry_truth_one(const struct record *rec, int64_t now)
{
    struct scenario_ctx ctx = registry_ctx(rec);
    int64_t view = registry_view(rec, now);
    const char *st, *sub;
    scenario_status(&ctx, view, &st, &sub);
    return json_pack("{s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:s, s:s, s:I, s:b, s:i, s:I}", "number",
                     rec->number, "carrier", rec->carrier, "final_carrier", rec->final_carrier,
                     "scenario", scenario_name(rec->scn), "tracking_status",
                     registry_tracking_status(rec), "register_time",
                     registry_time_json(rec->registered), "first_event_time",
                     registry_time_json(rec->start), "status", st, "sub_status", sub, "events",
                     (json_int_t)scenario_revealed(&ctx, view), "is_retracked", rec->retracked,
                     "carrier_change_count", rec->changes, "view_time", (json_int_t)view);
}

json_t *registry_truth(struct registry *r, const char *number)
{
    pthread_mutex_lock(&r->lock);
    int64_t now = vclock_now();
    json_t *out;
    if (number != NULL) {
        struct record *rec = registry_find(r, number, 0, NULL);
        out = rec != NULL ? registry_truth_one(rec, now) : NULL;
        if (rec != NULL) {
            struct scenario_ctx ctx = registry_ctx(rec);
            json_object_set_new(out, "track_info",
                                scenario_track_info(&ctx, registry_view(rec, now)));
        }
    } else {
        json_t *all = json_array();
        for (size_t i = 0; i < r->n; i++)
            json_array_append_new(all, registry_truth_one(&r->recs[i], now));
        out = json_pack("{s:I, s:I, s:o}", "now", (json_int_t)now, "count", (json_int_t)r->n,
                        "numbers", all);
    }
    pthread_mutex_unlock(&r->lock);
    return out;
}
