/*
 * Shipment confirm with its carrier list cache and the upload record that makes retries safe.
 * See shipments.h.
 */
#include "sync/shipments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sync/query.h"
#include "sync/sync.h"
#include "temu/api.h"
#include "temu/client.h"
#include "vault/vault.h"

#define SHIP_STATE_SENDING   "sending"
#define SHIP_STATE_CONFIRMED "confirmed"
#define SHIP_NAME_MAX        128

/* ---- tracking number shape ---- */

static bool ship_all_digits(const char *s, size_t from)
{
    for (size_t i = from; s[i] != '\0'; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* An international postal number: 2 letters, 9 digits, "US" (S10 format). */
static bool ship_s10(const char *t)
{
    if (strlen(t) != 13 || t[0] < 'A' || t[0] > 'Z' || t[1] < 'A' || t[1] > 'Z')
        return false;
    for (size_t i = 2; i < 11; i++)
        if (t[i] < '0' || t[i] > '9')
            return false;
    return t[11] == 'U' && t[12] == 'S';
}

/* The carrier's own shape, for the carriers whose numbers are well known; NULL when it fits. */
static const char *ship_carrier_shape(const char *carrier, const char *t)
{
    size_t n = strlen(t);
    if (strstr(carrier, "USPS") != NULL)
        return (ship_all_digits(t, 0) && n >= 20 && n <= 22) || ship_s10(t)
                   ? NULL
                   : "USPS numbers have 20 to 22 digits (or 2 letters, 9 digits and US)";
    if (strcmp(carrier, "UPS") == 0 || strncmp(carrier, "UPS ", 4) == 0)
        return strncmp(t, "1Z", 2) == 0 && n == 18 ? NULL
                                                   : "UPS numbers are 1Z and 16 letters or digits";
    if (strstr(carrier, "FedEx") != NULL)
        return ship_all_digits(t, 0) && (n == 12 || n == 15 || n == 20 || n == 22)
                   ? NULL
                   : "FedEx numbers have 12, 15, 20 or 22 digits";
    return NULL;
}

enum err shipment_tracking_check(const char *carrier_name, const char *in,
                                 char out[SHIPMENTS_TRACKING_MAX + 1], struct errbuf *eb)
{
    size_t n = 0, digits = 0;
    out[0] = '\0';
    for (const char *p = in != NULL ? in : ""; *p != '\0'; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '-')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return err_set(eb, ERR_INVAL, "tracking_invalid",
                           "A tracking number has only letters and digits.");
        if (n >= SHIPMENTS_TRACKING_MAX)
            return err_set(eb, ERR_INVAL, "tracking_invalid",
                           "A tracking number has at most %d characters.", SHIPMENTS_TRACKING_MAX);
        digits += ch >= '0' && ch <= '9';
        out[n++] = ch;
    }
    out[n] = '\0';
    if (n < SHIPMENTS_TRACKING_MIN || digits < 4)
        return err_set(eb, ERR_INVAL, "tracking_invalid",
                       "A tracking number has at least %d characters, 4 of them digits.",
                       SHIPMENTS_TRACKING_MIN);
    const char *why = ship_carrier_shape(carrier_name != NULL ? carrier_name : "", out);
    if (why != NULL)
        return err_set(eb, ERR_INVAL, "tracking_invalid", "%s.", why);
    return ERR_OK;
}

/* ---- carriers ---- */

ERR_MUST_USE static enum err ship_carriers_cached(struct db *db, const char *conn, int64_t now,
                                                  bool any_age, json_t **out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(conn),
                           DB_P_INT(any_age ? 0 : now - SHIPMENTS_CARRIERS_FRESH_S)};
    enum err e =
        db_pool_query(db,
                      "SELECT carrier_id, name FROM temu_carriers WHERE connection_id = $1 "
                      "AND fetched_at >= $2 ORDER BY name, carrier_id",
                      p, 2, &rows, eb);
    if (e != ERR_OK)
        return e;
    *out = json_array();
    for (size_t i = 0; i < db_rows_count(rows) && *out != NULL; i++) {
        int64_t id = 0;
        id = db_rows_int_or(rows, i, 0, id);
        json_array_append_new(*out,
                              json_pack("{s:I, s:s}", "carrier_id", (json_int_t)id, "name",
                                        db_rows_get(rows, i, 1) ? db_rows_get(rows, i, 1) : ""));
    }
    db_rows_free(rows);
    return *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
}

/* Replaces the cached list of conn with the page's carriers, in one transaction. */
ERR_MUST_USE static enum err ship_carriers_store(struct db *db, const char *conn,
                                                 const struct temu_page *pg, int64_t now,
                                                 struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    struct db_param del[] = {DB_P_TEXT(conn)};
    enum err e = db_begin(c, eb);
    e = e ? e : db_exec(c, "DELETE FROM temu_carriers WHERE connection_id = $1", del, 1, NULL, eb);
    struct temu_carrier ca;
    for (size_t i = 0; e == ERR_OK && i < pg->count; i++) {
        if (!temu_carrier_at(pg, i, &ca))
            continue;
        char name[SHIP_NAME_MAX];
        snprintf(name, sizeof name, "%s", ca.name[0] != '\0' ? ca.name : ca.brand);
        struct db_param p[] = {DB_P_TEXT(conn), DB_P_INT(ca.id), DB_P_TEXT(name), DB_P_INT(now)};
        e = db_exec(c,
                    "INSERT INTO temu_carriers (connection_id, carrier_id, name, fetched_at) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, carrier_id) DO NOTHING",
                    p, 4, NULL, eb);
    }
    e = e ? e : db_commit(c, eb);
    if (e != ERR_OK)
        db_rollback(c);
    db_release(c);
    return e;
}

/* A client for connection conn (the caller frees it). */
ERR_MUST_USE static enum err ship_client(const struct connect_env *env, const char *conn,
                                         struct temu_client **cl, struct errbuf *eb)
{
    return connect_client_for(env, conn, cl, eb);
}

enum err shipments_carriers(const struct connect_env *env, const char *conn, int64_t region_id,
                            int64_t now, bool fetch, json_t **out, struct temu_error *terr,
                            struct errbuf *eb)
{
    struct temu_client *cl = NULL;
    struct temu_page pg;
    memset(&pg, 0, sizeof pg);
    *out = NULL;
    enum err e = ship_carriers_cached(env->db, conn, now, !fetch, out, eb);
    if (e != ERR_OK || json_array_size(*out) > 0 || !fetch)
        return e;
    json_decref(*out);
    *out = NULL;
    e = ship_client(env, conn, &cl, eb);
    if (e == ERR_OK && temu_api_logistics_companies(cl, region_id, &pg, terr) != ERR_OK)
        e = connect_upstream_error(env, conn, terr, now, eb);
    e = e ? e : ship_carriers_store(env->db, conn, &pg, now, eb);
    e = e ? e : ship_carriers_cached(env->db, conn, now, true, out, eb);
    temu_page_clear(&pg);
    temu_client_free(cl);
    return e;
}

/* The name of carrier id in list, or NULL. */
static const char *ship_carrier_name(const json_t *list, int64_t id)
{
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c)
    {
        if (json_integer_value(json_object_get(c, "carrier_id")) == id)
            return json_string_value(json_object_get(c, "name"));
    }
    return NULL;
}

/* ---- the order and its lines ---- */

struct ship_order {
    char conn[CONNECT_ID_LEN + 1];
    int64_t region_id;
};

static bool ship_named(const struct shipment_req *req, const char *osn)
{
    if (req->order_sn_count == 0)
        return true;
    for (size_t i = 0; i < req->order_sn_count; i++)
        if (strcmp(req->order_sns[i], osn) == 0)
            return true;
    return false;
}

/*
 * The parcel's lines: the synced sub-orders of the order still unshipped (status 2), or the
 * ones named, which must all be unshipped. *lines is a new array [{order_sn, goods_id, sku_id,
 * quantity}].
 */
ERR_MUST_USE static enum err ship_lines(struct db *db, const struct ship_order *o,
                                        const struct shipment_req *req, json_t **lines,
                                        struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(o->conn), DB_P_TEXT(req->sn)};
    enum err e = db_pool_query(db,
                               "SELECT order_sn, status, goods_id, sku_id, quantity FROM "
                               "temu_order_items WHERE connection_id = $1 AND parent_order_sn = $2 "
                               "ORDER BY order_sn",
                               p, 2, &rows, eb);
    if (e != ERR_OK)
        return e;
    *lines = json_array();
    size_t named = 0;
    for (size_t i = 0; i < db_rows_count(rows) && *lines != NULL; i++) {
        const char *osn = db_rows_get(rows, i, 0);
        int64_t st = 0, goods = 0, sku = 0, qty = 0;
        st = db_rows_int_or(rows, i, 1, st);
        goods = db_rows_int_or(rows, i, 2, goods);
        sku = db_rows_int_or(rows, i, 3, sku);
        qty = db_rows_int_or(rows, i, 4, qty);
        if (osn == NULL || !ship_named(req, osn))
            continue;
        named++;
        if (st == 2 && json_array_size(*lines) < SHIPMENTS_LINES_MAX)
            json_array_append_new(*lines, json_pack("{s:s, s:I, s:I, s:I}", "order_sn", osn,
                                                    "goods_id", (json_int_t)goods, "sku_id",
                                                    (json_int_t)sku, "quantity", (json_int_t)qty));
        else if (req->order_sn_count > 0)
            e = err_set(eb, ERR_CONFLICT, "order_not_shippable",
                        "Sub-order %s is not waiting to be shipped.", osn);
    }
    db_rows_free(rows);
    if (e == ERR_OK && *lines == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK && req->order_sn_count > 0 && named != req->order_sn_count)
        e = err_set(eb, ERR_INVAL, "bad_order_sns", "A named sub-order is not part of this order.");
    if (e == ERR_OK && json_array_size(*lines) == 0)
        e = err_set(eb, ERR_CONFLICT, "order_not_shippable",
                    "No sub-order of this order is waiting to be shipped.");
    if (e != ERR_OK) {
        json_decref(*lines);
        *lines = NULL;
    }
    return e;
}

/* ---- the upload record ---- */

static const char ship_cols[] = "connection_id, parent_order_sn, tracking_number, carrier_id, "
                                "carrier_name, order_sns, state, warnings, actor, created_at, "
                                "confirmed_at";

/* Row i of a ship_cols query as the answer object. */
static json_t *ship_row_json(const struct db_rows *r, size_t i)
{
    int64_t carrier = 0, created = 0, confirmed = 0;
    carrier = db_rows_int_or(r, i, 3, carrier);
    created = db_rows_int_or(r, i, 9, created);
    confirmed = db_rows_int_or(r, i, 10, confirmed);
    json_t *sns = json_loads(db_rows_get(r, i, 5) ? db_rows_get(r, i, 5) : "[]", 0, NULL);
    json_t *warn = json_loads(db_rows_get(r, i, 7) ? db_rows_get(r, i, 7) : "[]", 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:o, s:s, s:I, s:I, s:b}",
                     "connection_id", db_rows_get(r, i, 0), "parent_order_sn", db_rows_get(r, i, 1),
                     "tracking_number", db_rows_get(r, i, 2), "carrier_id", (json_int_t)carrier,
                     "carrier_name", db_rows_get(r, i, 4), "order_sns", sns ? sns : json_array(),
                     "state", db_rows_get(r, i, 6), "warnings", warn ? warn : json_array(), "actor",
                     db_rows_get(r, i, 8), "created_at", (json_int_t)created, "confirmed_at",
                     (json_int_t)confirmed, "replayed", 0);
}

ERR_MUST_USE static enum err ship_record_get(struct db *db, const char *conn, const char *sn,
                                             const char *tracking, json_t **out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sn), DB_P_TEXT(tracking)};
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM temu_shipment_uploads WHERE connection_id = $1 AND "
             "parent_order_sn = $2 AND tracking_number = $3",
             ship_cols);
    enum err e = db_pool_query(db, sql, p, 3, &rows, eb);
    *out = e == ERR_OK && db_rows_count(rows) == 1 ? ship_row_json(rows, 0) : NULL;
    db_rows_free(rows);
    return e;
}

ERR_MUST_USE static enum err ship_record_add(struct db *db, const char *conn, const char *sn,
                                             const char *tracking, int64_t carrier,
                                             const char *name, const json_t *lines,
                                             const char *actor, int64_t now, struct errbuf *eb)
{
    json_t *sns = json_array();
    size_t i;
    const json_t *l;
    json_array_foreach(lines, i, l) json_array_append(sns, json_object_get(l, "order_sn"));
    char *text = json_dumps(sns, JSON_COMPACT);
    json_decref(sns);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sn),   DB_P_TEXT(tracking), DB_P_INT(carrier),
                           DB_P_TEXT(name), DB_P_TEXT(text), DB_P_TEXT(actor),    DB_P_INT(now)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c,
                         "INSERT INTO temu_shipment_uploads (connection_id, parent_order_sn, "
                         "tracking_number, carrier_id, carrier_name, order_sns, state, warnings, "
                         "actor, created_at, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, "
                         "'" SHIP_STATE_SENDING "', '[]', $7, $8, 0)",
                         p, 8, NULL, eb);
    db_release(c);
    free(text);
    return e;
}

/* Marks the record confirmed with Temu's warnings (NULL: none), or deletes it (drop). */
ERR_MUST_USE static enum err ship_record_end(struct db *db, const char *conn, const char *sn,
                                             const char *tracking, bool drop,
                                             const json_t *warnings, int64_t now, struct errbuf *eb)
{
    char *text = json_dumps(warnings != NULL ? warnings : json_array(), JSON_COMPACT);
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sn), DB_P_TEXT(tracking),
                           DB_P_TEXT(text ? text : "[]"), DB_P_INT(now)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        drop ? db_exec(c,
                       "DELETE FROM temu_shipment_uploads WHERE connection_id = $1 AND "
                       "parent_order_sn = $2 AND tracking_number = $3",
                       p, 3, NULL, eb)
             : db_exec(c,
                       "UPDATE temu_shipment_uploads SET state = '" SHIP_STATE_CONFIRMED "', "
                       "warnings = $4, confirmed_at = $5 WHERE connection_id = $1 AND "
                       "parent_order_sn = $2 AND tracking_number = $3",
                       p, 5, NULL, eb);
    db_release(c);
    free(text);
    return e;
}

enum err shipments_list(struct db *db, const char *conn, const char *sn, json_t **out,
                        struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sn)};
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM temu_shipment_uploads WHERE connection_id = $1 AND "
             "parent_order_sn = $2 ORDER BY created_at DESC, tracking_number",
             ship_cols);
    enum err e = db_pool_query(db, sql, p, 2, &rows, eb);
    if (e != ERR_OK)
        return e;
    *out = json_array();
    for (size_t i = 0; i < db_rows_count(rows) && *out != NULL; i++)
        json_array_append_new(*out, ship_row_json(rows, i));
    db_rows_free(rows);
    return *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
}

/* ---- confirm ---- */

/* Whether Temu already lists tracking among the parcels of sub-order osn. */
ERR_MUST_USE static enum err ship_known(struct temu_client *cl, const char *sn, const char *osn,
                                        const char *tracking, bool *found, struct temu_error *te)
{
    struct temu_shipments sh;
    *found = false;
    enum err e = temu_api_shipment_get(cl, sn, osn, &sh, te);
    for (size_t i = 0; e == ERR_OK && i < sh.count; i++)
        *found |= strcmp(sh.items[i].tracking_number, tracking) == 0;
    temu_shipments_clear(&sh);
    return e;
}

/* Sends the confirm for lines; on success *warnings is Temu's warningMessage (new ref). */
ERR_MUST_USE static enum err ship_send(struct temu_client *cl, const char *sn, int64_t carrier,
                                       const char *tracking, const json_t *lines, bool all,
                                       json_t **warnings, struct temu_error *te)
{
    struct temu_send_line sl[SHIPMENTS_LINES_MAX];
    size_t n = 0, i;
    const json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (n >= SHIPMENTS_LINES_MAX)
            break;
        sl[n++] = (struct temu_send_line){sn, json_string_value(json_object_get(l, "order_sn")),
                                          json_integer_value(json_object_get(l, "goods_id")),
                                          json_integer_value(json_object_get(l, "sku_id")),
                                          json_integer_value(json_object_get(l, "quantity"))};
    }
    struct temu_send_request r = {carrier, tracking, sl, n};
    /* sendType 0: the whole order in one parcel; 1 when other sub-orders stay behind. */
    struct temu_shipment_confirm_req cr = {all ? 0 : 1, &r, 1};
    struct temu_shipment_confirm out;
    enum err e = temu_api_shipment_confirm(cl, &cr, &out, te);
    *warnings = e == ERR_OK && out.warnings != NULL ? json_deep_copy(out.warnings) : json_array();
    temu_shipment_confirm_clear(&out);
    return e;
}

/* Whether a failed call certainly got Temu's answer (so nothing was applied). */
static bool ship_answered(const struct temu_error *te)
{
    return te->source == TEMU_SOURCE_GATEWAY || te->source == TEMU_SOURCE_INNER ||
           te->source == TEMU_SOURCE_LOCAL;
}

/* What a confirm works with once its inputs are checked. */
struct ship_ctx {
    const struct connect_env *env;
    const struct shipment_req *req;
    struct ship_order order;
    char tracking[SHIPMENTS_TRACKING_MAX + 1];
    char carrier_name[SHIP_NAME_MAX];
    int64_t now;
};

ERR_MUST_USE static enum err ship_prepare(struct ship_ctx *x, struct temu_error *te,
                                          struct errbuf *eb)
{
    const struct shipment_req *req = x->req;
    if (req->sn == NULL || req->sn[0] == '\0' || strlen(req->sn) > SYNC_SN_MAX)
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    if (req->carrier_id <= 0)
        return err_set(eb, ERR_INVAL, "bad_carrier", "carrier_id is required (see the carriers).");
    if (req->order_sn_count > SHIPMENTS_LINES_MAX || (req->order_sn_count > 0 && !req->order_sns))
        return err_set(eb, ERR_INVAL, "bad_order_sns", "order_sns takes 1 to %d sub-orders.",
                       SHIPMENTS_LINES_MAX);
    for (size_t i = 0; i < req->order_sn_count; i++)
        if (req->order_sns[i] == NULL || req->order_sns[i][0] == '\0' ||
            strlen(req->order_sns[i]) > SYNC_SN_MAX)
            return err_set(eb, ERR_INVAL, "bad_order_sns", "order_sns has an empty number.");
    enum err e = query_order_locate(x->env->db, req->connection_id, req->sn, x->order.conn,
                                    &x->order.region_id, eb);
    json_t *carriers = NULL;
    e = e ? e
          : shipments_carriers(x->env, x->order.conn, x->order.region_id, x->now, true, &carriers,
                               te, eb);
    const char *name = e == ERR_OK ? ship_carrier_name(carriers, req->carrier_id) : NULL;
    if (e == ERR_OK && name == NULL)
        e = err_set(eb, ERR_INVAL, "bad_carrier",
                    "carrier_id %lld is not in this shop's carrier list.",
                    (long long)req->carrier_id);
    if (e == ERR_OK)
        snprintf(x->carrier_name, sizeof x->carrier_name, "%s", name);
    json_decref(carriers);
    return e ? e : shipment_tracking_check(x->carrier_name, req->tracking_number, x->tracking, eb);
}

/* Uploads lines (the record is in state sending) and ends the record by Temu's answer. */
ERR_MUST_USE static enum err ship_upload(struct ship_ctx *x, struct temu_client *cl,
                                         const json_t *lines, struct temu_error *te,
                                         struct errbuf *eb)
{
    json_t *warnings = NULL;
    const struct shipment_req *req = x->req;
    enum err e = ship_send(cl, req->sn, req->carrier_id, x->tracking, lines,
                           req->order_sn_count == 0, &warnings, te);
    if (e == ERR_OK) {
        e = ship_record_end(x->env->db, x->order.conn, req->sn, x->tracking, false, warnings,
                            x->now, eb);
    } else if (ship_answered(te)) {
        /* Temu refused the upload: the record is closed so a corrected retry may upload; if
         * that fails, the retry finds it "sending" and asks shipment.v2.get first. */
        if (ship_record_end(x->env->db, x->order.conn, req->sn, x->tracking, true, NULL, x->now,
                            NULL) != ERR_OK)
            log_kv(LOG_WARN, "shipment.record_not_closed", "order", req->sn, NULL);
        e = connect_upstream_error(x->env, x->order.conn, te, x->now, eb);
    } else {
        log_kv(LOG_WARN, "shipment.answer_lost", "order", req->sn, "code",
               temu_error_source_name(te->source), NULL);
        e = err_set(eb, ERR_UNAVAILABLE, "temu_unavailable",
                    "Temu's answer was lost (%.120s); send the same shipment again: it is not "
                    "uploaded twice.",
                    te->message);
    }
    json_decref(warnings);
    return e;
}

/* A retry of a recorded upload: replay it, or finish one whose answer was lost. */
ERR_MUST_USE static enum err ship_resume(struct ship_ctx *x, struct temu_client *cl, json_t *rec,
                                         bool *created, struct temu_error *te, struct errbuf *eb)
{
    const struct shipment_req *req = x->req;
    if (json_integer_value(json_object_get(rec, "carrier_id")) != req->carrier_id)
        return err_set(eb, ERR_CONFLICT, "shipment_conflict",
                       "This tracking number is already recorded for another carrier.");
    if (strcmp(json_string_value(json_object_get(rec, "state")), SHIP_STATE_CONFIRMED) == 0)
        return ERR_OK;
    json_t *sns = json_object_get(rec, "order_sns");
    bool found = false;
    enum err e =
        ship_known(cl, req->sn, json_string_value(json_array_get(sns, 0)), x->tracking, &found, te);
    if (e != ERR_OK)
        return connect_upstream_error(x->env, x->order.conn, te, x->now, eb);
    if (found)
        return ship_record_end(x->env->db, x->order.conn, req->sn, x->tracking, false, NULL, x->now,
                               eb);
    json_t *lines = NULL;
    e = ship_lines(x->env->db, &x->order, req, &lines, eb);
    e = e ? e : ship_upload(x, cl, lines, te, eb);
    json_decref(lines);
    *created = e == ERR_OK;
    return e;
}

enum err shipment_confirm(const struct connect_env *env, const struct shipment_req *req,
                          const char *actor, int64_t now, json_t **out, bool *created,
                          struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    struct ship_ctx x = {.env = env, .req = req, .now = now};
    struct temu_client *cl = NULL;
    json_t *rec = NULL, *lines = NULL;
    *out = NULL;
    *created = false;
    temu_error_clear(te);
    enum err e = ship_prepare(&x, te, eb);
    e = e ? e : ship_client(env, x.order.conn, &cl, eb);
    e = e ? e : ship_record_get(env->db, x.order.conn, req->sn, x.tracking, &rec, eb);
    if (e == ERR_OK && rec != NULL) {
        e = ship_resume(&x, cl, rec, created, te, eb);
    } else if (e == ERR_OK) {
        e = ship_lines(env->db, &x.order, req, &lines, eb);
        e = e ? e
              : ship_record_add(env->db, x.order.conn, req->sn, x.tracking, req->carrier_id,
                                x.carrier_name, lines, actor, now, eb);
        e = e ? e : ship_upload(&x, cl, lines, te, eb);
        *created = e == ERR_OK;
    }
    json_decref(rec);
    rec = NULL;
    if (e == ERR_OK)
        e = ship_record_get(env->db, x.order.conn, req->sn, x.tracking, &rec, eb);
    if (e == ERR_OK && rec == NULL)
        e = err_set(eb, ERR_INTERNAL, NULL, "the shipment record vanished");
    if (e == ERR_OK)
        json_object_set_new(rec, "replayed", json_boolean(!*created));
    *out = e == ERR_OK ? rec : NULL;
    if (e != ERR_OK)
        json_decref(rec);
    json_decref(lines);
    temu_client_free(cl);
    return e;
}
