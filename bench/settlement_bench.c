/*
 * settlement_bench [--lines N] [--orders N] [--rounds R]: the settlement import and the
 * reconciliation on SQLite (docs/benchmarks.md, "Settlement").
 *
 * Import: a Temu settlement export CSV of N lines is imported by settle_import_file() (header
 * detection, encoding check, money and Beijing-time parsing, provenance, one transaction,
 * totals) into a fresh database; the reference in the same run parses the same file with
 * libcsv and inserts the same rows' cells as text into a plain table of the same width in one
 * transaction through the same database layer (no parsing, no checks). Rounds alternate
 * (A R, R A, ...); each is timed by the wall clock (lines per second, the figure) and by the
 * process's CPU time (steadier on a shared machine: the disk waits are left out), and the
 * ratios' minimum, median and maximum close the table. Reconciliation: N orders with expected
 * amounts and one sale line each (one in ten with a refund), then settle_reconcile() timed
 * alone. The temporary folder is removed at the end.
 */
#include <csv.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/parse.h"
#include "settlement/import.h"
#include "settlement/reconcile.h"
#include "store/db.h"
#include "store/migrate.h"

static char tmpdir[256];

/* One timed run: lines per second by the wall clock and by CPU time. */
struct rate {
    double wall, cpu;
};

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct rate rate_of(long n, uint64_t wall0, uint64_t cpu0)
{
    struct rate r = {(double)n * 1e9 / (double)(clock_mono_ns() - wall0),
                     (double)n * 1e9 / (double)(cpu_ns() - cpu0)};
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* min / median / max of v[0..n) (sorted in place). */
static void print_spread(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("%s: min %.2f, median %.2f, max %.2f\n", what, v[0], v[n / 2], v[n - 1]);
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char path[600];
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

static struct db *bench_db(const char *name)
{
    char url[512], path[400];
    snprintf(path, sizeof path, "%s/%s.db", tmpdir, name);
    unlink(path);
    snprintf(url, sizeof url, "sqlite:%s", path);
    struct db *db = NULL;
    struct errbuf eb = {0};
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "settlement_bench: %s\n", eb.msg);
        exit(1);
    }
    return db;
}

static void write_lines(const char *path, long n, bool refunds)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        exit(1);
    fputs("订单编号,结算时间,币种,交易类型,结算金额\n", f);
    for (long i = 0; i < n; i++) {
        fprintf(f, "PO-211-%010ld,2026-10-%02ld 10:%02ld:00,USD,结算-交易收入,%ld.%02ld\n", i,
                1 + i % 28, i % 60, 10 + i % 90, i % 100);
        if (refunds && i % 10 == 0)
            fprintf(f, "PO-211-%010ld,2026-10-%02ld 11:00:00,USD,结算-售后退款,1.00\n", i,
                    1 + i % 28);
    }
    fclose(f);
}

static void write_orders(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        exit(1);
    fputs("order_sn,expected_amount,currency,ordered_at,pickup_at,delivered_at,"
          "after_sales_open\n",
          f);
    for (long i = 0; i < n; i++)
        fprintf(f, "PO-211-%010ld,%ld.%02ld,USD,1780000000,1780086400,1780300000,0\n", i,
                10 + i % 90, i % 100);
    fclose(f);
}

struct ref_ctx {
    struct db_conn *c;
    char cells[5][64];
    int col;
    long rows;
    bool failed;
};

static void ref_field(void *s, size_t len, void *data)
{
    struct ref_ctx *r = data;
    if (r->col < 5) {
        size_t n = len < 63 ? len : 63;
        memcpy(r->cells[r->col], s, n);
        r->cells[r->col][n] = '\0';
    }
    r->col++;
}

static void ref_row(int c, void *data)
{
    (void)c;
    struct ref_ctx *r = data;
    r->col = 0;
    if (r->rows++ == 0)
        return; /* the header */
    struct db_param p[] = {DB_P_TEXT(r->cells[0]), DB_P_TEXT(r->cells[1]), DB_P_TEXT(r->cells[2]),
                           DB_P_TEXT(r->cells[3]), DB_P_TEXT(r->cells[4]), DB_P_INT(r->rows)};
    struct errbuf eb = {0};
    if (db_exec(r->c, "INSERT INTO bench_ref (a, b, c, d, e, n) VALUES ($1,$2,$3,$4,$5,$6)", p, 6,
                NULL, &eb) != ERR_OK)
        r->failed = true;
}

/* The reference: libcsv parse + a plain bulk insert; lines per second. */
static struct rate run_reference(const char *path, long n)
{
    struct db *db = bench_db("ref");
    struct db_conn *c = db_acquire(db);
    struct errbuf eb = {0};
    if (db_exec_script(c,
                       "CREATE TABLE bench_ref (a TEXT, b TEXT, c TEXT, d TEXT, e TEXT, n BIGINT "
                       "PRIMARY KEY);",
                       &eb) != ERR_OK)
        exit(1);
    uint64_t t0 = clock_mono_ns(), c0 = cpu_ns();
    struct ref_ctx r = {.c = c};
    struct csv_parser p;
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t k;
    if (f == NULL || csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0 || db_begin(c, &eb) != ERR_OK)
        exit(1);
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        csv_parse(&p, buf, k, ref_field, ref_row, &r);
    csv_fini(&p, ref_field, ref_row, &r);
    csv_free(&p);
    fclose(f);
    if (r.failed || db_commit(c, &eb) != ERR_OK)
        exit(1);
    struct rate rt = rate_of(n, t0, c0);
    db_release(c);
    db_close(db);
    return rt;
}

static struct rate run_import(const char *path, long n)
{
    struct db *db = bench_db("imp");
    struct settle_import_opts o = {"bench.csv", NULL, NULL, "bench", 1800000000};
    struct settle_import_result r;
    struct errbuf eb = {0};
    uint64_t t0 = clock_mono_ns(), c0 = cpu_ns();
    if (settle_import_file(db, path, &o, &r, &eb) != ERR_OK || (long)r.lines != n) {
        fprintf(stderr, "settlement_bench: import: %s\n", eb.msg);
        exit(1);
    }
    struct rate rt = rate_of(n, t0, c0);
    settle_import_result_clear(&r);
    db_close(db);
    return rt;
}

static double run_reconcile(long orders)
{
    char a[400], b[400];
    snprintf(a, sizeof a, "%s/orders.csv", tmpdir);
    snprintf(b, sizeof b, "%s/rlines.csv", tmpdir);
    write_orders(a, orders);
    write_lines(b, orders, true);
    struct db *db = bench_db("rec");
    struct settle_import_opts o = {"x", NULL, NULL, "bench", 1800000000};
    struct settle_import_result r;
    struct errbuf eb = {0};
    if (settle_import_file(db, a, &o, &r, &eb) != ERR_OK)
        exit(1);
    settle_import_result_clear(&r);
    if (settle_import_file(db, b, &o, &r, &eb) != ERR_OK)
        exit(1);
    settle_import_result_clear(&r);
    struct settle_report rep;
    uint64_t t0 = clock_mono_ns();
    if (settle_reconcile(db, 1800000000, &rep, &eb) != ERR_OK) {
        fprintf(stderr, "settlement_bench: reconcile: %s\n", eb.msg);
        exit(1);
    }
    double s = (double)(clock_mono_ns() - t0) / 1e9;
    printf("reconcile: %ld orders, matched %lld, partial %lld in %.2f s\n", orders,
           (long long)rep.matched, (long long)rep.partial, s);
    db_close(db);
    return s;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"lines", required_argument, NULL, 'l'},
                                         {"orders", required_argument, NULL, 'o'},
                                         {"rounds", required_argument, NULL, 'r'},
                                         {0}};
    int64_t lines = 100000, orders = 100000, rounds = 3;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int64_t *dst = c == 'l' ? &lines : c == 'o' ? &orders : &rounds;
        if (c == '?' || parse_int64(optarg, 1, 10000000, dst) != ERR_OK) {
            fputs("usage: settlement_bench [--lines N] [--orders N] [--rounds R]\n", stderr);
            return 2;
        }
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/settle-bench-%ld", (long)getpid());
    if (mkdir(tmpdir, 0700) != 0)
        return 1;
    char path[400];
    snprintf(path, sizeof path, "%s/lines.csv", tmpdir);
    write_lines(path, lines, false);
    printf("| round | import lines/s | reference lines/s | import / reference | CPU: import / "
           "reference |\n|---|---|---|---|---|\n");
    double *wall = calloc((size_t)rounds, sizeof *wall), *cpu = calloc((size_t)rounds, sizeof *cpu);
    if (wall == NULL || cpu == NULL)
        return 1;
    for (int64_t i = 0; i < rounds; i++) {
        struct rate imp, ref;
        if (i % 2 == 0)
            imp = run_import(path, lines), ref = run_reference(path, lines);
        else
            ref = run_reference(path, lines), imp = run_import(path, lines);
        wall[i] = imp.wall / ref.wall;
        cpu[i] = imp.cpu / ref.cpu;
        printf("| %lld | %.0f | %.0f | %.2f | %.2f |\n", (long long)i + 1, imp.wall, ref.wall,
               wall[i], cpu[i]);
    }
    print_spread("import / reference (wall)", wall, (size_t)rounds);
    print_spread("import / reference (CPU)", cpu, (size_t)rounds);
    free(wall);
    free(cpu);
    for (int64_t i = 0; i < rounds; i++)
        run_reconcile(orders);
    remove_tmpdir();
    return 0;
}
