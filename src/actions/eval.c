/*
 * Evaluation: load the facts of up to ACTIONS_CHUNK objects of one input, run the input's
 * detectors, reconcile the hits with the stored items, all in one transaction per chunk (a
 * kill leaves each chunk done or not done). The cost of evaluating n objects is n rows read
 * plus their items: the sync hook passes a page's keys, so a page costs a page, whatever the
 * shop's size. Full passes walk every object by key (keyset paging), then sweep the objects
 * of still-active items the walk did not reach (an object that left the input set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/internal.h"
#include "actions/settle.h"
#include "base/log.h"
#include "base/parse.h"
#include "sync/sync.h"
#include "tracking/model.h"

#define CASE_LINES_MAX 4 /* lines of a case priced for its money at risk */

/* The facts of one chunk and the rows they borrow from. */
struct chunk {
    const char *conn;
    size_t n;
    const char *keys[ACTIONS_CHUNK + 8];
    struct actions_order orders[ACTIONS_CHUNK];
    struct actions_case cases[ACTIONS_CHUNK];
    struct actions_health health[ACTIONS_CHUNK];
    struct actions_stock stock[ACTIONS_CHUNK];
    struct actions_parcel parcels[ACTIONS_CHUNK];
    struct settle_order_state settle[ACTIONS_CHUNK];
    char case_skus[ACTIONS_CHUNK][CASE_LINES_MAX][24]; /* a case's lines: SKU ids, quantities */
    int64_t case_qty[ACTIONS_CHUNK][CASE_LINES_MAX];
    size_t case_nlines[ACTIONS_CHUNK];
    json_t *docs[ACTIONS_CHUNK];
    struct db_rows *rows, *rows2, *rows3;
};

static void chunk_free(struct chunk *k)
{
    for (size_t i = 0; i < k->n; i++)
        json_decref(k->docs[i]);
    db_rows_free(k->rows);
    db_rows_free(k->rows2);
    db_rows_free(k->rows3);
    k->rows = k->rows2 = k->rows3 = NULL;
    k->n = 0;
}

/* Runs head + "($2, ...)" over conn and keys[0..n) (head ends in "IN "). */
ERR_MUST_USE static enum err query_keys(struct db_conn *c, const char *head, const char *conn,
                                        const char *const *keys, size_t n, struct db_rows **out,
                                        struct errbuf *eb)
{
    char sql[2048], ph[1024];
    struct db_param p[ACTIONS_CHUNK + 1];
    p[0] = DB_P_TEXT(conn);
    for (size_t i = 0; i < n; i++)
        p[i + 1] = DB_P_TEXT(keys[i]);
    actions_placeholders(ph, sizeof ph, 2, n);
    snprintf(sql, sizeof sql, "%s(%s)", head, ph);
    return db_query(c, sql, p, n + 1, out, eb);
}

static bool has_label(const char *labels, const char *name)
{
    char q[64];
    snprintf(q, sizeof q, "\"%s\"", name);
    return labels != NULL && strstr(labels, q) != NULL;
}

/* What the children say: parcels, abnormal parcels, the earliest shipping time. */
static void order_children(struct actions_order *o, const json_t *doc)
{
    const json_t *map = json_object_get(doc, "parentOrderMap");
    const json_t *list = json_object_get(doc, "orderList");
    size_t i;
    const json_t *child;
    o->latest_delivery = json_integer_value(json_object_get(map, "latestDeliveryTime"));
    o->shipped_at = json_integer_value(json_object_get(map, "parentShippingTime"));
    json_array_foreach(list, i, child)
    {
        const json_t *ab = json_object_get(child, "packageAbnormalTypeList");
        int64_t t = json_integer_value(json_object_get(child, "orderShippingTime"));
        o->packages += (int64_t)json_array_size(json_object_get(child, "packageSnInfo"));
        if (json_array_size(ab) > 0 && o->abnormal++ == 0) {
            const json_t *first = json_array_get(ab, 0);
            o->abnormal_first = json_is_string(first) ? json_string_value(first) : "listed";
        }
        if (t > 0 && (o->shipped_at <= 0 || t < o->shipped_at))
            o->shipped_at = t;
    }
}

/* Adds quantity × SKU price of every line of the orders order_sns to totals (by index). */
ERR_MUST_USE static enum err order_totals(struct db_conn *c, struct chunk *k,
                                          const char *const *order_sns, size_t n,
                                          struct actions_order *const *targets, struct errbuf *eb)
{
    enum err e = query_keys(c,
                            "SELECT i.parent_order_sn, i.quantity, s.price, p.currency FROM "
                            "temu_order_items i JOIN temu_product_skus s ON s.connection_id = "
                            "i.connection_id AND s.sku_id = i.sku_id JOIN temu_products p ON "
                            "p.connection_id = s.connection_id AND p.goods_id = s.goods_id WHERE "
                            "i.connection_id = $1 AND i.parent_order_sn IN ",
                            k->conn, order_sns, n, &k->rows2, eb);
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows2); r++) {
        int64_t price = 0, qty = db_rows_int_or(k->rows2, r, 1, 0);
        const char *cur = db_rows_get(k->rows2, r, 3);
        /* SKU prices are integer minor units of the product's currency; others are skipped. */
        if (parse_int64(db_rows_get(k->rows2, r, 2), 0, INT64_MAX / 1000, &price) != ERR_OK ||
            money_currency_exponent(cur) < 0 || qty < 0 || qty > 100000)
            continue;
        for (size_t i = 0; i < n; i++) {
            struct actions_order *o = targets[i];
            if (strcmp(order_sns[i], db_rows_get(k->rows2, r, 0)) != 0)
                continue;
            if (o->total.currency[0] == '\0')
                snprintf(o->total.currency, sizeof o->total.currency, "%s", cur);
            if (strcmp(o->total.currency, cur) == 0)
                o->total.minor += price * qty;
        }
    }
    return e;
}

/* The tracking domain's word on the orders' parcels: carrier status exception or expired, and
 * the lost_suspect flag (tracking_shipments, tracking_flags). */
ERR_MUST_USE static enum err order_tracking(struct db_conn *c, struct chunk *k, struct errbuf *eb)
{
    char head[700];
    snprintf(head, sizeof head,
             "SELECT s.parent_order_sn, s.tracking_number, s.status, f.reason FROM "
             "tracking_shipments s LEFT JOIN tracking_flags f ON f.shipment_id = s.id AND "
             "f.flag = '%s' WHERE s.connection_id = $1 AND (s.status IN ('%s', '%s') OR f.flag "
             "IS NOT NULL) AND s.parent_order_sn IN ",
             tracking_flag_name(TRACKING_FLAG_LOST), tracking_status_name(TRACKING_EXCEPTION),
             tracking_status_name(TRACKING_EXPIRED));
    enum err e = query_keys(c, head, k->conn, k->keys, k->n, &k->rows3, eb);
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows3); r++) {
        const char *sn = db_rows_get(k->rows3, r, 0);
        const char *status = db_rows_get(k->rows3, r, 2);
        bool lost = !db_rows_is_null(k->rows3, r, 3);
        bool bad = strcmp(status, tracking_status_name(TRACKING_EXCEPTION)) == 0 ||
                   strcmp(status, tracking_status_name(TRACKING_EXPIRED)) == 0;
        for (size_t i = 0; i < k->n; i++) {
            struct actions_order *o = &k->orders[i];
            if (strcmp(k->keys[i], sn) != 0)
                continue;
            if (o->carrier_first == NULL) {
                o->carrier_first = db_rows_get(k->rows3, r, 1);
                o->carrier_state = bad ? status : tracking_flag_name(TRACKING_FLAG_LOST);
            }
            o->carrier_exception += bad;
            o->lost_suspect += lost;
        }
    }
    return e;
}

ERR_MUST_USE static enum err load_orders(struct db_conn *c, struct chunk *k,
                                         const char *const *keys, size_t n, struct errbuf *eb)
{
    struct actions_order *targets[ACTIONS_CHUNK];
    enum err e = query_keys(c,
                            "SELECT parent_order_sn, status, ship_by, update_time, labels, data "
                            "FROM temu_orders WHERE connection_id = $1 AND parent_order_sn IN ",
                            k->conn, keys, n, &k->rows, eb);
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows) && k->n < ACTIONS_CHUNK; r++) {
        struct actions_order *o = &k->orders[k->n];
        const char *labels = db_rows_get(k->rows, r, 4), *data = db_rows_get(k->rows, r, 5);
        memset(o, 0, sizeof *o);
        o->status = db_rows_int_or(k->rows, r, 1, 0);
        o->ship_by = db_rows_int_or(k->rows, r, 2, 0);
        o->update_time = db_rows_int_or(k->rows, r, 3, 0);
        o->soon_to_be_overdue = has_label(labels, "soon_to_be_overdue");
        o->past_due = has_label(labels, "past_due");
        o->pending_cancel = has_label(labels, "pending_buyer_cancellation");
        o->pending_address = has_label(labels, "pending_buyer_address_change");
        o->risk_alert = has_label(labels, "pending_risk_control_alert");
        k->docs[k->n] = sync_order_doc_load(data != NULL ? data : "{}");
        order_children(o, k->docs[k->n]);
        k->keys[k->n] = db_rows_get(k->rows, r, 0);
        targets[k->n] = o;
        k->n++;
    }
    e = e == ERR_OK && k->n > 0 ? order_tracking(c, k, eb) : e;
    return e == ERR_OK && k->n > 0 ? order_totals(c, k, k->keys, k->n, targets, eb) : e;
}

/* The parcels keys (tracking_shipments ids) with their stalled flag. */
ERR_MUST_USE static enum err load_parcels(struct db_conn *c, struct chunk *k,
                                          const char *const *keys, size_t n, struct errbuf *eb)
{
    char head[700];
    snprintf(head, sizeof head,
             "SELECT s.id, s.parent_order_sn, s.tracking_number, s.carrier_name, s.status, "
             "s.lane, s.shipped_at, s.created_at, s.first_event_at, s.last_event_at, "
             "s.promise_at, f.reason, f.since FROM tracking_shipments s LEFT JOIN tracking_flags "
             "f ON f.shipment_id = s.id AND f.flag = '%s' WHERE s.connection_id = $1 AND s.id IN ",
             tracking_flag_name(TRACKING_FLAG_STALLED));
    enum err e = query_keys(c, head, k->conn, keys, n, &k->rows, eb);
    struct actions_order *targets[ACTIONS_CHUNK];
    const char *sns[ACTIONS_CHUNK];
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows) && k->n < ACTIONS_CHUNK; r++) {
        struct actions_parcel *x = &k->parcels[k->n];
        enum tracking_status st;
        memset(x, 0, sizeof *x);
        x->order_sn = db_rows_get(k->rows, r, 1);
        x->number = db_rows_get(k->rows, r, 2);
        x->carrier = db_rows_get(k->rows, r, 3);
        x->status = db_rows_get(k->rows, r, 4);
        x->final = tracking_status_parse(x->status, &st) && tracking_status_final(st);
        x->lane = db_rows_get(k->rows, r, 5);
        x->shipped_at = db_rows_int_or(k->rows, r, 6, 0);
        x->created_at = db_rows_int_or(k->rows, r, 7, 0);
        x->first_event_at = db_rows_int_or(k->rows, r, 8, 0);
        x->last_event_at = db_rows_int_or(k->rows, r, 9, 0);
        x->promise_at = db_rows_int_or(k->rows, r, 10, 0);
        x->stalled = db_rows_is_null(k->rows, r, 11) ? NULL : db_rows_get(k->rows, r, 11);
        x->stalled_since = db_rows_int_or(k->rows, r, 12, 0);
        k->keys[k->n] = db_rows_get(k->rows, r, 0);
        /* The parcel's money at risk is its order's total. */
        memset(&k->orders[k->n].total, 0, sizeof k->orders[k->n].total);
        targets[k->n] = &k->orders[k->n];
        sns[k->n] = x->order_sn;
        k->n++;
    }
    return e == ERR_OK && k->n > 0 ? order_totals(c, k, sns, k->n, targets, eb) : e;
}

/* A MoneyAmount ({amount: minor units or a decimal string, currency}) into m; false when
 * absent or unreadable. */
static bool money_amount(const json_t *v, struct money *m)
{
    const json_t *amount = json_object_get(v, "amount");
    const char *cur = json_string_value(json_object_get(v, "currency"));
    if (cur == NULL || money_currency_exponent(cur) < 0)
        return false;
    memset(m, 0, sizeof *m);
    snprintf(m->currency, sizeof m->currency, "%s", cur);
    if (json_is_integer(amount)) {
        m->minor = (int64_t)json_integer_value(amount);
        return m->minor >= 0;
    }
    return json_is_string(amount) &&
           money_parse(json_string_value(amount), strlen(json_string_value(amount)), cur,
                       MONEY_STYLE_PLAIN, 0, m, NULL, NULL) == ERR_OK &&
           m->minor >= 0;
}

/* The requested refund of a case's detail: the sum of its lines' applyRefundAmount in the
 * first line's currency; false when no line gives one. */
static bool case_refund(const json_t *detail, struct money *out)
{
    size_t i;
    const json_t *line;
    struct errbuf eb = {{0}, {0}};
    bool any = false;
    json_array_foreach(json_object_get(detail, "afterSalesList"), i, line)
    {
        struct money m;
        if (!money_amount(json_object_get(line, "applyRefundAmount"), &m))
            continue;
        if (!any)
            *out = m;
        else if (strcmp(out->currency, m.currency) == 0 && money_add(out, &m, out, &eb) != ERR_OK)
            return false;
        any = true;
    }
    return any && out->minor > 0;
}

/* The lines of a case's detail as "sku_id" keys and quantities (at most max). */
static size_t case_lines(const json_t *detail, char (*skus)[24], int64_t *qty, size_t max)
{
    size_t i, n = 0;
    const json_t *line;
    json_array_foreach(json_object_get(detail, "afterSalesList"), i, line)
    {
        const json_t *g = json_object_get(line, "afterSalesGoodsInfo");
        json_int_t sku = json_integer_value(json_object_get(g, "skuId"));
        json_int_t q = json_integer_value(json_object_get(line, "applyAfterSalesGoodsNumber"));
        if (n < max && sku > 0 && q > 0 && q <= 100000) {
            snprintf(skus[n], sizeof skus[n], "%lld", (long long)sku);
            qty[n++] = q;
        }
    }
    return n;
}

/* The case lines' quantity × SKU price (k->case_* of the cases without a requested refund):
 * a case gets "case_items" when every line has a price in one currency. */
ERR_MUST_USE static enum err case_items_money(struct db_conn *c, struct chunk *k, struct errbuf *eb)
{
    const char *skus[ACTIONS_CHUNK];
    size_t ns = 0;
    for (size_t i = 0; i < k->n; i++)
        for (size_t j = 0; j < k->case_nlines[i] && ns < ACTIONS_CHUNK; j++)
            skus[ns++] = k->case_skus[i][j];
    if (ns == 0)
        return ERR_OK;
    enum err e = query_keys(c,
                            "SELECT CAST(s.sku_id AS TEXT), s.price, p.currency FROM "
                            "temu_product_skus s JOIN temu_products p ON p.connection_id = "
                            "s.connection_id AND p.goods_id = s.goods_id WHERE s.connection_id = "
                            "$1 AND CAST(s.sku_id AS TEXT) IN ",
                            k->conn, skus, ns, &k->rows3, eb);
    for (size_t i = 0; e == ERR_OK && i < k->n; i++) {
        struct money sum = {0};
        size_t priced = 0;
        for (size_t j = 0; j < k->case_nlines[i]; j++)
            for (size_t r = 0; r < db_rows_count(k->rows3); r++) {
                int64_t price = 0;
                const char *cur = db_rows_get(k->rows3, r, 2);
                if (strcmp(db_rows_get(k->rows3, r, 0), k->case_skus[i][j]) != 0 ||
                    parse_int64(db_rows_get(k->rows3, r, 1), 0, INT64_MAX / 200000, &price) ||
                    money_currency_exponent(cur) < 0 ||
                    (sum.currency[0] != '\0' && strcmp(sum.currency, cur) != 0))
                    continue;
                snprintf(sum.currency, sizeof sum.currency, "%s", cur);
                sum.minor += price * k->case_qty[i][j];
                priced++;
                break;
            }
        if (k->case_nlines[i] > 0 && priced == k->case_nlines[i] && sum.minor > 0) {
            k->orders[i].total = sum;
            k->cases[i].money_source = "case_items";
        }
    }
    return e;
}

/* The money at risk of each case: the requested refund, else its lines' worth, else (the
 * labelled fallback) its order's total. */
ERR_MUST_USE static enum err case_money(struct db_conn *c, struct chunk *k, struct errbuf *eb)
{
    struct actions_order *targets[ACTIONS_CHUNK];
    const char *sns[ACTIONS_CHUNK];
    size_t nf = 0;
    enum err e = case_items_money(c, k, eb);
    for (size_t i = 0; e == ERR_OK && i < k->n; i++) {
        if (k->cases[i].money_source != NULL)
            continue;
        k->cases[i].money_source = "order_total";
        targets[nf] = &k->orders[i];
        sns[nf++] = k->cases[i].order_sn;
    }
    return e == ERR_OK && nf > 0 ? order_totals(c, k, sns, nf, targets, eb) : e;
}

ERR_MUST_USE static enum err load_cases(struct db_conn *c, struct chunk *k, const char *const *keys,
                                        size_t n, struct errbuf *eb)
{
    enum err e = query_keys(c,
                            "SELECT parent_after_sales_sn, parent_order_sn, status_group, status, "
                            "create_at, update_at, data, detail FROM temu_aftersales WHERE "
                            "connection_id = $1 AND parent_after_sales_sn IN ",
                            k->conn, keys, n, &k->rows, eb);
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows) && k->n < ACTIONS_CHUNK; r++) {
        struct actions_case *x = &k->cases[k->n];
        memset(x, 0, sizeof *x);
        memset(&k->orders[k->n].total, 0, sizeof k->orders[k->n].total);
        x->order_sn = db_rows_get(k->rows, r, 1);
        x->status_group = db_rows_int_or(k->rows, r, 2, 0);
        x->status = db_rows_int_or(k->rows, r, 3, 0);
        x->create_at = db_rows_int_or(k->rows, r, 4, 0);
        x->update_at = db_rows_int_or(k->rows, r, 5, 0);
        json_t *doc = json_loads(db_rows_get(k->rows, r, 6), 0, NULL);
        int64_t ms = json_integer_value(json_object_get(doc, "operateExpireTimeMs"));
        x->expire_at = ms > 100000000000LL ? ms / 1000 : ms;
        x->operations = (int64_t)json_array_size(json_object_get(doc, "availableOperateList"));
        json_t *detail = json_loads(db_rows_get(k->rows, r, 7), 0, NULL);
        k->case_nlines[k->n] = 0;
        if (case_refund(detail, &k->orders[k->n].total))
            x->money_source = "requested_refund";
        else
            k->case_nlines[k->n] =
                case_lines(detail, k->case_skus[k->n], k->case_qty[k->n], CASE_LINES_MAX);
        json_decref(detail);
        k->docs[k->n] = doc;
        k->keys[k->n] = db_rows_get(k->rows, r, 0);
        k->n++;
    }
    return e == ERR_OK && k->n > 0 ? case_money(c, k, eb) : e;
}

ERR_MUST_USE static enum err load_health(struct db_conn *c, struct chunk *k, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(k->conn)};
    enum err e = db_query(c,
                          "SELECT c.id, c.status, c.expires_at, '' AS stream, 0, 0, 0, '' FROM "
                          "temu_connections c WHERE c.id = $1 UNION ALL SELECT s.connection_id, "
                          "'', 0, s.stream, s.consecutive_failures, s.paused, s.last_success_at, "
                          "s.warning FROM sync_state s WHERE s.connection_id = $1",
                          p, 1, &k->rows, eb);
    for (size_t r = 0; e == ERR_OK && r < db_rows_count(k->rows) && k->n < ACTIONS_CHUNK; r++) {
        struct actions_health *x = &k->health[k->n];
        const char *stream = db_rows_get(k->rows, r, 3);
        memset(x, 0, sizeof *x);
        x->stream = stream[0] != '\0' ? stream : NULL;
        x->conn_status = db_rows_get(k->rows, r, 1);
        x->expires_at = db_rows_int_or(k->rows, r, 2, 0);
        x->failures = db_rows_int_or(k->rows, r, 4, 0);
        x->paused = db_rows_int_or(k->rows, r, 5, 0);
        x->last_success_at = db_rows_int_or(k->rows, r, 6, 0);
        x->warning = db_rows_get(k->rows, r, 7);
        k->keys[k->n++] = x->stream != NULL ? x->stream : k->conn;
    }
    return e;
}

/* Stock facts of the on-sale SKUs keys (NULL: every on-sale SKU sold in the last 30 days). */
ERR_MUST_USE static enum err load_stock(struct db_conn *c, struct chunk *k, const char *const *keys,
                                        size_t n, int64_t now, struct errbuf *eb)
{
    char sql[1800], ph[1024];
    struct db_param p[ACTIONS_CHUNK + 3];
    p[0] = DB_P_TEXT(k->conn);
    p[1] = DB_P_INT(now - 7 * 86400);
    p[2] = DB_P_INT(now - 30 * 86400);
    for (size_t i = 0; keys != NULL && i < n; i++)
        p[i + 3] = DB_P_TEXT(keys[i]);
    actions_placeholders(ph, sizeof ph, 4, keys != NULL ? n : 0);
    snprintf(sql, sizeof sql,
             "SELECT CAST(s.sku_id AS TEXT), s.quantity, x.q7, x.q30 FROM temu_product_skus s "
             "JOIN temu_products p ON p.connection_id = s.connection_id AND p.goods_id = "
             "s.goods_id JOIN (SELECT i.sku_id, SUM(CASE WHEN o.order_time >= $2 THEN i.quantity "
             "ELSE 0 END) AS q7, SUM(i.quantity) AS q30 FROM temu_order_items i JOIN temu_orders o "
             "ON o.connection_id = i.connection_id AND o.parent_order_sn = i.parent_order_sn "
             "WHERE i.connection_id = $1 AND o.order_time >= $3 AND o.status <> 3 GROUP BY "
             "i.sku_id) x ON x.sku_id = s.sku_id WHERE s.connection_id = $1 AND p.bucket = 1%s%s%s "
             "ORDER BY s.sku_id LIMIT %d",
             keys != NULL ? " AND CAST(s.sku_id AS TEXT) IN (" : "", keys != NULL ? ph : "",
             keys != NULL ? ")" : "", ACTIONS_CHUNK * 1000);
    enum err e = db_query(c, sql, p, 3 + (keys != NULL ? n : 0), &k->rows, eb);
    return e;
}

/* Runs the detectors of in over the chunk's facts into hits (size n × detectors). */
static size_t fire_all(enum actions_input in, struct chunk *k,
                       int64_t (*params)[ACTIONS_PARAMS_MAX], int64_t now, struct actions_hit *hits)
{
    size_t nd, nh = 0;
    const struct actions_detector *t = actions_detectors(&nd);
    for (size_t i = 0; i < k->n; i++) {
        struct actions_facts f = {.conn = k->conn, .key = k->keys[i]};
        f.order = in == ACTIONS_IN_ORDERS ? &k->orders[i] : NULL;
        f.kase = in == ACTIONS_IN_CASES ? &k->cases[i] : NULL;
        f.health = in == ACTIONS_IN_HEALTH ? &k->health[i] : NULL;
        f.stock = in == ACTIONS_IN_STOCK ? &k->stock[i] : NULL;
        f.parcel = in == ACTIONS_IN_TRACKING ? &k->parcels[i] : NULL;
        f.settle = in == ACTIONS_IN_SETTLEMENT ? &k->settle[i] : NULL;
        for (size_t d = 0; d < nd; d++) {
            struct actions_hit *h = &hits[nh];
            if (t[d].input != in || t[d].fire == NULL)
                continue;
            memset(h, 0, sizeof *h);
            h->d = &t[d];
            snprintf(h->key, sizeof h->key, "%s", k->keys[i]);
            if (!t[d].fire(&f, params[d], now, h))
                continue;
            if (in == ACTIONS_IN_ORDERS || in == ACTIONS_IN_CASES || in == ACTIONS_IN_TRACKING)
                h->money = k->orders[i].total;
            if (in == ACTIONS_IN_CASES && h->values != NULL)
                json_object_set_new(h->values, "money_source",
                                    json_string(k->cases[i].money_source));
            nh++;
        }
    }
    return nh;
}

/* Evaluates one chunk (keys n <= ACTIONS_CHUNK) in one transaction. */
ERR_MUST_USE static enum err eval_chunk(struct db_conn *c, const char *conn, enum actions_input in,
                                        const char *const *keys, size_t n, int64_t now,
                                        struct actions_stats *st, struct errbuf *eb)
{
    static struct chunk zero;
    struct chunk *k = malloc(sizeof *k);
    size_t nd;
    actions_detectors(&nd);
    int64_t(*params)[ACTIONS_PARAMS_MAX] = calloc(nd, sizeof *params);
    struct actions_hit *hits = calloc((n + 8) * nd, sizeof *hits);
    if (k == NULL || params == NULL || hits == NULL) {
        free(k);
        free(params);
        free(hits);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    *k = zero;
    k->conn = conn;
    enum err e = db_begin(c, eb);
    e = e ? e : actions_params_load(c, conn, params, eb);
    if (e == ERR_OK && in == ACTIONS_IN_ORDERS)
        e = load_orders(c, k, keys, n, eb);
    else if (e == ERR_OK && in == ACTIONS_IN_CASES)
        e = load_cases(c, k, keys, n, eb);
    else if (e == ERR_OK && in == ACTIONS_IN_HEALTH)
        e = load_health(c, k, eb);
    else if (e == ERR_OK && in == ACTIONS_IN_TRACKING)
        e = load_parcels(c, k, keys, n, eb);
    else if (e == ERR_OK && in == ACTIONS_IN_SETTLEMENT &&
             (e = actions_settle_load(c, conn, keys, n, k->settle, &k->n, eb)) == ERR_OK)
        for (size_t i = 0; i < k->n; i++)
            k->keys[i] = k->settle[i].sn;
    else if (e == ERR_OK && in == ACTIONS_IN_STOCK &&
             (e = load_stock(c, k, keys, n, now, eb)) == ERR_OK)
        for (size_t r = 0; r < db_rows_count(k->rows) && k->n < ACTIONS_CHUNK; r++, k->n++) {
            k->keys[k->n] = db_rows_get(k->rows, r, 0);
            k->stock[k->n].quantity = db_rows_int_or(k->rows, r, 1, 0);
            k->stock[k->n].sold7 = db_rows_int_or(k->rows, r, 2, 0);
            k->stock[k->n].sold30 = db_rows_int_or(k->rows, r, 3, 0);
        }
    size_t nh = e == ERR_OK ? fire_all(in, k, params, now, hits) : 0;
    /* Reconcile over the asked keys (an object that is gone clears its items) and the found. */
    const char *const *rk = in == ACTIONS_IN_HEALTH ? k->keys : keys;
    size_t rn = in == ACTIONS_IN_HEALTH ? k->n : n;
    if (e == ERR_OK && st != NULL)
        st->objects += (int64_t)k->n;
    struct actions_stats dummy = {0};
    e = e ? e : actions_reconcile(c, conn, in, rk, rn, hits, nh, now, st ? st : &dummy, eb);
    e = e ? e : db_commit(c, eb);
    if (e != ERR_OK)
        db_rollback(c);
    for (size_t i = 0; i < nh; i++)
        json_decref(hits[i].values);
    chunk_free(k);
    free(k);
    free(params);
    free(hits);
    return e;
}

enum err actions_eval_keys(struct db *db, const char *conn, enum actions_input in,
                           const char *const *keys, size_t n, int64_t now, struct actions_stats *st,
                           struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = ERR_OK;
    if (in == ACTIONS_IN_HEALTH)
        e = eval_chunk(c, conn, in, NULL, 0, now, st, eb);
    for (size_t off = 0; in != ACTIONS_IN_HEALTH && e == ERR_OK && off < n; off += ACTIONS_CHUNK)
        e = eval_chunk(c, conn, in, keys + off, n - off < ACTIONS_CHUNK ? n - off : ACTIONS_CHUNK,
                       now, st, eb);
    db_release(c);
    return e;
}

void actions_sync_hook(void *ctx, struct db *db, const char *conn, const char *stream,
                       const char *const *keys, size_t n)
{
    (void)ctx;
    struct errbuf eb = {{0}, {0}};
    enum actions_input in;
    if (strcmp(stream, "orders") == 0)
        in = ACTIONS_IN_ORDERS;
    else if (strcmp(stream, "buyer_cases") == 0)
        in = ACTIONS_IN_CASES;
    else if (strcmp(stream, "tracking") == 0)
        in = ACTIONS_IN_TRACKING; /* keys: tracking_shipments ids */
    else if (strcmp(stream, "products") == 0)
        in = ACTIONS_IN_STOCK; /* keys: goods ids; their SKUs are evaluated */
    else
        return;
    int64_t now = (int64_t)time(NULL);
    enum err e = in == ACTIONS_IN_STOCK ? actions_eval_goods(db, conn, keys, n, now, NULL, &eb)
                                        : actions_eval_keys(db, conn, in, keys, n, now, NULL, &eb);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "actions.hook_failed", "connection", conn, "stream", stream, "error",
               errbuf_message(&eb, e), NULL);
}
