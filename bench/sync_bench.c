/*
 * The sync benchmark (issue 7, docs/benchmarks.md "Sync"):
 *
 *   sync_bench [--orders N] [--calls N] [--sandbox PATH]
 *
 * (1) Ingest: a temu-sandbox shop of N orders (default 20000) with no rate limit is synced
 *     from scratch by sync_run_stream() (orders stream, one transaction per page with its
 *     checkpoint, change detection, the shared budget at LIMIT_TEMU_RATE_MAX) into a fresh
 *     SQLite database, and into PostgreSQL when AICOS_BENCH_PG_URL names a reachable server
 *     (skipped with a message otherwise). Reported: orders per second, peak memory (max RSS of
 *     the process so far), and the same rows (parents and children, read back from the
 *     database) bulk-inserted into scratch tables in one transaction per page of 100 parents
 *     as the in-run reference, with the ratio engine / reference.
 * (2) Budget: the sandbox at 20 requests/s per app; two threads, each with its own client and
 *     per-process limiter (as two processes would be), share the database budget and make
 *     --calls order-list calls in all (default 160) with retries off. Reported: the achieved
 *     rate as a fraction of 20/s and the count of rate-limit answers (4000004).
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

#include "base/clock.h"
#include "base/config.h"
#include "base/parse.h"
#include "connect/connect.h"
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

static long bench_maxrss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* Bulk-inserts the synced rows again into scratch tables, one transaction per page. */
static enum err bench_reference(struct db *db, const char *conn, double *secs, int64_t *rows_out,
                                struct errbuf *eb)
{
    struct db_rows *par = NULL, *kid = NULL;
    struct db_param k[] = {DB_P_TEXT(conn)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec_script(
        c,
        "CREATE TABLE bench_orders (connection_id TEXT NOT NULL, parent_order_sn TEXT NOT NULL, "
        "status INTEGER NOT NULL, order_time BIGINT NOT NULL, update_time BIGINT NOT NULL, "
        "ship_by BIGINT NOT NULL, labels TEXT NOT NULL, region_id BIGINT NOT NULL, content_hash "
        "TEXT NOT NULL, data TEXT NOT NULL, first_synced_at BIGINT NOT NULL, synced_at BIGINT NOT "
        "NULL, PRIMARY KEY (connection_id, parent_order_sn));"
        "CREATE TABLE bench_order_items (connection_id TEXT NOT NULL, order_sn TEXT NOT NULL, "
        "parent_order_sn TEXT NOT NULL, status INTEGER NOT NULL, goods_id BIGINT NOT NULL, sku_id "
        "BIGINT NOT NULL, quantity BIGINT NOT NULL, data TEXT NOT NULL, PRIMARY KEY "
        "(connection_id, order_sn));",
        eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT parent_order_sn, status, order_time, update_time, ship_by, labels, "
                     "region_id, content_hash, data, first_synced_at, synced_at FROM temu_orders "
                     "WHERE connection_id = $1 ORDER BY parent_order_sn",
                     k, 1, &par, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT order_sn, parent_order_sn, status, goods_id, sku_id, quantity, data "
                     "FROM temu_order_items WHERE connection_id = $1 ORDER BY parent_order_sn",
                     k, 1, &kid, eb);
    if (e != ERR_OK)
        goto out;
    size_t np = db_rows_count(par), nk = db_rows_count(kid), ki = 0;
    uint64_t t0 = clock_mono_ns();
    for (size_t p0 = 0; p0 < np && e == ERR_OK; p0 += BENCH_PAGE) {
        size_t p1 = p0 + BENCH_PAGE < np ? p0 + BENCH_PAGE : np;
        e = db_begin(c, eb);
        for (size_t i = p0; i < p1 && e == ERR_OK; i++) {
            struct db_param p[12] = {DB_P_TEXT(conn)};
            for (size_t col = 0; col < 11; col++)
                p[col + 1] = DB_P_TEXT(db_rows_get(par, i, col));
            e = db_exec(c,
                        "INSERT INTO bench_orders VALUES ($1, $2, CAST($3 AS INTEGER), "
                        "CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($6 AS BIGINT), $7, "
                        "CAST($8 AS BIGINT), $9, $10, CAST($11 AS BIGINT), CAST($12 AS BIGINT))",
                        p, 12, NULL, eb);
            /* This parent's children (both lists are sorted by parent_order_sn). */
            const char *sn = db_rows_get(par, i, 0);
            for (; ki < nk && e == ERR_OK && strcmp(db_rows_get(kid, ki, 1), sn) <= 0; ki++) {
                struct db_param q[8] = {DB_P_TEXT(conn)};
                for (size_t col = 0; col < 7; col++)
                    q[col + 1] = DB_P_TEXT(db_rows_get(kid, ki, col));
                e = db_exec(c,
                            "INSERT INTO bench_order_items VALUES ($1, $2, $3, CAST($4 AS "
                            "INTEGER), CAST($5 AS BIGINT), CAST($6 AS BIGINT), CAST($7 AS "
                            "BIGINT), $8)",
                            q, 8, NULL, eb);
            }
        }
        if (e == ERR_OK)
            e = db_commit(c, eb);
        else
            db_rollback(c);
    }
    *secs = (double)(clock_mono_ns() - t0) / 1e9;
    *rows_out = (int64_t)np;
out:
    db_rows_free(par);
    db_rows_free(kid);
    db_release(c);
    return e;
}

/* Part 1 on one database URL. */
static bool bench_ingest(const char *label, const char *db_url, const struct sandbox *s)
{
    struct bench_cfg bc = {.rate = "1000"};
    struct bench_env b;
    struct errbuf eb = {0};
    snprintf(bc.db_url, sizeof bc.db_url, "%s", db_url);
    snprintf(bc.gateway, sizeof bc.gateway, "http://127.0.0.1:%u/openapi/router", s->port);
    if (!bench_env_open(&bc, s, &b))
        return false;
    struct sync_run_opts o = {.connection_id = b.conn,
                              .stream = SYNC_STREAM_ORDERS,
                              .since = (int64_t)time(NULL) - BENCH_SINCE_DAYS * SYNC_DAY_S,
                              .trigger = "cli"};
    struct sync_run_result r;
    uint64_t t0 = clock_mono_ns();
    enum err e = sync_run_stream(&b.env, &o, &r, &eb);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    long rss = bench_maxrss_kb();
    double ref_secs = 0;
    int64_t ref_rows = 0;
    if (e == ERR_OK)
        e = bench_reference(b.db, b.conn, &ref_secs, &ref_rows, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "sync_bench: %s ingest failed: %s\n", label, errbuf_message(&eb, e));
        bench_env_close(&b);
        return false;
    }
    double rate = secs > 0 ? (double)r.counts.added / secs : 0;
    double ref_rate = ref_secs > 0 ? (double)ref_rows / ref_secs : 0;
    printf("ingest %-10s orders=%lld pages=%lld time=%.2fs rate=%.0f orders/s peak_rss=%.1f MiB"
           " | reference bulk insert %.0f orders/s | ratio %.3f\n",
           label, (long long)r.counts.added, (long long)r.counts.pages, secs, rate,
           (double)rss / 1024.0, ref_rate, ref_rate > 0 ? rate / ref_rate : 0);
    bench_env_close(&b);
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
    int64_t calls = 160, n = 0;
    int rc = 1;
    struct sandbox s1 = {0}, s2 = {0};
    snprintf(sandbox_path, sizeof sandbox_path, "%s", argv[0]);
    char *slash = strrchr(sandbox_path, '/');
    if (slash != NULL)
        snprintf(slash, sizeof sandbox_path - (size_t)(slash - sandbox_path), "/../temu-sandbox");
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--orders") == 0 &&
            parse_int64(argv[i + 1], 100, BENCH_ORDERS_MAX, &n) == ERR_OK)
            orders = argv[i + 1];
        else if (strcmp(argv[i], "--calls") == 0 &&
                 parse_int64(argv[i + 1], BENCH_THREADS, BENCH_CALLS_MAX, &calls) == ERR_OK)
            continue;
        else if (strcmp(argv[i], "--sandbox") == 0)
            snprintf(sandbox_path, sizeof sandbox_path, "%s", argv[i + 1]);
        else {
            fprintf(stderr, "usage: sync_bench [--orders N] [--calls N] [--sandbox PATH]\n");
            return 2;
        }
    }
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return 1;
    if (!bench_sandbox_start(sandbox_path, orders, "0", &s1))
        goto out;
    snprintf(url, sizeof url, "sqlite:%s/ingest.db", dir);
    if (!bench_ingest("sqlite", url, &s1))
        goto out;
    const char *pg = getenv("AICOS_BENCH_PG_URL");
    if (pg == NULL || *pg == '\0')
        printf("ingest postgresql skipped: set AICOS_BENCH_PG_URL to an empty database's URL\n");
    else if (!bench_ingest("postgresql", pg, &s1))
        printf("ingest postgresql skipped: the server at AICOS_BENCH_PG_URL is not usable\n");
    bench_sandbox_stop(&s1);
    if (!bench_sandbox_start(sandbox_path, "200", "20", &s2))
        goto out;
    snprintf(url, sizeof url, "sqlite:%s/budget.db", dir);
    if (!bench_budget(url, &s2, (int)calls))
        goto out;
    rc = 0;
out:
    bench_sandbox_stop(&s1);
    bench_sandbox_stop(&s2);
    return rc;
}
