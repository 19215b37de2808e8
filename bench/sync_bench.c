/*
 * The sync benchmark (issues 7 and 17, docs/benchmarks.md "Sync ingest"):
 *
 *   sync_bench [--orders N] [--rounds N] [--calls N] [--no-budget] [--keep]
 *              [--only engine|c-ref|py-ref] [--sandbox PATH]
 *
 * (1) Ingest: a temu-sandbox shop of N orders (default 20000) with no rate limit, synced
 *     from scratch into a fresh database per run by three programs doing the same work:
 *     the engine (sync_run_stream(): orders stream, its lease, budget, checkpoints, change
 *     detection), the fair C reference (ingest_ref.c: the same pages signed, fetched,
 *     parsed and stored as the same rows into the real schema with statements prepared once)
 *     and, on SQLite, the Python reference (ingest_ref.py, httpx + sqlite3, run as a child:
 *     its CPU comes from wait4()). --rounds rounds (default 3), the order alternating (E C P,
 *     P C E, ...). Per run: orders, pages, wall and CPU seconds (the sandbox is another
 *     process: not counted), database bytes added per order (SQLite: the file after a WAL
 *     checkpoint; PostgreSQL: pg_database_size). Then a table of min / median / max over the
 *     rounds of engine / reference in orders per second and per CPU-second. PostgreSQL runs
 *     when AICOS_BENCH_PG_URL names an empty database (its public schema is recreated for
 *     every run).
 * (2) Budget: the sandbox at 20 requests/s per app; two threads, each with its own client and
 *     per-process limiter (as two processes would be), share the database budget and make
 *     --calls order-list calls in all (default 160) with retries off. Reported: the achieved
 *     rate as a fraction of 20/s and the count of rate-limit answers (4000004). Off with
 *     --no-budget.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/parse.h"
#include "connect/connect.h"
#include "ingest_ref.h"
#include "store/db.h"
#include "store/migrate.h"
#include "sync/sync.h"
#include "temu/client.h"
#include "temu/credentials.h"
#include "vault/vault.h"

extern char **environ;

#define BENCH_START_MS   10000
#define BENCH_KEY_MAX    128
#define BENCH_PAGE       100 /* parents per reference transaction, like one sync page */
#define BENCH_THREADS    2
#define BENCH_LIMIT      20 /* the sandbox's requests per second in part 2 */
#define BENCH_ORDERS_MAX 1000000
#define BENCH_CALLS_MAX  10000
#define BENCH_SINCE_DAYS 400 /* backfill window: older than any sandbox order */
#define BENCH_URL_MAX    1024

struct sandbox {
    pid_t pid;
    unsigned port;
    char app_key[BENCH_KEY_MAX], app_secret[BENCH_KEY_MAX];
};

static unsigned bench_free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Copies the value after "name=" up to a space or newline into dst. */
static void bench_field(const char *text, const char *name, char *dst, size_t len)
{
    const char *p = strstr(text, name);
    dst[0] = '\0';
    if (p != NULL) {
        p += strlen(name);
        snprintf(dst, len, "%.*s", (int)strcspn(p, " \r\n"), p);
    }
}

/* Starts the sandbox with orders per shop and a rate limit; false with a message. */
static bool bench_sandbox_start(const char *path, const char *orders, const char *limit,
                                struct sandbox *s)
{
    int pfd[2];
    char listen[64], out[4096] = "";
    size_t used = 0;
    posix_spawn_file_actions_t fa;
    s->port = bench_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", s->port);
    char *argv[] = {(char *)path,  (char *)"--listen", listen,         (char *)"--rate-limit",
                    (char *)limit, (char *)"--seed",   (char *)"5",    (char *)"--shops",
                    (char *)"1",   (char *)"--orders", (char *)orders, NULL};
    if (s->port == 0 || pipe(pfd) != 0)
        return false;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    int rc = posix_spawn(&s->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        fprintf(stderr, "sync_bench: cannot start %s: %s\n", path, strerror(rc));
        close(pfd[0]);
        return false;
    }
    uint64_t deadline = clock_mono_ns() + (uint64_t)BENCH_START_MS * 1000000u;
    while (strstr(out, "listening") == NULL && clock_mono_ns() < deadline &&
           used + 1 < sizeof out) {
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(pfd[0], out + used, sizeof out - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        out[used] = '\0';
    }
    close(pfd[0]);
    bench_field(out, "app_key=", s->app_key, sizeof s->app_key);
    bench_field(out, "app_secret=", s->app_secret, sizeof s->app_secret);
    if (strstr(out, "listening") == NULL || s->app_key[0] == '\0' || s->app_secret[0] == '\0') {
        fprintf(stderr, "sync_bench: the sandbox did not start\n");
        return false;
    }
    return true;
}

static void bench_sandbox_stop(struct sandbox *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

/* The configuration the bench runs with (everything else at its default). */
struct bench_cfg {
    char db_url[BENCH_URL_MAX];
    char gateway[128];
    const char *rate;
};

static const char *bench_lookup(const char *name, void *ctx)
{
    const struct bench_cfg *b = ctx;
    if (strcmp(name, "AICOS_DATABASE_URL") == 0)
        return b->db_url;
    if (strcmp(name, "AICOS_TEMU_GATEWAY_URL") == 0)
        return b->gateway;
    if (strcmp(name, "AICOS_TEMU_RATE_LIMIT") == 0)
        return b->rate;
    if (strcmp(name, "AICOS_TEMU_MAX_RETRIES") == 0)
        return "0";
    return NULL;
}

/* An opened database with the app's credentials and one connection for the sandbox shop. */
struct bench_env {
    struct config cfg;
    struct db *db;
    struct vault *vault;
    struct connect_env env;
    char conn[CONNECT_ID_LEN + 1];
};

static void bench_env_close(struct bench_env *b)
{
    vault_free(b->vault);
    db_close(b->db);
    memset(b, 0, sizeof *b);
}

/* Mints a seller token through the sandbox's loopback admin API (with the client's libcurl). */
static bool bench_token(const struct sandbox *s, char *token, size_t len);

static bool bench_env_open(const struct bench_cfg *bc, const struct sandbox *s, struct bench_env *b)
{
    struct errbuf eb = {0};
    unsigned char key[32];
    char mk[VAULT_MASKED_MAX], ms[VAULT_MASKED_MAX], token[BENCH_KEY_MAX];
    struct connect_result res;
    struct temu_error te;
    memset(b, 0, sizeof *b);
    randombytes_buf(key, sizeof key);
    enum err e = config_load(&b->cfg, bench_lookup, (void *)bc, &eb);
    if (e == ERR_OK)
        e = db_open(b->cfg.database_url, 4, &b->db, &eb);
    if (e == ERR_OK)
        e = migrate_apply(b->db, NULL, &eb);
    if (e == ERR_OK)
        e = vault_open(b->db, key, &b->vault, &eb);
    b->env = (struct connect_env){.cfg = &b->cfg, .db = b->db, .vault = b->vault};
    if (e == ERR_OK)
        e = temu_credentials_store(b->vault, TEMU_REGION_US, s->app_key, s->app_secret, "bench", mk,
                                   ms, &eb);
    if (e == ERR_OK && !bench_token(s, token, sizeof token))
        e = err_set(&eb, ERR_UPSTREAM, NULL, "the sandbox minted no token");
    if (e == ERR_OK)
        e = connect_manual(&b->env, TEMU_REGION_US, token, NULL, "bench", (int64_t)time(NULL), &res,
                           &te, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "sync_bench: set-up failed: %s\n", errbuf_message(&eb, e));
        bench_env_close(b);
        return false;
    }
    snprintf(b->conn, sizeof b->conn, "%s", res.connection_id);
    return true;
}

static size_t bench_sink(char *data, size_t size, size_t n, void *ctx)
{
    struct buf *out = ctx;
    return buf_append(out, data, size * n) == ERR_OK ? size * n : 0;
}

static bool bench_token(const struct sandbox *s, char *token, size_t len)
{
    char url[96], body[BENCH_KEY_MAX + 32];
    struct buf ans = {.max = 1024 * 1024};
    long status = 0;
    CURL *h = curl_easy_init();
    snprintf(url, sizeof url, "http://127.0.0.1:%u/_sandbox/tokens", s->port);
    snprintf(body, sizeof body, "{\"app_key\":\"%s\"}", s->app_key);
    token[0] = '\0';
    if (h == NULL)
        return false;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ans);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    json_t *j = status == 200 ? json_loadb(ans.data, ans.len, 0, NULL) : NULL;
    const char *t = json_string_value(json_object_get(j, "accessToken"));
    snprintf(token, len, "%s", t != NULL ? t : "");
    json_decref(j);
    buf_free(&ans);
    curl_easy_cleanup(h);
    return token[0] != '\0';
}

/* ---- part 1: the engine against the fair C reference and the Python reference ---- */

enum who { WHO_ENGINE, WHO_CREF, WHO_PYREF, WHO_N };
static const char *const who_name[WHO_N] = {"engine", "c-ref", "py-ref"};

/* One timed run: orders stored, requests, wall and CPU seconds, database bytes added. */
struct run {
    int64_t orders, requests;
    double secs, cpu, bytes;
    char rows[17]; /* bench_rows_digest() of what it stored */
    bool done;
};

static double bench_cpu_self(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The database's size in bytes: the SQLite file after a checkpoint, or pg_database_size. */
static double bench_db_bytes(const char *url)
{
    double bytes = -1;
    if (strncmp(url, "sqlite:", 7) == 0) {
        sqlite3 *h = NULL;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open(url + 7, &h) == SQLITE_OK &&
            sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(h,
                               "SELECT page_count * page_size FROM pragma_page_count, "
                               "pragma_page_size",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            bytes = (double)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(h);
        return bytes;
    }
    PGconn *pg = PQconnectdb(url);
    PGresult *r = PQexec(pg, "SELECT pg_database_size(current_database())");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        bytes = strtod(PQgetvalue(r, 0, 0), NULL);
    PQclear(r);
    PQfinish(pg);
    return bytes;
}

/* What every program must have stored the same: the rows without their sync times. */
static const char *const bench_rows_sql[] = {
    "SELECT parent_order_sn, content_hash, data, labels, status, order_time, update_time, "
    "ship_by, region_id FROM temu_orders ORDER BY parent_order_sn",
    "SELECT order_sn, parent_order_sn, status, goods_id, sku_id, quantity, goods_name, spec "
    "FROM temu_order_items ORDER BY order_sn",
    "SELECT parent_order_sn, status, update_time FROM temu_order_status_history ORDER BY "
    "parent_order_sn, update_time, status",
};

/* A digest (16 hex characters) of the stored rows into out; "?" when unreadable. */
static void bench_rows_digest(const char *url, char out[17])
{
    unsigned char h[8];
    crypto_generichash_state st;
    bool ok = true;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    sqlite3 *lite = NULL;
    PGconn *pg = NULL;
    if (strncmp(url, "sqlite:", 7) == 0)
        ok = sqlite3_open(url + 7, &lite) == SQLITE_OK;
    else
        ok = PQstatus(pg = PQconnectdb(url)) == CONNECTION_OK;
    for (size_t q = 0; ok && q < sizeof bench_rows_sql / sizeof bench_rows_sql[0]; q++) {
        sqlite3_stmt *s = NULL;
        PGresult *r = NULL;
        if (lite != NULL) {
            ok = sqlite3_prepare_v2(lite, bench_rows_sql[q], -1, &s, NULL) == SQLITE_OK;
            while (ok && sqlite3_step(s) == SQLITE_ROW)
                for (int c = 0; c < sqlite3_column_count(s); c++) {
                    const unsigned char *v = sqlite3_column_text(s, c);
                    crypto_generichash_update(&st, v != NULL ? v : (const unsigned char *)"",
                                              (unsigned long long)sqlite3_column_bytes(s, c) + 1);
                }
            sqlite3_finalize(s);
            continue;
        }
        r = PQexec(pg, bench_rows_sql[q]);
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        for (int i = 0; ok && i < PQntuples(r); i++)
            for (int c = 0; c < PQnfields(r); c++)
                crypto_generichash_update(&st, (const unsigned char *)PQgetvalue(r, i, c),
                                          (unsigned long long)PQgetlength(r, i, c) + 1);
        PQclear(r);
    }
    sqlite3_close(lite);
    PQfinish(pg);
    crypto_generichash_final(&st, h, sizeof h);
    if (ok)
        sodium_bin2hex(out, 17, h, sizeof h);
    else
        snprintf(out, 17, "?");
}

/* A fresh database for one run: a new SQLite file, or the PostgreSQL schema emptied. */
static bool bench_db_fresh(const char *dir, const char *pg, const char *name, char *url, size_t len)
{
    if (pg == NULL) {
        snprintf(url, len, "sqlite:%s/%s.db", dir, name);
        return true;
    }
    snprintf(url, len, "%s", pg);
    PGconn *c = PQconnectdb(pg);
    PGresult *r = PQexec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* The sandbox's data range: its orders lie in the 90 days before today 00:00 UTC. */
static int64_t bench_since(void)
{
    int64_t now = (int64_t)time(NULL);
    return now - now % SYNC_DAY_S - 90 * SYNC_DAY_S;
}

static bool bench_run_engine(const char *url, const struct sandbox *s, struct run *out)
{
    struct bench_cfg bc = {.rate = "1000"};
    struct bench_env b;
    struct errbuf eb = {0};
    snprintf(bc.db_url, sizeof bc.db_url, "%s", url);
    snprintf(bc.gateway, sizeof bc.gateway, "http://127.0.0.1:%u/openapi/router", s->port);
    if (!bench_env_open(&bc, s, &b))
        return false;
    double before = bench_db_bytes(url);
    struct sync_run_opts o = {.connection_id = b.conn,
                              .stream = SYNC_STREAM_ORDERS,
                              .since = bench_since(),
                              .trigger = "cli"};
    struct sync_run_result r;
    double cpu0 = bench_cpu_self();
    uint64_t t0 = clock_mono_ns();
    enum err e = sync_run_stream(&b.env, &o, &r, &eb);
    out->secs = (double)(clock_mono_ns() - t0) / 1e9;
    out->cpu = bench_cpu_self() - cpu0;
    bench_env_close(&b);
    if (e != ERR_OK || strcmp(r.outcome, "success") != 0) {
        fprintf(stderr, "sync_bench: the engine's run failed: %s\n", errbuf_message(&eb, e));
        return false;
    }
    out->orders = r.counts.added;
    out->requests = r.counts.pages;
    out->bytes = bench_db_bytes(url) - before;
    return true;
}

/* Migrates url (untimed set-up of the references). */
static bool bench_migrate(const char *url)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    enum err e = db_open(url, 1, &db, &eb);
    if (e == ERR_OK)
        e = migrate_apply(db, NULL, &eb);
    db_close(db);
    if (e != ERR_OK)
        fprintf(stderr, "sync_bench: migrate: %s\n", errbuf_message(&eb, e));
    return e == ERR_OK;
}

static bool bench_run_cref(const char *url, const struct sandbox *s, struct run *out)
{
    char gateway[128], token[BENCH_KEY_MAX], err[512];
    struct ingest_ref_result r;
    if (!bench_migrate(url) || !bench_token(s, token, sizeof token))
        return false;
    snprintf(gateway, sizeof gateway, "http://127.0.0.1:%u/openapi/router", s->port);
    struct ingest_ref_opts o = {.gateway = gateway,
                                .app_key = s->app_key,
                                .app_secret = s->app_secret,
                                .token = token,
                                .db_url = url,
                                .connection_id = "0123456789abcdef0123456789abcdef",
                                .since = bench_since(),
                                .now = (int64_t)time(NULL)};
    double before = bench_db_bytes(url), cpu0 = bench_cpu_self();
    uint64_t t0 = clock_mono_ns();
    bool ok = ingest_ref_run(&o, &r, err, sizeof err);
    out->secs = (double)(clock_mono_ns() - t0) / 1e9;
    out->cpu = bench_cpu_self() - cpu0;
    if (!ok) {
        fprintf(stderr, "sync_bench: the C reference failed: %s\n", err);
        return false;
    }
    out->orders = r.orders;
    out->requests = r.requests;
    out->bytes = bench_db_bytes(url) - before;
    return true;
}

/* Runs argv, its output into out; CPU of the child from wait4(). */
static bool bench_spawn(char *const argv[], char *out, size_t len, double *cpu)
{
    int pfd[2];
    pid_t pid;
    size_t used = 0;
    posix_spawn_file_actions_t fa;
    if (pipe(pfd) != 0)
        return false;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    ssize_t n = 1;
    while (rc == 0 && used + 1 < len && (n = read(pfd[0], out + used, len - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(pfd[0]);
    int status = 0;
    struct rusage ru;
    if (rc != 0 || wait4(pid, &status, 0, &ru) != pid)
        return false;
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool bench_run_pyref(const char *dir, const char *url, const struct sandbox *s,
                            struct run *out)
{
    char gateway[128], token[BENCH_KEY_MAX], since[24], now[24], dict[BENCH_URL_MAX];
    char text[1024];
    size_t dict_len = 0;
    const char *bytes = sync_order_doc_dict(&dict_len);
    snprintf(dict, sizeof dict, "%s/order-doc.dict", dir);
    FILE *f = fopen(dict, "wb");
    bool ok = f != NULL && fwrite(bytes, 1, dict_len, f) == dict_len;
    if (f != NULL)
        fclose(f);
    if (!ok || !bench_migrate(url) || !bench_token(s, token, sizeof token))
        return false;
    snprintf(gateway, sizeof gateway, "http://127.0.0.1:%u/openapi/router", s->port);
    snprintf(since, sizeof since, "%lld", (long long)bench_since());
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    char *argv[] = {(char *)"/usr/bin/python3",
                    (char *)AICOS_BENCH_PYREF,
                    (char *)"--gateway",
                    gateway,
                    (char *)"--app-key",
                    (char *)s->app_key,
                    (char *)"--app-secret",
                    (char *)s->app_secret,
                    (char *)"--token",
                    token,
                    (char *)"--db",
                    (char *)url + 7,
                    (char *)"--connection",
                    (char *)"0123456789abcdef0123456789abcdef",
                    (char *)"--since",
                    since,
                    (char *)"--now",
                    now,
                    (char *)"--dict",
                    dict,
                    NULL};
    double before = bench_db_bytes(url);
    uint64_t t0 = clock_mono_ns();
    ok = bench_spawn(argv, text, sizeof text, &out->cpu);
    out->secs = (double)(clock_mono_ns() - t0) / 1e9;
    char orders[24], requests[24];
    bench_field(text, "orders=", orders, sizeof orders);
    bench_field(text, "requests=", requests, sizeof requests);
    if (!ok || parse_int64(orders, 0, INT64_MAX, &out->orders) != ERR_OK ||
        parse_int64(requests, 0, INT64_MAX, &out->requests) != ERR_OK) {
        fprintf(stderr, "sync_bench: the Python reference failed: %s\n", text);
        return false;
    }
    out->bytes = bench_db_bytes(url) - before;
    return true;
}
#define BENCH_ROUNDS_MAX 9

/* The rounds of one backend: [round][who]. */
struct backend {
    const char *label;
    const char *pg; /* NULL: SQLite */
    int rounds;
    struct run r[BENCH_ROUNDS_MAX][WHO_N];
};

static bool bench_keep;        /* --keep: leave the SQLite files for inspection */
static const char *bench_only; /* --only WHO: run one program (for a profiler) */

static void bench_unlink_db(const char *url)
{
    char path[BENCH_URL_MAX + 8];
    if (strncmp(url, "sqlite:", 7) != 0 || bench_keep)
        return;
    static const char *const tails[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", url + 7, tails[i]);
        unlink(path);
    }
}

static bool bench_one(const char *dir, const struct sandbox *s, struct backend *b, int round,
                      enum who w)
{
    char url[BENCH_URL_MAX], name[32];
    struct run *r = &b->r[round][w];
    snprintf(name, sizeof name, "%s-%d", who_name[w], round);
    if (!bench_db_fresh(dir, b->pg, name, url, sizeof url))
        return false;
    r->done = w == WHO_ENGINE ? bench_run_engine(url, s, r)
              : w == WHO_CREF ? bench_run_cref(url, s, r)
                              : bench_run_pyref(dir, url, s, r);
    if (r->done) {
        bench_rows_digest(url, r->rows);
        printf("run backend=%s round=%d who=%s orders=%lld pages=%lld secs=%.3f cpu=%.3f "
               "orders_per_s=%.0f orders_per_cpu_s=%.0f bytes_per_order=%.0f rows=%s\n",
               b->label, round + 1, who_name[w], (long long)r->orders, (long long)r->requests,
               r->secs, r->cpu, (double)r->orders / r->secs, (double)r->orders / r->cpu,
               r->bytes / (double)(r->orders > 0 ? r->orders : 1), r->rows);
    }
    fflush(stdout);
    bench_unlink_db(url);
    return r->done || w == WHO_PYREF; /* the Python reference is optional */
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* "min / **median** / max" of the rounds' ratio f(engine) / f(ref), or "n/a". */
static void bench_ratio(const struct backend *b, enum who ref, bool per_cpu, char *out, size_t len)
{
    double v[BENCH_ROUNDS_MAX];
    int n = 0;
    for (int i = 0; i < b->rounds; i++) {
        const struct run *e = &b->r[i][WHO_ENGINE], *r = &b->r[i][ref];
        if (!e->done || !r->done)
            continue;
        double fe = (double)e->orders / (per_cpu ? e->cpu : e->secs);
        double fr = (double)r->orders / (per_cpu ? r->cpu : r->secs);
        v[n++] = fe / fr;
    }
    if (n == 0) {
        snprintf(out, len, "n/a");
        return;
    }
    qsort(v, (size_t)n, sizeof v[0], bench_cmp);
    snprintf(out, len, "%.2f / **%.2f** / %.2f", v[0], v[n / 2], v[n - 1]);
}

/* The median over the rounds of who's orders/s (per_cpu: per CPU-s) or bytes per order. */
static double bench_median(const struct backend *b, enum who w, int what)
{
    double v[BENCH_ROUNDS_MAX];
    int n = 0;
    for (int i = 0; i < b->rounds; i++) {
        const struct run *r = &b->r[i][w];
        if (r->done)
            v[n++] = what == 0   ? (double)r->orders / r->secs
                     : what == 1 ? (double)r->orders / r->cpu
                                 : r->bytes / (double)(r->orders > 0 ? r->orders : 1);
    }
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof v[0], bench_cmp);
    return v[n / 2];
}

/* The median of what (see bench_median) as text, "n/a" without a run. */
static void bench_median_text(const struct backend *b, enum who w, int what, char *out, size_t len)
{
    double v = bench_median(b, w, what);
    if (v > 0)
        snprintf(out, len, "%.0f", v);
    else
        snprintf(out, len, "n/a");
}

/* Whether every run of b stored the same rows (the comparison is fair only then). */
static bool bench_same_rows(const struct backend *b)
{
    const char *first = NULL;
    for (int i = 0; i < b->rounds; i++)
        for (int w = 0; w < WHO_N; w++) {
            const struct run *r = &b->r[i][w];
            if (!r->done)
                continue;
            if (first == NULL)
                first = r->rows;
            else if (strcmp(first, r->rows) != 0 || strcmp(r->rows, "?") == 0)
                return false;
        }
    return true;
}

static void bench_table(const struct backend *b, int nb)
{
    printf("\n| database | orders/s engine / C ref / Python (medians) | engine / C ref, "
           "orders/s | engine / C ref, orders per CPU-s | engine / Python, orders per CPU-s | "
           "engine / Python, orders/s | database bytes per order, engine / C ref / Python |\n"
           "|---|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < nb; k++) {
        char c1[64], c2[64], p1[64], p2[64], m[6][24];
        bench_ratio(&b[k], WHO_CREF, false, c1, sizeof c1);
        bench_ratio(&b[k], WHO_CREF, true, c2, sizeof c2);
        bench_ratio(&b[k], WHO_PYREF, true, p1, sizeof p1);
        bench_ratio(&b[k], WHO_PYREF, false, p2, sizeof p2);
        for (int w = 0; w < WHO_N; w++) {
            bench_median_text(&b[k], (enum who)w, 0, m[w], sizeof m[w]);
            bench_median_text(&b[k], (enum who)w, 2, m[3 + w], sizeof m[3 + w]);
        }
        printf("| %s | %s / %s / %s | %s | %s | %s | %s | %s / %s / %s |\n", b[k].label, m[0], m[1],
               m[2], c1, c2, p1, p2, m[3], m[4], m[5]);
    }
    for (int k = 0; k < nb; k++)
        printf("\n%s: %s\n", b[k].label,
               bench_same_rows(&b[k])
                   ? "every run stored the same rows (orders with their hash and packed document, "
                     "sub-orders, history: a digest of every column but the sync times)."
                   : "THE RUNS STORED DIFFERENT ROWS: the comparison is not fair (rows= above).");
}

/* Part 1 on one backend: rounds alternating the order (E C P, P C E, …). */
static bool bench_ingest(const char *dir, const struct sandbox *s, struct backend *b)
{
    for (int i = 0; i < b->rounds; i++) {
        for (int k = 0; k < WHO_N; k++) {
            enum who w = (enum who)(i % 2 == 0 ? k : WHO_N - 1 - k);
            if ((w == WHO_PYREF && b->pg != NULL) ||
                (bench_only != NULL && strcmp(bench_only, who_name[w]) != 0))
                continue; /* the Python reference is SQLite's */
            if (!bench_one(dir, s, b, i, w))
                return false;
        }
    }
    return true;
}

/* Part 2: threads sharing the budget against the sandbox at BENCH_LIMIT requests/s. */
struct budget_thread {
    struct bench_env *b;
    int calls;
    int limited, failed;
    pthread_t t;
};

static void *bench_budget_main(void *arg)
{
    struct budget_thread *bt = arg;
    struct temu_client *cl = NULL;
    struct errbuf eb = {0};
    enum temu_region region = TEMU_REGION_US;
    char *token = NULL;
    size_t token_len = 0;
    if (connect_token_get(&bt->b->env, bt->b->conn, &region, &token, &token_len, &eb) != ERR_OK ||
        connect_client_new(&bt->b->env, region, token, &cl, &eb) != ERR_OK) {
        bt->failed = bt->calls;
        goto out;
    }
    struct sync_budget budget = {.db = bt->b->db,
                                 .app_key = temu_client_app_key(cl),
                                 .rate = (uint32_t)bt->b->cfg.temu_rate_limit};
    temu_client_set_acquire(cl, sync_budget_acquire, &budget);
    json_t *params = json_pack("{s:i, s:i}", "pageNumber", 1, "pageSize", 10);
    for (int i = 0; i < bt->calls; i++) {
        struct temu_result r = {0};
        struct temu_error te;
        if (temu_client_call(cl, "bg.order.list.v2.get", params, &r, &te) != ERR_OK) {
            bt->limited += te.code == 4000004;
            bt->failed++;
        }
        temu_result_clear(&r);
    }
    json_decref(params);
out:
    if (token != NULL)
        vault_secret_free(token, token_len);
    temu_client_free(cl);
    return NULL;
}

static bool bench_budget(const char *db_url, const struct sandbox *s, int calls)
{
    struct bench_cfg bc = {.rate = "20"};
    struct bench_env b;
    struct budget_thread th[BENCH_THREADS];
    snprintf(bc.db_url, sizeof bc.db_url, "%s", db_url);
    snprintf(bc.gateway, sizeof bc.gateway, "http://127.0.0.1:%u/openapi/router", s->port);
    if (!bench_env_open(&bc, s, &b))
        return false;
    /* Let the sandbox's current second (used by the set-up calls) pass. */
    struct timespec pause = {1, 100000000L};
    nanosleep(&pause, NULL);
    uint64_t t0 = clock_mono_ns();
    for (int i = 0; i < BENCH_THREADS; i++) {
        th[i] = (struct budget_thread){.b = &b, .calls = calls / BENCH_THREADS};
        pthread_create(&th[i].t, NULL, bench_budget_main, &th[i]);
    }
    int limited = 0, failed = 0, total = 0;
    for (int i = 0; i < BENCH_THREADS; i++) {
        pthread_join(th[i].t, NULL);
        limited += th[i].limited;
        failed += th[i].failed;
        total += th[i].calls;
    }
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    double rate = secs > 0 ? (double)total / secs : 0;
    printf("budget     calls=%d threads=%d time=%.2fs rate=%.2f/s limit=%d/s fraction=%.3f "
           "rate_limit_errors=%d other_failures=%d\n",
           total, BENCH_THREADS, secs, rate, BENCH_LIMIT, rate / BENCH_LIMIT, limited,
           failed - limited);
    bench_env_close(&b);
    return true;
}

int main(int argc, char **argv)
{
    char sandbox_path[BENCH_URL_MAX], url[BENCH_URL_MAX], dir[] = "/tmp/aicos-sync-bench-XXXXXX";
    const char *orders = "20000";
    int64_t calls = 160, n = 0, rounds = 3;
    int rc = 1, nb = 1;
    bool budget = true;
    struct sandbox s1 = {0}, s2 = {0};
    static struct backend b[2];
    snprintf(sandbox_path, sizeof sandbox_path, "%s", argv[0]);
    char *slash = strrchr(sandbox_path, '/');
    if (slash != NULL)
        snprintf(slash, sizeof sandbox_path - (size_t)(slash - sandbox_path), "/../temu-sandbox");
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--no-budget") == 0 || strcmp(argv[i], "--keep") == 0) {
            budget = budget && strcmp(argv[i], "--no-budget") != 0;
            bench_keep = bench_keep || strcmp(argv[i], "--keep") == 0;
            i--;
        } else if (i + 1 < argc && strcmp(argv[i], "--orders") == 0 &&
                   parse_int64(argv[i + 1], 100, BENCH_ORDERS_MAX, &n) == ERR_OK)
            orders = argv[i + 1];
        else if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0 &&
                 parse_int64(argv[i + 1], 1, BENCH_ROUNDS_MAX, &rounds) == ERR_OK)
            continue;
        else if (i + 1 < argc && strcmp(argv[i], "--calls") == 0 &&
                 parse_int64(argv[i + 1], BENCH_THREADS, BENCH_CALLS_MAX, &calls) == ERR_OK)
            continue;
        else if (i + 1 < argc && strcmp(argv[i], "--only") == 0)
            bench_only = argv[i + 1];
        else if (i + 1 < argc && strcmp(argv[i], "--sandbox") == 0)
            snprintf(sandbox_path, sizeof sandbox_path, "%s", argv[i + 1]);
        else {
            fprintf(stderr,
                    "usage: sync_bench [--orders N] [--rounds N] [--calls N] "
                    "[--no-budget] [--keep] [--only engine|c-ref|py-ref] [--sandbox PATH]\n");
            return 2;
        }
    }
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return 1;
    if (!bench_sandbox_start(sandbox_path, orders, "0", &s1))
        goto out;
    b[0] = (struct backend){.label = "SQLite", .rounds = (int)rounds};
    if (!bench_ingest(dir, &s1, &b[0]))
        goto out;
    const char *pg = getenv("AICOS_BENCH_PG_URL");
    if (pg == NULL || *pg == '\0') {
        printf("ingest postgresql skipped: set AICOS_BENCH_PG_URL to an empty database's URL\n");
    } else {
        b[1] = (struct backend){.label = "PostgreSQL", .pg = pg, .rounds = (int)rounds};
        if (!bench_ingest(dir, &s1, &b[1]))
            goto out;
        nb = 2;
    }
    bench_table(b, nb);
    bench_sandbox_stop(&s1);
    if (budget) {
        if (!bench_sandbox_start(sandbox_path, "200", "20", &s2))
            goto out;
        snprintf(url, sizeof url, "sqlite:%s/budget.db", dir);
        if (!bench_budget(url, &s2, (int)calls))
            goto out;
    }
    rc = 0;
out:
    bench_sandbox_stop(&s1);
    bench_sandbox_stop(&s2);
    snprintf(url, sizeof url, "sqlite:%s/budget.db", dir);
    bench_unlink_db(url);
    snprintf(url, sizeof url, "%s/order-doc.dict", dir);
    unlink(url);
    if (!bench_keep)
        rmdir(dir);
    else
        printf("kept: %s\n", dir);
    return rc;
}
