/*
 * The action center benchmark (issue 14, docs/benchmarks.md "Action center"):
 *
 *   actions_bench [--orders N] [--rounds R]
 *
 * Seeds N orders (default 100,000) of one generated shop into a fresh database, as the orders
 * stream stores them: 90 days of orders, ship-by 2 days and latest delivery 10 days after
 * creation, the usual mix of states (most received, some in transit, recent ones pending or
 * unshipped, a few cancelled; 1 in 200 with a buyer or risk label, 1 in 300 shipped parcels
 * with Temu's abnormal flag). Then, per round:
 *   full    the full re-scan (actions_eval_full) of every order, case, SKU and connection;
 *   page    a page of 100 changed orders (status or labels changed in one transaction, as a
 *           sync page does) re-evaluated through actions_eval_keys, the sync hook's call;
 * and prints the ratio full / page and the items per 100 orders (open items after the full
 * pass / N × 100: the noise budget of a normal shop). Then the settlement event: one order in
 * ten gets an expected settlement (1 in 50 of those delivered 20 days ago and unpaid: missing;
 * the rest delivered an hour ago: pending), the reconciliation runs (settle_reconcile) and the
 * action center evaluates what it changed (actions_eval_settlement, the call after every run);
 * and the daily brief (actions_brief, on the home page) is timed. SQLite in a temporary
 * folder, and PostgreSQL when AICOS_BENCH_PG_URL names an empty database.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/actions.h"
#include "base/parse.h"
#include "settlement/reconcile.h"
#include "store/db.h"
#include "store/migrate.h"

#define DAY  86400
#define CONN "bench-conn"
#define NOW  INT64_C(1800000000)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;

static int64_t rnd(int64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (int64_t)(rng % (uint64_t)n);
}

static void die(const char *what, const struct errbuf *eb, enum err e)
{
    fprintf(stderr, "actions_bench: %s: %s\n", what, errbuf_message(eb, e));
    exit(1);
}

static void run(struct db_conn *c, const char *sql, const struct db_param *p, size_t n)
{
    struct errbuf eb = {{0}, {0}};
    enum err e = db_exec(c, sql, p, n, NULL, &eb);
    if (e != ERR_OK)
        die(sql, &eb, e);
}

/* The status and labels of order i at NOW (the generated shop's mix). */
static void order_state(int64_t created, int64_t *status, const char **labels, int *abnormal)
{
    int64_t age = NOW - created;
    int64_t r = rnd(1000);
    *labels = "[]";
    *abnormal = 0;
    if (r < 40)
        *status = 3; /* cancelled */
    else if (age < 6 * 3600)
        *status = r < 500 ? 1 : 2;
    else if (age < 2 * DAY)
        *status = r < 900 ? 4 : 2; /* most ship in time; some still unshipped */
    else if (age < 8 * DAY)
        *status = r < 995 ? 4 : 2; /* a few late shipments */
    else
        *status = r < 990 ? 5 : 4; /* received; a few still in transit */
    if (rnd(200) == 0 && (*status == 1 || *status == 2))
        *labels = rnd(2) ? "[\"pending_buyer_cancellation\"]" : "[\"pending_risk_control_alert\"]";
    if (*status == 4 && rnd(300) == 0)
        *abnormal = 1;
}

static void seed_order(struct db_conn *c, int64_t i, int64_t created)
{
    char sn[48], data[600];
    int64_t status;
    const char *labels;
    int abnormal;
    order_state(created, &status, &labels, &abnormal);
    snprintf(sn, sizeof sn, "PO-211-%012lld", (long long)i);
    bool shipped = status == 4 || status == 5;
    snprintf(
        data, sizeof data,
        "{\"orderList\":[{\"orderSn\":\"%s-1\",\"orderShippingTime\":%lld,"
        "\"packageAbnormalTypeList\":[%s],\"packageSnInfo\":[%s],\"quantity\":1,\"skuId\":%lld}],"
        "\"parentOrderMap\":{\"expectShipLatestTime\":%lld,\"latestDeliveryTime\":%lld,"
        "\"parentOrderSn\":\"%s\",\"parentOrderStatus\":%lld}}",
        sn, (long long)(shipped ? created + DAY : 0), abnormal ? "\"LOST\"" : "",
        shipped ? "{\"packageSn\":\"PK\"}" : "", (long long)(1000 + i % 50),
        (long long)(created + 2 * DAY), (long long)(created + 10 * DAY), sn, (long long)status);
    struct db_param p[] = {DB_P_TEXT(CONN),
                           DB_P_TEXT(sn),
                           DB_P_INT(status),
                           DB_P_INT(created),
                           DB_P_INT(created + 2 * DAY),
                           DB_P_TEXT(labels),
                           DB_P_TEXT(data)};
    run(c,
        "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
        "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
        "synced_at) VALUES ($1, $2, $3, $4, $4, $5, $6, 211, 'h', $7, 0, 0)",
        p, 7);
    char child[64];
    snprintf(child, sizeof child, "%s-1", sn);
    struct db_param q[] = {DB_P_TEXT(CONN), DB_P_TEXT(child), DB_P_TEXT(sn), DB_P_INT(status),
                           DB_P_INT(1000 + i % 50)};
    run(c,
        "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
        "goods_id, sku_id, quantity) VALUES ($1, $2, $3, $4, 1, $5, 1)",
        q, 5);
}

static void seed(struct db *db, int64_t orders)
{
    struct errbuf eb = {{0}, {0}};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, &eb);
    if (e != ERR_OK)
        die("begin", &eb, e);
    struct db_param k[] = {DB_P_TEXT(CONN), DB_P_INT(NOW + 300 * DAY)};
    run(c,
        "INSERT INTO temu_connections (id, region, mall_id, seller_type, scopes_json, status, "
        "auth_mode, token_secret, authorized_by, authorized_at, expires_at, created_at, "
        "updated_at) VALUES ($1, 'us', 1, 'local', '[]', 'active', 'dev', 's', 'b', 0, $2, 0, 0)",
        k, 2);
    for (int64_t s = 0; s < 50; s++) {
        struct db_param p[] = {DB_P_TEXT(CONN), DB_P_INT(1000 + s), DB_P_INT(5000 + s * 7)};
        run(c,
            "INSERT INTO temu_product_skus (connection_id, sku_id, goods_id, out_sku_sn, "
            "spec_name, price, quantity, data) VALUES ($1, $2, 1, 's', 's', CAST($3 AS TEXT), "
            "100000, '{}')",
            p, 3);
    }
    run(c,
        "INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, out_goods_sn, "
        "cat_id, price, currency, quantity, content_hash, data, first_synced_at, synced_at) "
        "VALUES ($1, 1, 1, 'g', 'g', 1, '5000', 'USD', 5000000, 'h', '{}', 0, 0)",
        k, 1);
    for (int64_t i = 0; i < orders; i++)
        seed_order(c, i, NOW - 90 * DAY + (90 * DAY) * i / orders + rnd(600));
    e = db_commit(c, &eb);
    if (e != ERR_OK)
        die("commit", &eb, e);
    db_release(c);
}

/* Changes 100 orders (a sync page) and returns their keys in keys. */
static void change_page(struct db *db, int64_t orders, int round, char keys[100][48])
{
    struct errbuf eb = {{0}, {0}};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, &eb);
    for (int i = 0; e == ERR_OK && i < 100; i++) {
        int64_t n = orders - 1 - (int64_t)round * 100 - i; /* the newest orders move */
        snprintf(keys[i], 48, "PO-211-%012lld", (long long)n);
        struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(keys[i]),
                               DB_P_TEXT(i % 7 == 0 ? "[\"soon_to_be_overdue\"]" : "[]")};
        run(c,
            "UPDATE temu_orders SET labels = $3, update_time = update_time + 1 WHERE "
            "connection_id = $1 AND parent_order_sn = $2",
            p, 3);
    }
    e = e ? e : db_commit(c, &eb);
    if (e != ERR_OK)
        die("page", &eb, e);
    db_release(c);
}

static int64_t open_items(struct db *db)
{
    struct errbuf eb = {{0}, {0}};
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    enum err e =
        db_query(c, "SELECT COUNT(*) FROM action_items WHERE state = 'open'", NULL, 0, &r, &eb);
    int64_t n = e == ERR_OK ? db_rows_int_or(r, 0, 0, 0) : -1;
    db_rows_free(r);
    db_release(c);
    return n;
}

/* Expected settlements of every tenth order (1 in 50 of them missing), in one transaction. */
static void seed_settlement(struct db *db, int64_t orders)
{
    struct errbuf eb = {{0}, {0}};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, &eb);
    for (int64_t i = 0; e == ERR_OK && i < orders; i += 10) {
        char sn[48];
        snprintf(sn, sizeof sn, "PO-211-%012lld", (long long)i);
        int64_t delivered = (i / 10) % 50 == 0 ? NOW - 20 * DAY : NOW - 3600;
        struct db_param p[] = {DB_P_TEXT(sn), DB_P_TEXT(CONN), DB_P_INT(1000 + rnd(9000)),
                               DB_P_INT(delivered)};
        run(c,
            "INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
            "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES "
            "($1, $2, $3, 'USD', $4, $4, $4, 0, 'file', $4)",
            p, 4);
    }
    e = e ? e : db_commit(c, &eb);
    if (e != ERR_OK)
        die("settlement seed", &eb, e);
    db_release(c);
}

/* The settlement event and the brief (after the rounds). */
static void bench_settlement(struct db *db, const char *backend, int64_t orders)
{
    struct errbuf eb = {{0}, {0}};
    struct actions_stats st = {0};
    json_t *brief = NULL;
    seed_settlement(db, orders);
    double a = now_s();
    enum err e = settle_reconcile(db, NOW, NULL, &eb);
    double rec = now_s() - a;
    a = now_s();
    e = e ? e : actions_eval_settlement(db, NOW, &st, &eb);
    double ev = now_s() - a;
    a = now_s();
    e = e ? e : actions_brief(db, ROLE_SELLER_ADMIN, NOW, &brief, &eb);
    double br = now_s() - a;
    if (e != ERR_OK)
        die("settlement", &eb, e);
    json_decref(brief);
    printf("backend=%s settled_orders=%lld reconcile_s=%.3f eval_after_reconcile_s=%.3f "
           "eval_objects=%lld eval_opened=%lld brief_s=%.4f\n",
           backend, (long long)(orders + 9) / 10, rec, ev, (long long)st.objects,
           (long long)st.opened, br);
}

static void bench_backend(const char *backend, const char *url, int64_t orders, int64_t rounds)
{
    struct errbuf eb = {{0}, {0}};
    struct db *db = NULL;
    enum err e = db_open(url, 4, &db, &eb);
    e = e ? e : migrate_apply(db, NULL, &eb);
    if (e != ERR_OK)
        die("open", &eb, e);
    double t0 = now_s();
    seed(db, orders);
    printf("backend=%s orders=%lld seed_s=%.2f\n", backend, (long long)orders, now_s() - t0);
    for (int64_t r = 0; r < rounds; r++) {
        struct actions_stats st = {0};
        double a = now_s();
        e = actions_eval_full(db, NULL, NOW + r, &st, &eb);
        double full = now_s() - a;
        if (e != ERR_OK)
            die("full", &eb, e);
        int64_t items = open_items(db);
        char keys[100][48];
        const char *kp[100];
        change_page(db, orders, (int)r, keys);
        for (int i = 0; i < 100; i++)
            kp[i] = keys[i];
        struct actions_stats sp = {0};
        a = now_s();
        e = actions_eval_keys(db, CONN, ACTIONS_IN_ORDERS, kp, 100, NOW + r, &sp, &eb);
        double page = now_s() - a;
        if (e != ERR_OK)
            die("page", &eb, e);
        printf("backend=%s round=%lld full_s=%.3f page_s=%.4f ratio=%.0f full_objects=%lld "
               "page_objects=%lld open_items=%lld items_per_100_orders=%.2f page_opened=%lld\n",
               backend, (long long)r + 1, full, page, page > 0 ? full / page : 0,
               (long long)st.objects, (long long)sp.objects, (long long)items,
               100.0 * (double)items / (double)orders, (long long)sp.opened);
        fflush(stdout);
    }
    bench_settlement(db, backend, orders);
    db_close(db);
}

int main(int argc, char **argv)
{
    int64_t orders = 100000, rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        int64_t *dst = strcmp(argv[i], "--orders") == 0   ? &orders
                       : strcmp(argv[i], "--rounds") == 0 ? &rounds
                                                          : NULL;
        if (dst == NULL || parse_int64(argv[i + 1], 1, 10000000, dst) != ERR_OK) {
            fprintf(stderr, "usage: actions_bench [--orders N] [--rounds R]\n");
            return 2;
        }
    }
    char dir[] = "/tmp/actions-bench-XXXXXX", url[128];
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(url, sizeof url, "sqlite://%s/bench.db", dir);
    bench_backend("sqlite", url, orders, rounds);
    const char *pg = getenv("AICOS_BENCH_PG_URL");
    if (pg != NULL && *pg != '\0')
        bench_backend("postgresql", pg, orders, rounds);
    else
        printf("postgresql skipped: set AICOS_BENCH_PG_URL to an empty database's URL\n");
    return 0;
}
