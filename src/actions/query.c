/*
 * Reading and changing items: the ranked list (score recomputed at the reader's now, with its
 * parts), one item with its history, a person's snooze / resolve / assign / reopen, the
 * per-shop thresholds and the metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/internal.h"
#include "base/buf.h"
#include "base/parse.h"
#include "base/url.h"

#define LIST_LOAD_MAX 5000 /* items ranked in one list call */

static const char *const item_cols =
    "id, connection_id, kind, object_type, object_key, why, deadline, money_minor, currency, "
    "owner, severity, state, snoozed_until, assignee, opened_at, resolved_at, resolved_by";

/* The console path of an object. */
static json_t *object_link(const char *type, const char *key, const char *conn, const json_t *why)
{
    struct buf b = {0};
    enum err e = ERR_OK;
    const char *sn =
        json_string_value(json_object_get(json_object_get(why, "values"), "parent_order_sn"));
    bool via_order = strcmp(type, "case") == 0 || strcmp(type, "parcel") == 0;
    if (strcmp(type, "order") == 0 || (via_order && sn != NULL && *sn != '\0')) {
        e = buf_puts(&b, "/orders/");
        e = e ? e : url_encode(&b, strcmp(type, "order") == 0 ? key : sn);
        e = e ? e : buf_puts(&b, "?connection_id=");
        e = e ? e : url_encode(&b, conn);
    } else if (strcmp(type, "settlement") == 0) {
        e = buf_puts(&b, "/settlements/orders/");
        e = e ? e : url_encode(&b, key);
    } else {
        const char *path = strcmp(type, "case") == 0         ? "/cases"
                           : strcmp(type, "connection") == 0 ? "/integrations"
                           : strcmp(type, "stream") == 0     ? "/sync"
                           : strcmp(type, "sku") == 0        ? "/products"
                                                             : "/";
        e = buf_puts(&b, path);
    }
    json_t *v = json_string(e == ERR_OK && b.data != NULL ? b.data : "/");
    free(b.data);
    return v;
}

static json_t *money_json(int64_t minor, const char *currency)
{
    struct money m = {.minor = minor};
    char text[MONEY_FORMAT_MAX];
    if (currency == NULL || currency[0] == '\0')
        return json_null();
    snprintf(m.currency, sizeof m.currency, "%s", currency);
    if (money_format(&m, MONEY_STYLE_EN, text, sizeof text) != ERR_OK)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "minor", (json_int_t)minor, "currency", currency, "text",
                     text);
}

/* One row of item_cols as the list's JSON item, scored at now. */
static json_t *item_json(const struct db_rows *r, size_t i, int64_t now)
{
    const struct actions_detector *d = actions_detector_of(db_rows_get(r, i, 2));
    json_t *why = json_loads(db_rows_get(r, i, 5), 0, NULL);
    struct money m = {.minor = db_rows_int_or(r, i, 7, 0)};
    snprintf(m.currency, sizeof m.currency, "%s", db_rows_get(r, i, 8));
    struct actions_score sc;
    int64_t deadline = db_rows_int_or(r, i, 6, 0);
    actions_score_of((int)db_rows_int_or(r, i, 10, 1), deadline, &m, now, &sc);
    const char *type = db_rows_get(r, i, 3), *key = db_rows_get(r, i, 4);
    const char *conn = db_rows_get(r, i, 1);
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:o}, s:o, s:I, s:o, s:s, s:I, s:s, s:s, s:I, s:s, "
        "s:I, s:I, s:s, s:{s:I, s:I, s:I, s:I, s:b}}",
        "id", db_rows_get(r, i, 0), "kind", db_rows_get(r, i, 2), "title", d ? d->title : "",
        "connection_id", conn, "object", "type", type, "key", key, "link",
        object_link(type, key, conn, why), "why", why != NULL ? why : json_object(), "deadline",
        (json_int_t)deadline, "money_at_risk", money_json(m.minor, m.currency), "owner",
        db_rows_get(r, i, 9), "severity", (json_int_t)db_rows_int_or(r, i, 10, 1), "next_action",
        d ? d->next_action : "", "state", db_rows_get(r, i, 11), "snoozed_until",
        (json_int_t)db_rows_int_or(r, i, 12, 0), "assignee", db_rows_get(r, i, 13), "opened_at",
        (json_int_t)db_rows_int_or(r, i, 14, 0), "resolved_at",
        (json_int_t)db_rows_int_or(r, i, 15, 0), "resolved_by", db_rows_get(r, i, 16), "score",
        "total", (json_int_t)sc.total, "severity", (json_int_t)sc.severity, "urgency",
        (json_int_t)sc.urgency, "money", (json_int_t)sc.money, "breached", sc.breached);
}

static int rank_cmp(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    json_int_t sx = json_integer_value(json_object_get(json_object_get(x, "score"), "total"));
    json_int_t sy = json_integer_value(json_object_get(json_object_get(y, "score"), "total"));
    if (sx != sy)
        return sx > sy ? -1 : 1;
    json_int_t dx = json_integer_value(json_object_get(x, "deadline"));
    json_int_t dy = json_integer_value(json_object_get(y, "deadline"));
    if (dx != dy) /* sooner first; no deadline last */
        return dx == 0 ? 1 : dy == 0 ? -1 : dx < dy ? -1 : 1;
    int k = strcmp(json_string_value(json_object_get(x, "kind")),
                   json_string_value(json_object_get(y, "kind")));
    if (k != 0)
        return k;
    return strcmp(json_string_value(json_object_get(json_object_get(x, "object"), "key")),
                  json_string_value(json_object_get(json_object_get(y, "object"), "key")));
}

/* The kinds role may see as "'a', 'b'" into out. */
static void visible_kinds(enum auth_role role, char *out, size_t len)
{
    size_t n, off = 0;
    const struct actions_detector *t = actions_detectors(&n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (t[i].see > role)
            continue;
        int w = snprintf(out + off, len - off, "%s'%s'", off ? ", " : "", t[i].kind);
        if (w > 0 && (size_t)w < len - off)
            off += (size_t)w;
    }
    if (off == 0)
        snprintf(out, len, "''");
}

ERR_MUST_USE static enum err list_check(const struct actions_filter *f, struct errbuf *eb)
{
    static const char *const states[] = {"open", "snoozed", "resolved", "auto_resolved", "all"};
    bool ok = f->state == NULL;
    for (size_t i = 0; !ok && i < sizeof states / sizeof states[0]; i++)
        ok = strcmp(f->state, states[i]) == 0;
    if (!ok)
        return err_set(eb, ERR_INVAL, "bad_state",
                       "state is open, snoozed, resolved, auto_resolved or all.");
    if (f->kind != NULL && actions_detector_of(f->kind) == NULL)
        return err_set(eb, ERR_INVAL, "bad_kind", "Unknown kind \"%s\".", f->kind);
    if (f->limit < 1 || f->limit > ACTIONS_LIST_MAX || f->offset < 0)
        return err_set(eb, ERR_INVAL, "bad_paging", "limit is 1..%d and offset >= 0.",
                       ACTIONS_LIST_MAX);
    return ERR_OK;
}

/* Ranks the rows into doc's items (the page) and counts. */
static json_t *list_doc(const struct db_rows *r, const struct actions_filter *f)
{
    size_t n = db_rows_count(r);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    json_t *items = json_array(), *counts = json_object();
    for (size_t i = 0; v != NULL && i < n; i++) {
        v[i] = item_json(r, i, f->now);
        const char *k = db_rows_get(r, i, 2);
        json_object_set_new(counts, k,
                            json_integer(json_integer_value(json_object_get(counts, k)) + 1));
    }
    if (v != NULL)
        qsort(v, n, sizeof *v, rank_cmp);
    for (size_t i = 0; v != NULL && i < n; i++) {
        if ((int64_t)i >= f->offset && (int64_t)i < f->offset + f->limit)
            json_array_append(items, v[i]);
        json_decref(v[i]);
    }
    free(v);
    return json_pack("{s:o, s:I, s:o, s:I, s:I}", "items", items, "total", (json_int_t)n, "counts",
                     counts, "limit", (json_int_t)f->limit, "offset", (json_int_t)f->offset);
}

enum err actions_list(struct db *db, const struct actions_filter *f, json_t **out,
                      struct errbuf *eb)
{
    char kinds[1024], sql[2400];
    enum err e = list_check(f, eb);
    if (e != ERR_OK)
        return e;
    visible_kinds(f->role, kinds, sizeof kinds);
    const char *state = f->state == NULL ? "open" : f->state;
    snprintf(sql, sizeof sql,
             "SELECT %s FROM action_items WHERE kind IN (%s) AND ($2 = 'all' OR ($2 = 'open' AND "
             "(state = 'open' OR (state = 'snoozed' AND snoozed_until <= $1))) OR ($2 = "
             "'snoozed' AND state = 'snoozed' AND snoozed_until > $1) OR ($2 NOT IN ('all', "
             "'open', 'snoozed') AND state = $2)) AND ($3 = '' OR kind = $3) "
             "AND ($4 = '' OR owner = $4) AND ($5 = '' OR assignee = $5) ORDER BY score DESC "
             "LIMIT %d",
             item_cols, kinds, LIST_LOAD_MAX);
    struct db_param p[] = {DB_P_INT(f->now), DB_P_TEXT(state), DB_P_TEXT(f->kind ? f->kind : ""),
                           DB_P_TEXT(f->owner ? f->owner : ""),
                           DB_P_TEXT(f->assignee ? f->assignee : "")};
    struct db_rows *r = NULL;
    e = db_pool_query(db, sql, p, 5, &r, eb);
    if (e == ERR_OK && (*out = list_doc(r, f)) == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    db_rows_free(r);
    return e;
}

ERR_MUST_USE static enum err history_of(struct db_conn *c, const char *id, json_t **out,
                                        struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT n, at, from_state, to_state, actor, note FROM action_history "
                          "WHERE item_id = $1 ORDER BY n",
                          p, 1, &r, eb);
    json_t *a = json_array();
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(a,
                              json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "n",
                                        (json_int_t)db_rows_int_or(r, i, 0, 0), "at",
                                        (json_int_t)db_rows_int_or(r, i, 1, 0), "from",
                                        db_rows_get(r, i, 2), "to", db_rows_get(r, i, 3), "actor",
                                        db_rows_get(r, i, 4), "note", db_rows_get(r, i, 5)));
    db_rows_free(r);
    *out = a;
    return e;
}

enum err actions_get(struct db *db, const char *id, enum auth_role role, json_t **out,
                     struct errbuf *eb)
{
    char sql[600];
    snprintf(sql, sizeof sql, "SELECT %s FROM action_items WHERE id = $1", item_cols);
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    json_t *hist = NULL;
    enum err e = db_query(c, sql, p, 1, &r, eb);
    const struct actions_detector *d =
        e == ERR_OK && db_rows_count(r) == 1 ? actions_detector_of(db_rows_get(r, 0, 2)) : NULL;
    if (e == ERR_OK && (d == NULL || d->see > role))
        e = err_set(eb, ERR_NOTFOUND, "action_not_found", "No such action item.");
    e = e ? e : history_of(c, id, &hist, eb);
    db_release(c);
    if (e == ERR_OK) {
        *out = item_json(r, 0, (int64_t)time(NULL));
        json_object_set_new(*out, "history", hist);
        hist = NULL;
    }
    json_decref(hist);
    db_rows_free(r);
    return e;
}

static const char *arg_or_null(const char *(*arg)(const void *, const char *), const void *ctx,
                               const char *name)
{
    const char *v = arg(ctx, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

enum err actions_filter_parse(const char *(*arg)(const void *ctx, const char *name),
                              const void *ctx, enum auth_role role, const char *user, int64_t now,
                              struct actions_filter *f, struct errbuf *eb)
{
    memset(f, 0, sizeof *f);
    f->role = role;
    f->now = now;
    f->limit = 50;
    f->kind = arg_or_null(arg, ctx, "kind");
    f->state = arg_or_null(arg, ctx, "state");
    f->owner = arg_or_null(arg, ctx, "owner");
    f->assignee = arg_or_null(arg, ctx, "assignee");
    const char *mine = arg_or_null(arg, ctx, "mine");
    const char *limit = arg_or_null(arg, ctx, "limit"), *offset = arg_or_null(arg, ctx, "offset");
    if (mine != NULL && strcmp(mine, "1") != 0 && strcmp(mine, "0") != 0)
        return err_set(eb, ERR_INVAL, "bad_mine", "mine is 1 or 0.");
    if (mine != NULL && strcmp(mine, "1") == 0)
        f->assignee = user != NULL ? user : "";
    if (limit != NULL && parse_int64(limit, 1, ACTIONS_LIST_MAX, &f->limit) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_paging", "limit is 1..%d.", ACTIONS_LIST_MAX);
    if (offset != NULL && parse_int64(offset, 0, 1000000, &f->offset) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_paging", "offset is 0..1000000.");
    if (f->owner != NULL && strcmp(f->owner, "temu") != 0 && strcmp(f->owner, "logistics") != 0 &&
        strcmp(f->owner, "payments") != 0 && strcmp(f->owner, "ops") != 0)
        return err_set(eb, ERR_INVAL, "bad_owner", "owner is temu, logistics, payments or ops.");
    return list_check(f, eb);
}
