/*
 * The orders-list benchmark (issue 17, docs/benchmarks.md "Orders list"):
 *
 *   list_bench --db URL [--iters N] [--shape NAME]
 *
 * Runs query_orders_list_write() (src/sync/orders_list.c), the function behind GET /api/v1/orders
 * (the /orders page reads the same statements through query_orders_list()), on a database that
 * bench/run-list-bench filled with bench/list-gen.sql, for each shape a user asks: page 1, the last
 * page (by cursor), page 20 by number, a status, a connection, a common and a rare label, a ship-by
 * deadline, and searches by order-number prefix, sub-order number, goods id, SKU id and product
 * name. Each shape runs N times (default 200) after 5 untimed runs; one line per shape: shape=...
 * rows=... p50_us=... p99_us=... max_us=... (wall time of the call, from acquiring a connection to
 * the JSON text). --shape runs that one shape only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/jsonw.h"
#include "base/parse.h"
#include "store/db.h"
#include "sync/query.h"

#define BENCH_ITERS_MAX 100000

struct shape {
    const char *name;
    struct query_orders_args a;
    int last; /* 1: the last page, reached by a cursor built from the row before it */
};

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Points f's cursor at the row just before the last page of the unfiltered list. */
static int bench_last_cursor(struct db *db, struct query_orders_filter *f)
{
    struct db_rows *r = NULL;
    struct errbuf eb = {0};
    struct db_param p[] = {DB_P_INT(f->limit + 1)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT update_time, connection_id, parent_order_sn FROM temu_orders "
                          "ORDER BY update_time, parent_order_sn, connection_id LIMIT 1 OFFSET "
                          "CAST($1 AS BIGINT)",
                          p, 1, &r, &eb);
    db_release(c);
    if (e != ERR_OK || db_rows_count(r) != 1) {
        fprintf(stderr, "list_bench: no row for the last page: %s\n", errbuf_message(&eb, e));
        db_rows_free(r);
        return -1;
    }
    f->cursor_set = true;
    f->cursor_time = db_rows_int_or(r, 0, 0, 0);
    snprintf(f->cursor_conn, sizeof f->cursor_conn, "%s", db_rows_get(r, 0, 1));
    snprintf(f->cursor_sn, sizeof f->cursor_sn, "%s", db_rows_get(r, 0, 2));
    db_rows_free(r);
    return 0;
}

static int bench_shape(struct db *db, const struct shape *s, int64_t iters)
{
    struct query_orders_filter f;
    struct errbuf eb = {0};
    enum err e = query_orders_filter_parse(&s->a, &f, &eb);
    if (e == ERR_OK && s->last && bench_last_cursor(db, &f) != 0)
        return -1;
    double *t = calloc((size_t)iters, sizeof *t);
    size_t rows = 0;
    struct buf body = {0};
    for (int64_t i = -5; e == ERR_OK && t != NULL && i < iters; i++) {
        struct jsonw w;
        buf_reset(&body);
        jsonw_init(&w, &body);
        double t0 = bench_now();
        e = query_orders_list_write(db, &f, &w, &eb);
        if (i >= 0)
            t[i] = bench_now() - t0;
    }
    if (e == ERR_OK && t != NULL) { /* the rows of the last answer, untimed */
        json_t *doc = json_loads(body.data, 0, NULL);
        rows = json_array_size(json_object_get(doc, "orders"));
        json_decref(doc);
    }
    buf_free(&body);
    if (e != ERR_OK || t == NULL) {
        fprintf(stderr, "list_bench: %s: %s\n", s->name, errbuf_message(&eb, e));
        free(t);
        return -1;
    }
    qsort(t, (size_t)iters, sizeof *t, cmp_double);
    printf("shape=%s rows=%zu p50_us=%.0f p99_us=%.0f max_us=%.0f\n", s->name, rows, t[iters / 2],
           t[(iters * 99) / 100], t[iters - 1]);
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    const char *url = NULL, *only = NULL;
    int64_t iters = 200;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            url = argv[++i];
        } else if (strcmp(argv[i], "--shape") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
            if (parse_int64(argv[++i], 1, BENCH_ITERS_MAX, &iters) != ERR_OK) {
                fprintf(stderr, "list_bench: --iters must be 1..%d\n", BENCH_ITERS_MAX);
                return 2;
            }
        } else {
            fprintf(stdout, "usage: list_bench --db URL [--iters N] [--shape NAME]\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (url == NULL) {
        fprintf(stderr, "list_bench: --db URL is required\n");
        return 2;
    }
    struct db *db = NULL;
    struct errbuf eb = {0};
    enum err e = db_open(url, 1, &db, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "list_bench: %s\n", errbuf_message(&eb, e));
        return 1;
    }
    static const struct shape shapes[] = {
        {"page1", {.limit = "50"}, 0},
        {"last_page", {.limit = "50"}, 1},
        {"page20", {.limit = "50", .page = "20"}, 0},
        {"status", {.limit = "50", .status = "2"}, 0},
        {"connection", {.limit = "50", .connection_id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}, 0},
        {"label", {.limit = "50", .label = "past_due"}, 0},
        {"rare_label", {.limit = "50", .label = "rare_label"}, 0},
        {"ship_before", {.limit = "50", .ship_before = "1764700000"}, 0},
        {"q_order_prefix", {.limit = "50", .q = "po-211-10000"}, 0},
        {"q_suborder", {.limit = "50", .q = "211-100000071"}, 0},
        {"q_goods_id", {.limit = "50", .q = "600007"}, 0},
        {"q_sku_id", {.limit = "50", .q = "800015"}, 0},
        {"q_name", {.limit = "50", .q = "aurora"}, 0},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0] && rc == 0; i++)
        if (only == NULL || strcmp(only, shapes[i].name) == 0)
            rc = bench_shape(db, &shapes[i], iters) != 0;
    db_close(db);
    return rc;
}
