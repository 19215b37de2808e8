/*
 * The statement-cache benchmark (issue 17, docs/benchmarks.md "Store"):
 *
 *   store_bench [--statements N] [--rounds R] [--batch B]
 *
 * The same N parameterized statement pairs, an INSERT of one row then a SELECT of it by key,
 * run through db_exec()/db_query() twice per round: with the per-connection statement cache
 * (the default) and with db_set_stmt_cache(db, 0), the old path that compiles every statement
 * afresh (SQLite: sqlite3_prepare_v2 + finalize; PostgreSQL: PQexecParams, parsed and planned
 * by the server each time). Pairs run in transactions of B pairs (default 100, like a sync
 * page), so that the commit's fsync does not hide the statements. Rounds alternate the order
 * (cached first, then uncached first, ...) so both see the same background load.
 *
 * Runs on a fresh SQLite database in a temporary folder, and on PostgreSQL when
 * AICOS_BENCH_PG_URL names a reachable server (skipped with a message otherwise). Prints one
 * key=value line per run: backend, round, mode, statements, seconds, stmt_per_s,
 * client_cpu_us (this process's CPU per statement) and server_cpu_us (the PostgreSQL
 * backend's CPU per statement, read from /proc when the server runs on this machine; -1
 * otherwise).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/limits.h"
#include "base/parse.h"
#include "store/db.h"

#define BENCH_STATEMENTS_MAX 10000000
#define BENCH_ROUNDS_MAX     99
#define BENCH_BATCH_MAX      100000
#define BENCH_URL_MAX        1024

struct bench_opts {
    int64_t statements, rounds, batch;
};

static double bench_now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of process pid from /proc, or -1 when it cannot be read. */
static double bench_proc_cpu(long pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    const char *p = strrchr(line, ')');
    if (p == NULL)
        return -1;
    /* After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15. */
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* The PostgreSQL backend's pid of the pool's only connection, or 0. */
static long bench_backend_pid(struct db *db)
{
    if (db_kind(db) != DB_KIND_POSTGRES)
        return 0;
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    int64_t pid = 0;
    if (db_query(c, "SELECT pg_backend_pid()", NULL, 0, &r, NULL) != ERR_OK ||
        db_rows_int(r, 0, 0, &pid) != ERR_OK)
        pid = 0;
    db_rows_free(r);
    db_release(c);
    return bench_proc_cpu(pid) < 0 ? 0 : (long)pid;
}

/* One run: a fresh table, then the N pairs. Returns 0 on success. */
static int bench_run(struct db *db, const struct bench_opts *o, const char *backend, int round,
                     bool cached)
{
    struct errbuf eb = {0};
    db_set_stmt_cache(db, cached ? LIMIT_DB_STMT_CACHE : 0);
    long backend_pid = bench_backend_pid(db);
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec_script(c,
                                "DROP TABLE IF EXISTS bench_items; CREATE TABLE bench_items ("
                                "id BIGINT PRIMARY KEY, name TEXT NOT NULL, qty BIGINT NOT NULL)",
                                &eb);
    double w0 = bench_now(CLOCK_MONOTONIC), c0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
    double s0 = backend_pid ? bench_proc_cpu(backend_pid) : -1;
    for (int64_t i = 0; e == ERR_OK && i < o->statements; i++) {
        if (i % o->batch == 0 && (e = db_begin(c, &eb)) != ERR_OK)
            break;
        char name[32];
        snprintf(name, sizeof name, "item-%lld", (long long)i);
        struct db_param p[] = {DB_P_INT(i), DB_P_TEXT(name), DB_P_INT(i % 97)};
        e = db_exec(c, "INSERT INTO bench_items (id, name, qty) VALUES ($1, $2, $3)", p, 3, NULL,
                    &eb);
        struct db_rows *r = NULL;
        if (e == ERR_OK)
            e = db_query(c, "SELECT name, qty FROM bench_items WHERE id = $1", p, 1, &r, &eb);
        if (e == ERR_OK && (db_rows_count(r) != 1 || strcmp(db_rows_get(r, 0, 0), name) != 0))
            e = err_set(&eb, ERR_INTERNAL, "bench_mismatch", "row %lld read back wrong",
                        (long long)i);
        db_rows_free(r);
        if (e == ERR_OK && (i % o->batch == o->batch - 1 || i == o->statements - 1))
            e = db_commit(c, &eb);
    }
    double w1 = bench_now(CLOCK_MONOTONIC), c1 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
    double s1 = backend_pid ? bench_proc_cpu(backend_pid) : -1;
    struct db_stmt_stats st;
    db_conn_stmt_stats(c, &st);
    db_release(c);
    if (e != ERR_OK) {
        fprintf(stderr, "store_bench: %s: %s\n", backend, errbuf_message(&eb, e));
        return 1;
    }
    double stmts = (double)o->statements * 2;
    printf("backend=%s round=%d mode=%s statements=%.0f seconds=%.3f stmt_per_s=%.0f "
           "client_cpu_us=%.2f server_cpu_us=%.2f cache_hits=%llu\n",
           backend, round, cached ? "cached" : "uncached", stmts, w1 - w0, stmts / (w1 - w0),
           (c1 - c0) * 1e6 / stmts, s0 >= 0 && s1 >= 0 ? (s1 - s0) * 1e6 / stmts : -1.0,
           (unsigned long long)st.hits);
    fflush(stdout);
    return 0;
}

static int bench_backend(const char *url, const char *backend, const struct bench_opts *o)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    enum err e = db_open(url, 1, &db, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "store_bench: %s: %s\n", backend, errbuf_message(&eb, e));
        return 1;
    }
    int rc = 0;
    for (int r = 1; rc == 0 && r <= o->rounds; r++) {
        bool first = r % 2 == 1;
        rc = bench_run(db, o, backend, r, first);
        if (rc == 0)
            rc = bench_run(db, o, backend, r, !first);
    }
    db_close(db);
    return rc;
}

static int bench_usage(FILE *f)
{
    fputs("usage: store_bench [--statements N] [--rounds R] [--batch B]\n"
          "  N INSERT+SELECT pairs (default 20000) per run, cached and uncached, R rounds\n"
          "  (default 3), B pairs per transaction (default 100). SQLite always; PostgreSQL\n"
          "  when AICOS_BENCH_PG_URL is set.\n",
          f);
    return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    struct bench_opts o = {.statements = 20000, .rounds = 3, .batch = 100};
    for (int i = 1; i < argc; i++) {
        int64_t *dst = NULL, max = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return bench_usage(stdout);
        if (strcmp(argv[i], "--statements") == 0) {
            dst = &o.statements;
            max = BENCH_STATEMENTS_MAX;
        } else if (strcmp(argv[i], "--rounds") == 0) {
            dst = &o.rounds;
            max = BENCH_ROUNDS_MAX;
        } else if (strcmp(argv[i], "--batch") == 0) {
            dst = &o.batch;
            max = BENCH_BATCH_MAX;
        }
        if (dst == NULL || i + 1 >= argc || parse_int64(argv[i + 1], 1, max, dst) != ERR_OK) {
            fprintf(stderr, "store_bench: bad argument %s\n", argv[i]);
            return bench_usage(stderr);
        }
        i++;
    }
    char dir[] = "/tmp/aicos-store-bench.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("store_bench: mkdtemp");
        return 1;
    }
    char url[BENCH_URL_MAX], path[BENCH_URL_MAX / 2];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    int rc = bench_backend(url, "sqlite", &o);
    static const char *const files[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char file[BENCH_URL_MAX];
        snprintf(file, sizeof file, "%s%s", path, files[i]);
        unlink(file);
    }
    rmdir(dir);
    const char *pg = getenv("AICOS_BENCH_PG_URL");
    if (rc == 0 && pg != NULL && *pg != '\0')
        rc = bench_backend(pg, "postgres", &o);
    else if (rc == 0)
        fprintf(stderr, "store_bench: PostgreSQL skipped (AICOS_BENCH_PG_URL is not set)\n");
    return rc;
}
