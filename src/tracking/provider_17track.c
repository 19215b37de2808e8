/*
 * The 17TRACK v2.2 provider: register, gettrackinfo, getquota, the signed push, and the
 * track_info reader. See provider.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "tracking/provider.h"
#include "tracking/t17.h"

struct p17 {
    struct t17_client *client;
    char key[256];
};

void tracking_update_clear(struct tracking_update *u)
{
    free(u->events);
    memset(u, 0, sizeof *u);
}

static int event_cmp(const void *a, const void *b)
{
    const struct tracking_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? 1 : -1;
    int c = strcmp(x->raw, y->raw);
    if (c == 0)
        c = strcmp(x->text, y->text);
    return c != 0 ? c : strcmp(x->location, y->location);
}

void tracking_events_normalize(struct tracking_update *u)
{
    if (u->count == 0)
        return;
    qsort(u->events, u->count, sizeof u->events[0], event_cmp);
    size_t w = 1;
    for (size_t i = 1; i < u->count; i++) {
        if (event_cmp(&u->events[i], &u->events[w - 1]) != 0)
            u->events[w++] = u->events[i];
    }
    u->count = w;
}

static void copy_text(char *dst, size_t len, const char *s)
{
    snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* The main status of a sub-status: its text before the first underscore. */
static void main_of(const char *sub, char *out, size_t len)
{
    size_t i = 0;
    for (; sub[i] != '\0' && sub[i] != '_' && i + 1 < len; i++)
        out[i] = sub[i];
    out[i] = '\0';
}

/* One event of a provider leg; false when it has no usable time. */
static bool parse_event(const json_t *ev, struct tracking_event *out)
{
    memset(out, 0, sizeof *out);
    out->at = t17_time_parse(json_string_value(json_object_get(ev, "time_utc")));
    if (out->at <= 0)
        return false;
    const char *sub = json_string_value(json_object_get(ev, "sub_status"));
    if (sub == NULL)
        sub = json_string_value(json_object_get(ev, "stage"));
    copy_text(out->raw, sizeof out->raw, sub);
    copy_text(out->text, sizeof out->text, json_string_value(json_object_get(ev, "description")));
    copy_text(out->location, sizeof out->location,
              json_string_value(json_object_get(ev, "location")));
    char main[TRACKING_RAW_MAX];
    main_of(out->raw, main, sizeof main);
    bool known = false;
    out->status = tracking_status_from_17track(main, out->raw, &known);
    if (!known)
        out->status = TRACKING_IN_TRANSIT; /* a milestone stage such as PickedUp */
    return true;
}

/* Every provider leg's events into u (newest first after normalizing). */
ERR_MUST_USE static enum err parse_events(const json_t *ti, struct tracking_update *u,
                                          struct errbuf *eb)
{
    const json_t *providers = json_object_get(json_object_get(ti, "tracking"), "providers");
    size_t total = 0, i;
    const json_t *pv;
    json_array_foreach(providers, i, pv) total += json_array_size(json_object_get(pv, "events"));
    if (total > TRACKING_EVENTS_MAX)
        total = TRACKING_EVENTS_MAX;
    u->events = total > 0 ? calloc(total, sizeof *u->events) : NULL;
    if (total > 0 && u->events == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    json_array_foreach(providers, i, pv)
    {
        size_t k;
        const json_t *ev;
        json_array_foreach(json_object_get(pv, "events"), k, ev)
        {
            if (u->count < total && parse_event(ev, &u->events[u->count]))
                u->count++;
        }
    }
    tracking_events_normalize(u);
    return ERR_OK;
}

/* The milestone time of key_stage, 0 when not reached. */
static int64_t milestone_at(const json_t *ti, const char *stage)
{
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(ti, "milestone"), i, m)
    {
        const char *k = json_string_value(json_object_get(m, "key_stage"));
        if (k != NULL && strcmp(k, stage) == 0)
            return t17_time_parse(json_string_value(json_object_get(m, "time_utc")));
    }
    return 0;
}

enum err tracking_parse_track_info(const json_t *item, struct tracking_update *out,
                                   struct errbuf *eb)
{
    const char *number = json_string_value(json_object_get(item, "number"));
    if (number == NULL || strlen(number) > TRACKING_NUMBER_MAX)
        return err_set(eb, ERR_BADREQ, "push_malformed", "a tracking item without its number");
    copy_text(out->number, sizeof out->number, number);
    out->carrier = json_integer_value(json_object_get(item, "carrier"));
    out->found = true;
    const json_t *ti = json_object_get(item, "track_info");
    if (!json_is_object(ti))
        return ERR_OK;
    const json_t *ls = json_object_get(ti, "latest_status");
    const char *st = json_string_value(json_object_get(ls, "status"));
    const char *sub = json_string_value(json_object_get(ls, "sub_status"));
    copy_text(out->raw_status, sizeof out->raw_status, st);
    copy_text(out->raw_sub, sizeof out->raw_sub, sub);
    bool known = false;
    out->status = tracking_status_from_17track(st, sub, &known);
    out->has_status = known;
    out->latest_at = t17_time_parse(
        json_string_value(json_object_get(json_object_get(ti, "latest_event"), "time_utc")));
    out->picked_up_at = milestone_at(ti, "PickedUp");
    out->delivered_at = milestone_at(ti, "Delivered");
    return parse_events(ti, out, eb);
}

/* Whether a per-item rejection is worth retrying later (§1.4, §1.7); a spent quota or daily
 * cap waits for a top-up or the next day. */
static bool code_retryable(int64_t code)
{
    return code == T17_ERR_INTERNAL || code == -18019911 || code == -18019815 ||
           code == -18019816 || code == -18019817 || code == T17_ERR_DAILY || code == T17_ERR_QUOTA;
}

static json_t *refs_json(const struct tracking_ref *refs, size_t n, bool with_detect)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        json_t *it = json_pack("{s:s}", "number", refs[i].number);
        if (it != NULL && refs[i].carrier > 0)
            json_object_set_new(it, "carrier", json_integer(refs[i].carrier));
        if (it != NULL && with_detect && refs[i].carrier <= 0)
            json_object_set_new(it, "auto_detection", json_true());
        if (it == NULL || json_array_append_new(a, it) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The index in refs of number (case-insensitive as 17TRACK upper-cases), or n. */
static size_t ref_index(const struct tracking_ref *refs, size_t n, const char *number)
{
    for (size_t i = 0; number != NULL && i < n; i++) {
        if (strcasecmp(refs[i].number, number) == 0)
            return i;
    }
    return n;
}

/* The index in refs of the answer item it (by its "number"), n when it names none. */
static size_t item_index(const json_t *it, const struct tracking_ref *refs, size_t n)
{
    return ref_index(refs, n, json_string_value(json_object_get(it, "number")));
}

static void reg_rejected(const json_t *it, struct tracking_reg_result *r)
{
    const json_t *err = json_object_get(it, "error");
    r->code = json_integer_value(json_object_get(err, "code"));
    copy_text(r->message, sizeof r->message, json_string_value(json_object_get(err, "message")));
    r->carrier = json_integer_value(json_object_get(it, "carrier"));
    /* Already registered is success: the number is tracked, nothing was spent (§1.7). */
    r->accepted = r->code == T17_ERR_REGISTERED;
    r->retry = code_retryable(r->code);
}

/*
 * The "rejected" items of an answer into res; registered_ok: "already registered" counts as
 * accepted (register), else every rejected item is refused (stop, retrack, change carrier).
 */
static void rejected_results(const json_t *data, const struct tracking_ref *refs, size_t n,
                             struct tracking_reg_result *res, bool registered_ok)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(data, "rejected"), i, it)
    {
        size_t k = item_index(it, refs, n);
        if (k < n) {
            memset(&res[k], 0, sizeof res[k]);
            reg_rejected(it, &res[k]);
            res[k].accepted = res[k].accepted && registered_ok;
        }
    }
}

ERR_MUST_USE static enum err p17_register(struct tracking_provider *p,
                                          const struct tracking_ref *refs, size_t n,
                                          struct tracking_reg_result *res, struct errbuf *eb)
{
    struct p17 *s = p->impl;
    json_t *body = refs_json(refs, n, true), *data = NULL;
    int64_t code = 0;
    if (body == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    memset(res, 0, n * sizeof *res);
    for (size_t i = 0; i < n; i++)
        res[i].retry = true; /* an item the answer does not mention is asked about again */
    enum err e = t17_call(s->client, "register", body, &data, &code, eb);
    json_decref(body);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(data, "accepted"), i, it)
    {
        size_t k = item_index(it, refs, n);
        if (k == n)
            continue;
        res[k] = (struct tracking_reg_result){.accepted = true, .spent = true};
        res[k].carrier = json_integer_value(json_object_get(it, "carrier"));
        res[k].origin = json_integer_value(json_object_get(it, "origin"));
    }
    rejected_results(data, refs, n, res, true);
    json_decref(data);
    return ERR_OK;
}

ERR_MUST_USE static enum err p17_fetch(struct tracking_provider *p, const struct tracking_ref *refs,
                                       size_t n, struct tracking_update *out, struct errbuf *eb)
{
    struct p17 *s = p->impl;
    json_t *body = refs_json(refs, n, false), *data = NULL;
    int64_t code = 0;
    if (body == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    enum err e = t17_call(s->client, "gettrackinfo", body, &data, &code, eb);
    json_decref(body);
    for (size_t i = 0; i < n; i++)
        copy_text(out[i].number, sizeof out[i].number, refs[i].number);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(data, "accepted"), i, it)
    {
        size_t k = item_index(it, refs, n);
        if (k < n && out[k].count == 0 && !out[k].found) {
            e = tracking_parse_track_info(it, &out[k], eb);
            if (e != ERR_OK)
                break;
        }
    }
    json_decref(data);
    return e;
}

ERR_MUST_USE static enum err p17_push_open(struct tracking_provider *p, const char *body,
                                           size_t len, const char *sign,
                                           struct tracking_update *out, struct errbuf *eb)
{
    struct p17 *s = p->impl;
    if (!t17_push_verify(s->key, body, len, sign))
        return err_set(eb, ERR_AUTH, "push_signature_invalid",
                       "The push's sign header is missing or does not match the API key.");
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    const char *event = json_string_value(json_object_get(doc, "event"));
    const json_t *data = json_object_get(doc, "data");
    enum err e = ERR_OK;
    if (event == NULL || !json_is_object(data))
        e = err_set(eb, ERR_BADREQ, "push_malformed", "a push needs event and data");
    else if (strcmp(event, "TRACKING_UPDATED") == 0 || strcmp(event, "TRACKING_STOPPED") == 0)
        e = tracking_parse_track_info(data, out, eb);
    else
        e = err_set(eb, ERR_BADREQ, "push_malformed", "unknown push event");
    if (e == ERR_OK && strcmp(event, "TRACKING_STOPPED") == 0)
        out->stopped = true;
    json_decref(doc);
    return e;
}

ERR_MUST_USE static enum err p17_quota(struct tracking_provider *p, struct tracking_quota *out,
                                       struct errbuf *eb)
{
    struct p17 *s = p->impl;
    json_t *body = json_array(), *data = NULL;
    int64_t code = 0;
    enum err e = body != NULL ? t17_call(s->client, "getquota", body, &data, &code, eb)
                              : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    json_decref(body);
    if (e != ERR_OK)
        return e;
    out->total = json_integer_value(json_object_get(data, "quota_total"));
    out->used = json_integer_value(json_object_get(data, "quota_used"));
    out->remain = json_integer_value(json_object_get(data, "quota_remain"));
    out->today_used = json_integer_value(json_object_get(data, "today_used"));
    out->max_daily = json_integer_value(json_object_get(data, "max_track_daily"));
    json_decref(data);
    return ERR_OK;
}

static void p17_free(struct tracking_provider *p)
{
    struct p17 *s = p->impl;
    t17_client_free(s->client);
    memset(s->key, 0, sizeof s->key);
    free(s);
    free(p);
}

static const struct tracking_provider_ops p17_ops = {
    .name = "17track",
    .register_numbers = p17_register,
    .fetch = p17_fetch,
    .push_open = p17_push_open,
    .quota = p17_quota,
    .free = p17_free,
    .batch = T17_BATCH_MAX,
};

enum err tracking_provider_17track_new(const char *base_url, const char *key, struct db *db,
                                       int64_t interval_us, struct tracking_provider **out,
                                       struct errbuf *eb)
{
    struct tracking_provider *p = calloc(1, sizeof *p);
    struct p17 *s = calloc(1, sizeof *s);
    *out = NULL;
    if (p == NULL || s == NULL || strlen(key) >= sizeof s->key) {
        free(p);
        free(s);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    struct t17_options o = {.base_url = base_url, .key = key, .db = db, .interval_us = interval_us};
    enum err e = t17_client_new(&o, &s->client, eb);
    if (e != ERR_OK) {
        free(p);
        free(s);
        return e;
    }
    copy_text(s->key, sizeof s->key, key);
    p->ops = &p17_ops;
    p->impl = s;
    *out = p;
    return ERR_OK;
}

struct t17_client *tracking_provider_t17(struct tracking_provider *p)
{
    return p != NULL && p->ops == &p17_ops ? ((struct p17 *)p->impl)->client : NULL;
}

void tracking_provider_free(struct tracking_provider *p)
{
    if (p != NULL)
        p->ops->free(p);
}

/* The per-item results of a stoptrack/retrack/changecarrier answer into res. */
static void manage_results(const json_t *data, const struct tracking_ref *refs, size_t n,
                           struct tracking_reg_result *res)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(data, "accepted"), i, it)
    {
        size_t k = item_index(it, refs, n);
        if (k < n) {
            res[k] = (struct tracking_reg_result){.accepted = true};
            res[k].carrier = json_integer_value(json_object_get(it, "carrier_new"));
            if (res[k].carrier == 0)
                res[k].carrier = json_integer_value(json_object_get(it, "carrier"));
        }
    }
    rejected_results(data, refs, n, res, false);
}

enum err tracking_17track_manage(struct tracking_provider *p, const char *endpoint,
                                 const struct tracking_ref *refs, const int64_t *new_carriers,
                                 size_t n, struct tracking_reg_result *res, struct errbuf *eb)
{
    bool change = strcmp(endpoint, "changecarrier") == 0;
    if (tracking_provider_t17(p) == NULL || n > T17_BATCH_MAX ||
        (!change && strcmp(endpoint, "stoptrack") != 0 && strcmp(endpoint, "retrack") != 0))
        return err_set(eb, ERR_INVAL, NULL, "not a 17TRACK management call");
    json_t *body = json_array(), *data = NULL;
    for (size_t i = 0; body != NULL && i < n; i++) {
        json_t *it = json_pack("{s:s}", "number", refs[i].number);
        if (it != NULL && refs[i].carrier > 0)
            json_object_set_new(it, change ? "carrier_old" : "carrier",
                                json_integer(refs[i].carrier));
        if (it != NULL && change)
            json_object_set_new(it, "carrier_new", json_integer(new_carriers[i]));
        if (it == NULL || json_array_append_new(body, it) != 0) {
            json_decref(body);
            body = NULL;
        }
    }
    if (body == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    memset(res, 0, n * sizeof *res);
    int64_t code = 0;
    struct p17 *s = p->impl;
    enum err e = t17_call(s->client, endpoint, body, &data, &code, eb);
    json_decref(body);
    if (e == ERR_OK)
        manage_results(data, refs, n, res);
    json_decref(data);
    return e;
}

enum err tracking_17track_list(struct tracking_provider *p, const json_t *filter, json_t **page,
                               struct errbuf *eb)
{
    int64_t code = 0;
    if (tracking_provider_t17(p) == NULL || !json_is_object(filter))
        return err_set(eb, ERR_INVAL, NULL, "gettracklist takes a 17TRACK provider and an object");
    struct p17 *s = p->impl;
    return t17_call(s->client, "gettracklist", filter, page, &code, eb);
}
