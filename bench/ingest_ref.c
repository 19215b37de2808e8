/* The fair C ingest reference (see ingest_ref.h). */
#include "ingest_ref.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "sync/sync.h"
#include "temu/sign.h"

#define REF_PAGE   100
#define REF_PARAMS 12
#define REF_INT    24 /* decimal text of an int64 */

enum { REF_ORDER, REF_ITEM, REF_HIST, REF_CKPT, REF_NSTMT };

/* The engine's statements, word for word (src/sync/orders.c, the engine's checkpoint). */
static const char *const ref_sql[REF_NSTMT] = {
    "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
    "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
    "synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT "
    "(connection_id, parent_order_sn) DO UPDATE SET status = excluded.status, order_time = "
    "excluded.order_time, update_time = excluded.update_time, ship_by = excluded.ship_by, "
    "labels = excluded.labels, region_id = excluded.region_id, content_hash = "
    "excluded.content_hash, data = excluded.data, synced_at = excluded.synced_at, "
    "sync_prev = temu_orders.status WHERE temu_orders.content_hash <> "
    "excluded.content_hash RETURNING sync_prev",
    "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
    "goods_id, sku_id, quantity, goods_name, spec) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9) ON CONFLICT (connection_id, order_sn) DO UPDATE SET parent_order_sn = "
    "excluded.parent_order_sn, status = excluded.status, goods_id = excluded.goods_id, "
    "sku_id = excluded.sku_id, quantity = excluded.quantity, goods_name = "
    "excluded.goods_name, spec = excluded.spec",
    "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, status, seen_at, "
    "update_time) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection_id, parent_order_sn, "
    "update_time, status) DO NOTHING",
    "UPDATE sync_state SET cur_kind = 'backfill', cur_lo = $3, cur_hi = $4, cur_page = $5 "
    "WHERE connection_id = $1 AND stream = $2",
};

/* A parameter: text, or an integer (bound as one on SQLite, as decimal text on libpq). */
struct ref_val {
    const char *s;
    int64_t i;
    bool is_int;
};
#define RT(x) ((struct ref_val){.s = (x)})
#define RI(x) ((struct ref_val){.i = (x), .is_int = true})

struct ref {
    sqlite3 *lite;
    sqlite3_stmt *st[REF_NSTMT];
    PGconn *pg;
    CURL *http;
    struct curl_slist *headers;
    struct buf answer;
    const struct ingest_ref_opts *o;
    char *err;
    size_t err_len;
    int64_t requests;
};

static bool ref_fail(struct ref *r, const char *what, const char *why)
{
    snprintf(r->err, r->err_len, "%s: %s", what, why != NULL ? why : "failed");
    return false;
}

static bool ref_exec_text(struct ref *r, const char *sql)
{
    if (r->lite != NULL)
        return sqlite3_exec(r->lite, sql, NULL, NULL, NULL) == SQLITE_OK ||
               ref_fail(r, sql, sqlite3_errmsg(r->lite));
    PGresult *res = PQexec(r->pg, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    return ok || ref_fail(r, sql, PQerrorMessage(r->pg));
}

static bool ref_open(struct ref *r)
{
    const char *url = r->o->db_url;
    if (strncmp(url, "sqlite:", 7) == 0) {
        if (sqlite3_open(url + 7, &r->lite) != SQLITE_OK)
            return ref_fail(r, "sqlite3_open", sqlite3_errmsg(r->lite));
        sqlite3_busy_timeout(r->lite, 5000);
        if (!ref_exec_text(r, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA "
                              "synchronous=FULL;"))
            return false;
        for (int i = 0; i < REF_NSTMT; i++)
            if (sqlite3_prepare_v3(r->lite, ref_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i],
                                   NULL) != SQLITE_OK)
                return ref_fail(r, "prepare", sqlite3_errmsg(r->lite));
        return true;
    }
    r->pg = PQconnectdb(url);
    if (PQstatus(r->pg) != CONNECTION_OK)
        return ref_fail(r, "PQconnectdb", PQerrorMessage(r->pg));
    for (int i = 0; i < REF_NSTMT; i++) {
        char name[16];
        snprintf(name, sizeof name, "ref%d", i);
        PGresult *res = PQprepare(r->pg, name, ref_sql[i], 0, NULL);
        bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok)
            return ref_fail(r, "PQprepare", PQerrorMessage(r->pg));
    }
    return true;
}

/* Runs statement id with n values; *row (when not NULL) says whether it returned a row. */
static bool ref_run(struct ref *r, int id, const struct ref_val *v, int n, bool *row)
{
    if (r->lite != NULL) {
        sqlite3_stmt *s = r->st[id];
        for (int i = 0; i < n; i++) {
            if (v[i].is_int)
                sqlite3_bind_int64(s, i + 1, v[i].i);
            else
                sqlite3_bind_text(s, i + 1, v[i].s, -1, SQLITE_STATIC);
        }
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            while (rc == SQLITE_ROW)
                rc = sqlite3_step(s);
            if (row != NULL)
                *row = true;
        } else if (row != NULL) {
            *row = false;
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return rc == SQLITE_DONE || ref_fail(r, "step", sqlite3_errmsg(r->lite));
    }
    char ints[REF_PARAMS][REF_INT], name[16];
    const char *vals[REF_PARAMS];
    for (int i = 0; i < n; i++) {
        if (v[i].is_int)
            snprintf(ints[i], sizeof ints[i], "%" PRId64, v[i].i);
        vals[i] = v[i].is_int ? ints[i] : v[i].s;
    }
    snprintf(name, sizeof name, "ref%d", id);
    PGresult *res = PQexecPrepared(r->pg, name, n, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (row != NULL)
        *row = st == PGRES_TUPLES_OK && PQntuples(res) > 0;
    PQclear(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
           ref_fail(r, "PQexecPrepared", PQerrorMessage(r->pg));
}

static size_t ref_sink(char *data, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    return buf_append(b, data, size * n) == ERR_OK ? size * n : 0;
}

/* One signed bg.order.list.v2.get call; the parsed answer's result into *result (new). */
static bool ref_call(struct ref *r, int64_t lo, int64_t hi, int64_t page, json_t **doc)
{
    struct buf body = {.max = 1 << 20};
    struct errbuf eb = {0};
    json_t *all =
        json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I}", "type",
                  "bg.order.list.v2.get", "app_key", r->o->app_key, "data_type", "JSON",
                  "access_token", r->o->token, "pageNumber", (json_int_t)page, "pageSize",
                  (json_int_t)REF_PAGE, "createAfter", (json_int_t)lo, "createBefore",
                  (json_int_t)hi, "sortby", "createTime", "timestamp", (json_int_t)time(NULL));
    bool ok = all != NULL && temu_sign_body(all, r->o->app_secret, strlen(r->o->app_secret), &body,
                                            NULL, &eb) == ERR_OK;
    json_decref(all);
    r->answer.len = 0;
    if (ok) {
        curl_easy_setopt(r->http, CURLOPT_POSTFIELDS, body.data);
        curl_easy_setopt(r->http, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
        ok = curl_easy_perform(r->http) == CURLE_OK;
        r->requests++;
    }
    buf_free(&body);
    *doc = ok ? json_loadb(r->answer.data, r->answer.len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (*doc == NULL || !json_is_true(json_object_get(*doc, "success"))) {
        json_decref(*doc);
        *doc = NULL;
        return ref_fail(r, "bg.order.list.v2.get", "no successful answer");
    }
    return true;
}

static int64_t ref_int(const json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static const char *ref_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

/* The names of the labels whose value is set, as compact JSON (caller frees). */
static char *ref_labels(const json_t *labels)
{
    json_t *names = json_array();
    size_t i;
    const json_t *l;
    json_array_foreach(labels, i, l)
    {
        const json_t *v = json_object_get(l, "value");
        if (json_is_string(json_object_get(l, "name")) &&
            (v == NULL || json_is_true(v) || json_integer_value(v) != 0 || json_is_string(v)))
            json_array_append(names, json_object_get(l, "name"));
    }
    char *text = json_dumps(names, JSON_COMPACT);
    json_decref(names);
    return text;
}

/* One order's rows. */
static bool ref_order(struct ref *r, const json_t *item, int64_t now)
{
    const json_t *map = json_object_get(item, "parentOrderMap");
    const json_t *list = json_object_get(item, "orderList");
    const char *sn = json_string_value(json_object_get(map, "parentOrderSn"));
    if (sn == NULL)
        return true;
    json_t *content = json_pack("{s:O, s:O?}", "parentOrderMap", map, "orderList", list);
    char *data = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(content);
    unsigned char h[32];
    char hash[65];
    crypto_generichash(h, sizeof h, (const unsigned char *)data, strlen(data), NULL, 0);
    sodium_bin2hex(hash, sizeof hash, h, sizeof h);
    char *doc = sync_order_doc_pack(data, strlen(data));
    char *labels = ref_labels(json_object_get(map, "parentOrderLabel"));
    const char *conn = r->o->connection_id;
    int64_t status = ref_int(map, "parentOrderStatus");
    struct ref_val v[] = {RT(conn),
                          RT(sn),
                          RI(status),
                          RI(ref_int(map, "parentOrderTime")),
                          RI(ref_int(map, "updateTime")),
                          RI(ref_int(map, "expectShipLatestTime")),
                          RT(labels),
                          RI(ref_int(map, "regionId")),
                          RT(hash),
                          RT(doc),
                          RI(now)};
    bool changed = false;
    bool ok = doc != NULL && labels != NULL && ref_run(r, REF_ORDER, v, 11, &changed);
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c)
    {
        struct ref_val k[] = {RT(conn),
                              RT(ref_str(c, "orderSn")),
                              RT(sn),
                              RI(ref_int(c, "orderStatus")),
                              RI(ref_int(c, "goodsId")),
                              RI(ref_int(c, "skuId")),
                              RI(ref_int(c, "quantity")),
                              RT(ref_str(c, "goodsName")),
                              RT(ref_str(c, "spec"))};
        ok = ok && (!changed || ref_run(r, REF_ITEM, k, 9, NULL));
    }
    struct ref_val hv[] = {RT(conn), RT(sn), RI(status), RI(now), RI(ref_int(map, "updateTime"))};
    ok = ok && (!changed || ref_run(r, REF_HIST, hv, 5, NULL));
    free(data);
    free(doc);
    free(labels);
    return ok;
}

/* Every page of the creation window [lo, hi], each in one transaction with its checkpoint. */
static bool ref_window(struct ref *r, int64_t lo, int64_t hi, int64_t *orders)
{
    int64_t last = 1, now = (int64_t)time(NULL);
    for (int64_t page = 1; page <= last; page++) {
        json_t *doc = NULL;
        if (!ref_call(r, lo, hi, page, &doc))
            return false;
        const json_t *res = json_object_get(doc, "result");
        const json_t *items = json_object_get(res, "pageItems");
        last = (ref_int(res, "totalItemNum") + REF_PAGE - 1) / REF_PAGE;
        struct ref_val cv[] = {RT(r->o->connection_id), RT("orders"), RI(lo), RI(hi), RI(page)};
        bool ok = ref_exec_text(r, r->lite != NULL ? "BEGIN IMMEDIATE" : "BEGIN");
        size_t i;
        const json_t *item;
        json_array_foreach(items, i, item) ok = ok && ref_order(r, item, now);
        ok = ok && ref_run(r, REF_CKPT, cv, 5, NULL) && ref_exec_text(r, "COMMIT");
        *orders += (int64_t)json_array_size(items);
        json_decref(doc);
        if (!ok)
            return false;
    }
    return true;
}

bool ingest_ref_run(const struct ingest_ref_opts *o, struct ingest_ref_result *out, char *err,
                    size_t len)
{
    struct ref r = {.o = o, .err = err, .err_len = len, .answer = {.max = 64 << 20}};
    bool ok = ref_open(&r) && (r.http = curl_easy_init()) != NULL;
    memset(out, 0, sizeof *out);
    if (ok) {
        r.headers = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(r.http, CURLOPT_URL, o->gateway);
        curl_easy_setopt(r.http, CURLOPT_POST, 1L);
        curl_easy_setopt(r.http, CURLOPT_HTTPHEADER, r.headers);
        curl_easy_setopt(r.http, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(r.http, CURLOPT_WRITEFUNCTION, ref_sink);
        curl_easy_setopt(r.http, CURLOPT_WRITEDATA, &r.answer);
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO sync_state (connection_id, stream) VALUES ('%s', 'orders')",
                 o->connection_id);
        ok = ref_exec_text(&r, sql);
    }
    /* The engine's backfill windows: 7 days each, back from now - overlap to since. */
    for (int64_t hi = o->now - SYNC_OVERLAP_S; ok && hi >= o->since; hi -= SYNC_BACKFILL_SLICE_S) {
        int64_t lo = hi - SYNC_BACKFILL_SLICE_S + 1;
        ok = ref_window(&r, lo < o->since ? o->since : lo, hi, &out->orders);
    }
    out->requests = r.requests;
    for (int i = 0; i < REF_NSTMT; i++)
        sqlite3_finalize(r.st[i]);
    sqlite3_close(r.lite);
    PQfinish(r.pg);
    curl_slist_free_all(r.headers);
    curl_easy_cleanup(r.http);
    buf_free(&r.answer);
    return ok;
}
