/*
 * Integration: the payout provider's API import against the real payout-sandbox (the Airwallex
 * emulator) on a free loopback port, through the real `aicos settlement airwallex` commands,
 * on SQLite and PostgreSQL: credential checks, a full sync equal to the emulator's ledger and
 * a re-sync that stores nothing, money in minor units with the FX rate kept as text, the query
 * API the reconciliation calls, pagination over many pages, a token that expires mid-sync,
 * 429 with Retry-After, 5xx and malformed answers (retried, or a clear failure that leaves
 * what was stored), refused credentials, and kill -9 during a sync losing nothing.
 */
#include "testsupport.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "settlement/payout.h"
#include "store/db.h"

#define CID "test-client-0001"
#define KEY "test-key-0123456789abcdef"

struct px {
    struct ts_proc sbx;
    unsigned port;
    char *dir;
    char db_url[512];
    char env_db[600], env_key[TS_PATH_MAX + 32], env_url[96];
    char *env[6];
};

static pid_t px_live;

static int px_teardown(void **state)
{
    (void)state;
    if (px_live > 0) {
        struct ts_proc p = {.pid = px_live};
        ts_stop(&p, SIGKILL, 5000);
    }
    px_live = 0;
    return 0;
}

/* Writes text to dir/name with mode; returns the path (static). */
static const char *px_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    static char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
    return path;
}

/* Starts the emulator with payouts credits, a fresh database (migrated) and the CLI's env. */
static void px_start(struct px *p, const char *name, const char *payouts)
{
    const char *bin = getenv("PAYOUT_SANDBOX_BIN");
    assert_non_null(bin);
    memset(p, 0, sizeof *p);
    p->dir = ts_tmpdir("payout");
    p->port = ts_free_port();
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", p->port);
    char cred[TS_PATH_MAX];
    snprintf(cred, sizeof cred, "%s", px_file(p->dir, "cred", CID " " KEY "\n", 0600));
    char *argv[] = {(char *)bin,
                    (char *)"--listen",
                    listen,
                    (char *)"--seed",
                    (char *)"3",
                    (char *)"--payouts",
                    (char *)payouts,
                    (char *)"--credentials-file",
                    cred,
                    NULL};
    ts_spawn(p->dir, argv, NULL, &p->sbx);
    px_live = p->sbx.pid;
    bool up = false;
    for (int waited = 0; waited < 20000 && !up; waited += 20) {
        char *out = ts_read_file(p->sbx.out_path);
        up = ts_contains(out, "payout-sandbox listening on http://127.0.0.1:");
        free(out);
        if (!up && ts_wait(&p->sbx, 0) >= 0)
            fail_msg("payout-sandbox exited early");
        if (!up)
            ts_sleep_ms(20);
    }
    assert_true(up);
    ts_fresh_db_url(name, p->db_url, sizeof p->db_url);
    snprintf(p->env_db, sizeof p->env_db, "AICOS_DATABASE_URL=%s", p->db_url);
    ts_master_key_file(p->dir, p->env_key, sizeof p->env_key);
    snprintf(p->env_url, sizeof p->env_url, "AICOS_AIRWALLEX_URL=http://127.0.0.1:%u", p->port);
    char *env[] = {p->env_db, p->env_key, p->env_url, (char *)"AICOS_LOG_LEVEL=warn", NULL};
    memcpy(p->env, env, sizeof env);
    char *mig[] = {(char *)"migrate", NULL};
    assert_int_equal(ts_aicos_run(mig, p->env, NULL, NULL), 0);
}

static void px_stop(struct px *p)
{
    ts_stop(&p->sbx, SIGTERM, 5000);
    px_live = 0;
    free(p->dir);
}

/* Runs aicos args with the test's env; returns the exit status, out/err (free them) if asked. */
static int px_run(struct px *p, char **out, char **err, const char *a1, const char *a2,
                  const char *a3, const char *a4, const char *a5)
{
    char *args[] = {(char *)"settlement", (char *)"airwallex", (char *)a1, (char *)a2,
                    (char *)a3,           (char *)a4,          (char *)a5, NULL};
    return ts_aicos_run(args, p->env, out, err);
}

/* A POST to the emulator's admin API; fails the test unless it answers 200. */
static void px_admin(struct px *p, const char *path, const char *body)
{
    struct ts_http_resp r;
    assert_true(ts_http(p->port, "POST", path, "application/json", body, &r));
    if (r.status != 200)
        fail_msg("%s: %d %s", path, r.status, r.body);
    ts_http_free(&r);
}

/* settlements + history of the emulator's ledger. */
static long long px_ledger(struct px *p)
{
    struct ts_http_resp r;
    assert_true(ts_http(p->port, "GET", "/_sandbox/ledger", NULL, NULL, &r));
    json_t *o = json_loads(r.body, 0, NULL);
    assert_non_null(o);
    long long n = json_integer_value(json_object_get(o, "settlements")) +
                  json_integer_value(json_object_get(o, "history"));
    json_decref(o);
    ts_http_free(&r);
    return n;
}

static long long px_count(struct px *p)
{
    return ts_db_int(p->db_url, "SELECT COUNT(*) FROM payout_credits");
}

/* Stores the right credential. */
static void px_credential(struct px *p)
{
    const char *key = px_file(p->dir, "key", KEY "\n", 0600);
    char *out = NULL;
    assert_int_equal(
        px_run(p, &out, NULL, "set-credential", "--client-id", CID, "--api-key-file", key), 0);
    assert_true(ts_contains(out, "stored the Airwallex credential"));
    assert_false(ts_contains(out, KEY));
    free(out);
}

/* A sync from 2026-09-01 that must succeed; returns its summary line (free it). */
static char *px_sync_ok(struct px *p, const char *page_size)
{
    char *out = NULL, *err = NULL;
    int rc = px_run(p, &out, &err, "sync", "--since", "2026-09-01", "--page-size", page_size);
    if (rc != 0)
        fail_msg("sync exit %d: %s %s", rc, out, err);
    free(err);
    return out;
}

static void test_credential_and_full_sync(void **state)
{
    (void)state;
    struct px p;
    px_start(&p, "payout_full", "40");
    char *out = NULL, *err = NULL;
    /* Without a credential: status says so, sync refuses with the way out. */
    assert_int_equal(px_run(&p, &out, NULL, "status", NULL, NULL, NULL, NULL), 0);
    assert_true(ts_contains(out, "\"credential\": false"));
    free(out);
    assert_int_equal(px_run(&p, NULL, &err, "sync", NULL, NULL, NULL, NULL), 1);
    assert_true(ts_contains(err, "set-credential"));
    free(err);
    /* Bad credential input changes nothing. */
    const char *open_key = px_file(p.dir, "open", KEY "\n", 0644);
    assert_int_equal(
        px_run(&p, NULL, &err, "set-credential", "--client-id", CID, "--api-key-file", open_key),
        2);
    assert_true(ts_contains(err, "chmod 600"));
    free(err);
    const char *spaced = px_file(p.dir, "spaced", "two words\n", 0600);
    assert_int_equal(
        px_run(&p, NULL, &err, "set-credential", "--client-id", CID, "--api-key-file", spaced), 2);
    assert_true(ts_contains(err, "API key"));
    free(err);
    assert_int_equal(ts_db_int(p.db_url, "SELECT COUNT(*) FROM secrets"), 0);
    assert_int_equal(px_run(&p, NULL, &err, "sync", "--since", "yesterday", NULL, NULL), 2);
    free(err);
    /* A credit with chosen values: CNY 5200.00 converted at 0.1404. */
    px_admin(&p, "/_sandbox/credits",
             "{\"currency\":\"CNY\",\"amount\":\"5200.00\",\"fee\":\"1.50\",\"reference\":"
             "\"TEMU WD TEST-1\",\"created_at\":1790000000,\"settled_at\":1790400000,"
             "\"rate\":\"0.1404\"}");
    px_credential(&p);
    out = px_sync_ok(&p, "7");
    assert_true(ts_contains(out, "logins 1,")); /* the token is cached for the whole run */
    free(out);
    long long total = px_ledger(&p);
    assert_int_equal(px_count(&p), total);
    /* Again: the same credits, nothing stored twice. */
    out = px_sync_ok(&p, "100");
    assert_true(ts_contains(out, "stored 0,"));
    free(out);
    assert_int_equal(px_count(&p), total);
    assert_int_equal(ts_db_int(p.db_url, "SELECT amount_minor FROM payout_credits WHERE "
                                         "feed = 'history' AND reference = 'TEMU WD TEST-1'"),
                     520000);
    assert_int_equal(ts_db_int(p.db_url, "SELECT COUNT(*) FROM payout_credits WHERE feed = "
                                         "'settlements' AND amount_minor = 520000 AND "
                                         "fee_minor = 150 AND currency = 'CNY' AND status = "
                                         "'SETTLED' AND settled_at = 1790400000"),
                     1);
    /* The query API of the reconciliation: the conversion into USD with its rate. */
    struct db *db = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(db_open(p.db_url, 1, &db, &eb), ERR_OK);
    bool present = false;
    assert_int_equal(payout_credential_present(db, &present, &eb), ERR_OK);
    assert_true(present);
    struct payout_credits_filter f = {
        .since = 1790400000, .until = 1790400000 + 7200, .currency = "USD", .feed = "history"};
    struct payout_credit *list = NULL;
    size_t n = 0;
    assert_int_equal(payout_credits_list(db, &f, &list, &n, &eb), ERR_OK);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found = found || (list[i].line.amount.minor == 73008 &&
                          strcmp(list[i].line.fx_rate, "0.1404") == 0 &&
                          strcmp(list[i].line.kind, "conversion") == 0);
    assert_true(found);
    free(list);
    struct payout_credits_filter pend = {
        .include_pending = true, .feed = "settlements", .since = INT64_MAX - 1};
    assert_int_equal(payout_credits_list(db, &pend, &list, &n, &eb), ERR_OK);
    assert_true(n >= 3); /* the last credits of each series are still PENDING */
    for (size_t i = 0; i < n; i++)
        assert_string_equal(list[i].line.status, "PENDING");
    free(list);
    db_close(db);
    assert_int_equal(px_run(&p, &out, NULL, "status", NULL, NULL, NULL, NULL), 0);
    assert_true(ts_contains(out, "\"credential\": true"));
    assert_true(ts_contains(out, "settlements:EUR"));
    assert_true(ts_contains(out, "\"last_error\": \"\""));
    free(out);
    px_stop(&p);
}

static void test_token_expiry_and_429(void **state)
{
    (void)state;
    struct px p;
    px_start(&p, "payout_token", "60");
    px_credential(&p);
    /* Every token dies after 5 data calls: the sync logs in again and goes on. */
    px_admin(&p, "/_sandbox/tokens/expire", "{\"after\":5}");
    px_admin(&p, "/_sandbox/throttle", "{\"count\":2}"); /* then two answers of 429 */
    char *out = px_sync_ok(&p, "5");
    assert_false(ts_contains(out, "logins 1,"));
    assert_false(ts_contains(out, "retries 0)"));
    free(out);
    assert_int_equal(px_count(&p), px_ledger(&p));
    px_stop(&p);
}

static void test_faults(void **state)
{
    (void)state;
    struct px p;
    px_start(&p, "payout_faults", "30");
    px_credential(&p);
    /* Two 503s and one garbled body: retried, complete. */
    px_admin(&p, "/_sandbox/faults", "{\"kind\":\"http\",\"status\":503,\"count\":2}");
    px_admin(&p, "/_sandbox/faults", "{\"kind\":\"malformed\",\"count\":1}");
    char *out = px_sync_ok(&p, "10");
    free(out);
    long long total = px_ledger(&p);
    assert_int_equal(px_count(&p), total);
    /* A new credit, then a provider that only fails: a clear error, nothing lost or half. */
    char late[256];
    long long now = (long long)time(NULL);
    snprintf(late, sizeof late,
             "{\"currency\":\"USD\",\"amount\":\"10.00\",\"reference\":\"late\","
             "\"created_at\":%lld,\"settled_at\":%lld}",
             now - 86400, now - 3600);
    px_admin(&p, "/_sandbox/credits", late);
    const char *kinds[] = {"{\"kind\":\"http\",\"status\":500}", "{\"kind\":\"malformed\"}",
                           "{\"kind\":\"truncated\"}"};
    const char *why[] = {"did not answer", "malformed", "malformed"};
    for (size_t i = 0; i < 3; i++) {
        struct ts_http_resp r;
        assert_true(ts_http(p.port, "DELETE", "/_sandbox/faults", NULL, NULL, &r));
        ts_http_free(&r);
        px_admin(&p, "/_sandbox/faults", kinds[i]);
        char *err = NULL;
        assert_int_equal(px_run(&p, NULL, &err, "sync", "--page-size", "10", NULL, NULL), 1);
        if (!ts_contains(err, why[i]))
            fail_msg("%s: %s", kinds[i], err);
        free(err);
        assert_int_equal(px_count(&p), total);
        assert_int_equal(ts_db_int(p.db_url, "SELECT COUNT(*) FROM payout_sync_state WHERE "
                                             "last_error <> ''"),
                         1);
    }
    struct ts_http_resp r;
    assert_true(ts_http(p.port, "DELETE", "/_sandbox/faults", NULL, NULL, &r));
    ts_http_free(&r);
    out = px_sync_ok(&p, "10");
    free(out);
    assert_int_equal(px_count(&p), total + 2); /* the settlement and its deposit */
    assert_int_equal(ts_db_int(p.db_url, "SELECT COUNT(*) FROM payout_sync_state WHERE "
                                         "last_error <> ''"),
                     0);
    /* A wrong API key: refused, said so. */
    const char *bad = px_file(p.dir, "bad", "wrong-key\n", 0600);
    assert_int_equal(
        px_run(&p, NULL, NULL, "set-credential", "--client-id", CID, "--api-key-file", bad), 0);
    char *err = NULL;
    assert_int_equal(px_run(&p, NULL, &err, "sync", NULL, NULL, NULL, NULL), 1);
    assert_true(ts_contains(err, "refused the client id or API key"));
    free(err);
    px_stop(&p);
}

static void test_kill_during_sync(void **state)
{
    (void)state;
    struct px p;
    px_start(&p, "payout_kill", "400");
    px_credential(&p);
    px_admin(&p, "/_sandbox/faults", "{\"kind\":\"latency\",\"latency_ms\":40}");
    char *args[] = {getenv("AICOS_BIN"),   (char *)"settlement", (char *)"airwallex",
                    (char *)"sync",        (char *)"--since",    (char *)"2026-09-01",
                    (char *)"--page-size", (char *)"3",          NULL};
    struct ts_proc run;
    ts_spawn(p.dir, args, p.env, &run);
    long long seen = 0;
    for (int i = 0; i < 3000 && seen == 0; i++) { /* until some pages are stored */
        ts_sleep_ms(10);
        seen = px_count(&p);
    }
    assert_true(seen > 0);
    ts_stop(&run, SIGKILL, 5000);
    long long total = px_ledger(&p);
    assert_true(px_count(&p) < total); /* it was stopped mid-way */
    struct ts_http_resp r;
    assert_true(ts_http(p.port, "DELETE", "/_sandbox/faults", NULL, NULL, &r));
    ts_http_free(&r);
    /* The next run (the dead holder's lease is taken over) finishes: nothing lost, no twice. */
    char *out = px_sync_ok(&p, "50");
    free(out);
    assert_int_equal(px_count(&p), total);
    px_stop(&p);
}

static void test_scheduled_worker(void **state)
{
    (void)state;
    struct px p;
    px_start(&p, "payout_worker", "30");
    px_credential(&p);
    char *env[] = {p.env_db,
                   p.env_key,
                   p.env_url,
                   (char *)"AICOS_LOG_LEVEL=warn",
                   (char *)"AICOS_PAYOUT_SYNC_INTERVAL_S=1",
                   NULL};
    char *args[] = {getenv("AICOS_BIN"), (char *)"worker", NULL};
    struct ts_proc w;
    ts_spawn(p.dir, args, env, &w);
    long long total = px_ledger(&p), seen = 0;
    for (int i = 0; i < 6000 && seen < total; i++) { /* the worker's first turn, then each */
        ts_sleep_ms(10);
        seen = px_count(&p);
    }
    assert_int_equal(seen, total);
    /* A credit that arrives later is picked up by a later turn. */
    char late[256];
    long long now = (long long)time(NULL);
    snprintf(late, sizeof late,
             "{\"currency\":\"EUR\",\"amount\":\"99.00\",\"reference\":\"turn 2\","
             "\"created_at\":%lld,\"settled_at\":%lld}",
             now - 7200, now - 3600);
    px_admin(&p, "/_sandbox/credits", late);
    for (int i = 0; i < 6000 && seen < total + 4; i++) {
        ts_sleep_ms(10);
        seen = px_count(&p);
    }
    assert_int_equal(seen, total + 4); /* settlement, deposit and the conversion pair */
    assert_int_equal(ts_stop(&w, SIGTERM, 20000), 0);
    px_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_credential_and_full_sync, px_teardown),
        cmocka_unit_test_teardown(test_token_expiry_and_429, px_teardown),
        cmocka_unit_test_teardown(test_faults, px_teardown),
        cmocka_unit_test_teardown(test_kill_during_sync, px_teardown),
        cmocka_unit_test_teardown(test_scheduled_worker, px_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
