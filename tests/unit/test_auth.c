/*
 * The security core's accounts, passwords, login throttle, sessions, API tokens and audit
 * log, on SQLite and (as test_auth_pg) on PostgreSQL.
 */
#include "testsupport.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "auth/users.h"
#include "base/secure.h"
#include "store/migrate.h"

static struct db *db;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(secure_init(), ERR_OK);
    char url[TS_PATH_MAX];
    ts_fresh_db_url("auth", url, sizeof url);
    struct errbuf eb = {0};
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK)
        fail_msg("database: %s", eb.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static void test_passwords(void **state)
{
    (void)state;
    char hash[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", hash), ERR_OK);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(auth_password_verify(hash, "correct horse battery"));
    assert_false(auth_password_verify(hash, "correct horse batterY"));
    assert_false(auth_password_verify(hash, ""));
    char again[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", again), ERR_OK);
    assert_string_not_equal(hash, again); /* salted */
    struct errbuf eb = {0};
    assert_int_equal(auth_password_check("short", &eb), ERR_INVAL);
    assert_string_equal(eb.code, "password_too_short");
    assert_int_equal(auth_password_check("aaaaaaaaaaaaaaaa", &eb), ERR_INVAL);
    assert_string_equal(eb.code, "password_too_simple");
    assert_int_equal(auth_password_check("a fine passphrase", &eb), ERR_OK);
    char gen[AUTH_GENERATED_LEN + 1], gen2[AUTH_GENERATED_LEN + 1];
    auth_password_generate(gen);
    auth_password_generate(gen2);
    assert_int_equal(strlen(gen), AUTH_GENERATED_LEN);
    assert_string_not_equal(gen, gen2);
    assert_int_equal(auth_password_check(gen, &eb), ERR_OK);
}

static void test_users(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_int_equal(auth_user_add(db, "alice", ROLE_SELLER_ADMIN, "alice password 1", &eb),
                     ERR_OK);
    assert_int_equal(auth_user_add(db, "alice", ROLE_VIEWER, "another password", &eb),
                     ERR_CONFLICT);
    assert_string_equal(eb.code, "user_exists");
    assert_int_equal(auth_user_add(db, "bad name", ROLE_VIEWER, "another password", &eb),
                     ERR_INVAL);
    assert_int_equal(auth_user_add(db, "-dash", ROLE_VIEWER, "another password", &eb), ERR_INVAL);
    assert_int_equal(auth_user_add(db, "bob", ROLE_OPERATOR, "bob password 12", &eb), ERR_OK);
    struct auth_user u;
    assert_int_equal(auth_user_get(db, "bob", &u, &eb), ERR_OK);
    assert_int_equal(u.role, ROLE_OPERATOR);
    assert_int_equal(auth_user_set_role(db, "bob", ROLE_OPS, &eb), ERR_OK);
    assert_int_equal(auth_user_get(db, "bob", &u, &eb), ERR_OK);
    assert_int_equal(u.role, ROLE_OPS);
    assert_int_equal(auth_user_set_role(db, "nobody", ROLE_OPS, &eb), ERR_NOTFOUND);
    json_t *list = NULL;
    assert_int_equal(auth_user_list(db, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")),
                        "alice");
    /* The list never carries password hashes. */
    char *text = json_dumps(list, 0);
    assert_false(ts_contains(text, "argon2"));
    free(text);
    json_decref(list);
}

static void test_login_throttle_and_lock(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct auth_user u;
    int64_t retry = 0, now = 1800000000;
    assert_int_equal(auth_user_add(db, "carol", ROLE_VIEWER, "carol password 1", &eb), ERR_OK);
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_OK);
    assert_string_equal(u.name, "carol");
    /* Unknown user and wrong password look the same. */
    assert_int_equal(auth_login(db, "nobody", "whatever pass", now, &u, &retry, &eb), ERR_AUTH);
    char unknown[ERRBUF_MSG_MAX];
    snprintf(unknown, sizeof unknown, "%s", eb.msg);
    assert_int_equal(auth_login(db, "carol", "wrong", now, &u, &retry, &eb), ERR_AUTH);
    assert_string_equal(eb.msg, unknown);
    assert_int_equal(auth_login(db, "carol", "wrong", now, &u, &retry, &eb), ERR_AUTH);
    assert_int_equal(auth_login(db, "carol", "wrong", now, &u, &retry, &eb), ERR_AUTH);
    /* Third failure: the next attempt must wait, even with the right password. */
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_LIMIT);
    assert_string_equal(eb.code, "login_throttled");
    assert_true(retry >= 1);
    /* Keep failing after each wait: delays grow, then the account locks. */
    for (int i = 4; i <= AUTH_LOGIN_LOCK_AFTER; i++) {
        now += AUTH_LOGIN_DELAY_MAX_S;
        assert_int_equal(auth_login(db, "carol", "wrong", now, &u, &retry, &eb), ERR_AUTH);
    }
    assert_string_equal(eb.code, "account_locked_now");
    now += AUTH_LOGIN_DELAY_MAX_S;
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_LIMIT);
    assert_string_equal(eb.code, "account_locked");
    assert_true(retry > AUTH_LOGIN_DELAY_MAX_S);
    /* After the lock, the right password works and clears the counters. */
    now += AUTH_LOCK_S;
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_OK);
    assert_int_equal(auth_login(db, "carol", "wrong", now, &u, &retry, &eb), ERR_AUTH);
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_OK);
    /* A reset password also clears a lock; a disabled account cannot sign in. */
    assert_int_equal(auth_user_set_disabled(db, "carol", true, &eb), ERR_OK);
    assert_int_equal(auth_login(db, "carol", "carol password 1", now, &u, &retry, &eb), ERR_AUTH);
    assert_string_equal(eb.code, "account_disabled");
}

/* Wrong guesses made at the same moment are each counted (the counter is one atomic UPDATE). */
struct guess {
    int64_t now;
    enum err result;
};

static void *guess_wrong(void *arg)
{
    struct guess *g = arg;
    struct errbuf eb = {0};
    struct auth_user u;
    int64_t retry = 0;
    g->result = auth_login(db, "erin", "wrong guess", g->now, &u, &retry, &eb);
    return NULL;
}

static int64_t failed_logins(const char *name)
{
    struct errbuf eb = {0};
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    int64_t n = -1;
    assert_int_equal(db_query(c, "SELECT failed_logins FROM users WHERE name = $1", p, 1, &r, &eb),
                     ERR_OK);
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    db_rows_free(r);
    db_release(c);
    return n;
}

static void test_login_parallel_guesses(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct auth_user u;
    int64_t retry = 0, now = 1800000000;
    assert_int_equal(auth_user_add(db, "erin", ROLE_VIEWER, "erin password 12", &eb), ERR_OK);
    enum { GUESSERS = 2, ROUNDS = 4 };
    _Static_assert(GUESSERS < AUTH_LOGIN_SLOW_AFTER, "no guess may be throttled");
    for (int round = 0; round < ROUNDS; round++) {
        struct guess g[GUESSERS];
        pthread_t t[GUESSERS];
        for (int i = 0; i < GUESSERS; i++) {
            g[i] = (struct guess){.now = now};
            assert_int_equal(pthread_create(&t[i], NULL, guess_wrong, &g[i]), 0);
        }
        for (int i = 0; i < GUESSERS; i++) {
            assert_int_equal(pthread_join(t[i], NULL), 0);
            assert_int_equal(g[i].result, ERR_AUTH);
        }
        assert_int_equal(failed_logins("erin"), GUESSERS);
        /* The right password clears the count for the next round. */
        assert_int_equal(auth_login(db, "erin", "erin password 12", now, &u, &retry, &eb), ERR_OK);
        assert_int_equal(failed_logins("erin"), 0);
    }
}

static void test_sessions(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct auth_user u;
    int64_t retry = 0, now = 1800000000;
    assert_int_equal(auth_user_add(db, "dave", ROLE_OPS, "dave password 12", &eb), ERR_OK);
    assert_int_equal(auth_login(db, "dave", "dave password 12", now, &u, &retry, &eb), ERR_OK);
    char token[SECURE_TOKEN_LEN + 1], csrf[SECURE_TOKEN_LEN + 1];
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, token, csrf, &eb), ERR_OK);
    assert_int_equal(strlen(token), SECURE_TOKEN_LEN);
    struct auth_principal p;
    assert_int_equal(auth_session_lookup(db, token, now + 10, &p, &eb), ERR_OK);
    assert_int_equal(p.via, AUTH_VIA_SESSION);
    assert_int_equal(p.role, ROLE_OPS);
    assert_string_equal(p.name, "dave");
    assert_string_equal(p.csrf, csrf);
    /* The table stores only a hash of the token. */
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    struct db_param prm[] = {DB_P_TEXT(token)};
    assert_int_equal(
        db_query(c, "SELECT COUNT(*) FROM sessions WHERE id_hash = $1", prm, 1, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "0");
    db_rows_free(r);
    db_release(c);
    /* Used within the idle window it stays alive, up to the absolute limit. */
    int64_t t = now;
    while (t + AUTH_SESSION_IDLE_S / 2 < now + AUTH_SESSION_MAX_S) {
        t += AUTH_SESSION_IDLE_S / 2;
        assert_int_equal(auth_session_lookup(db, token, t, &p, &eb), ERR_OK);
    }
    assert_int_equal(auth_session_lookup(db, token, now + AUTH_SESSION_MAX_S, &p, &eb), ERR_AUTH);
    assert_string_equal(eb.code, "session_expired");
    /* Idle expiry. */
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, token, csrf, &eb), ERR_OK);
    assert_int_equal(auth_session_lookup(db, token, now + AUTH_SESSION_IDLE_S, &p, &eb), ERR_AUTH);
    /* Deleted, garbage, and a disabled user's sessions. */
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, token, csrf, &eb), ERR_OK);
    assert_int_equal(auth_session_delete(db, token, &eb), ERR_OK);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_AUTH);
    assert_int_equal(auth_session_lookup(db, "garbage", now, &p, &eb), ERR_AUTH);
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, token, csrf, &eb), ERR_OK);
    assert_int_equal(auth_user_set_disabled(db, "dave", true, &eb), ERR_OK);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_AUTH);
}

/* The integer in the first cell of sql's answer (no parameters). */
static int64_t flash_count(const char *sql)
{
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    int64_t n = -1;
    assert_int_equal(db_query(c, sql, NULL, 0, &r, NULL), ERR_OK);
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    db_rows_free(r);
    db_release(c);
    return n;
}

static void test_session_flash(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct auth_user u;
    int64_t retry = 0, now = 1800000000;
    assert_int_equal(auth_user_add(db, "fran", ROLE_VIEWER, "fran password 12", &eb), ERR_OK);
    assert_int_equal(auth_login(db, "fran", "fran password 12", now, &u, &retry, &eb), ERR_OK);
    char token[SECURE_TOKEN_LEN + 1], other[SECURE_TOKEN_LEN + 1], csrf[SECURE_TOKEN_LEN + 1];
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, token, csrf, &eb), ERR_OK);
    assert_int_equal(auth_session_create(db, &u, "127.0.0.1", now, other, csrf, &eb), ERR_OK);
    struct auth_principal p;
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_OK);
    assert_string_equal(p.flash, "");
    assert_string_equal(p.flash_kind, "");
    /* Kept sealed: the database holds no readable text; only its own session opens it. */
    assert_int_equal(auth_session_flash_put(db, token, "ok", "password: s3cr3t-value", &eb),
                     ERR_OK);
    assert_int_equal(
        flash_count("SELECT COUNT(*) FROM session_flash WHERE message LIKE '%s3cr3t%'"), 0);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_OK);
    assert_string_equal(p.flash, "password: s3cr3t-value");
    assert_string_equal(p.flash_kind, "ok");
    assert_int_equal(auth_session_lookup(db, other, now, &p, &eb), ERR_OK);
    assert_string_equal(p.flash, "");
    /* A newer notice replaces the older; an unknown kind is info; clear forgets it. */
    assert_int_equal(auth_session_flash_put(db, token, "<script>", "second", &eb), ERR_OK);
    assert_int_equal(flash_count("SELECT COUNT(*) FROM session_flash"), 1);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_OK);
    assert_string_equal(p.flash, "second");
    assert_string_equal(p.flash_kind, "info");
    assert_int_equal(auth_session_flash_clear(db, token, &eb), ERR_OK);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_OK);
    assert_string_equal(p.flash, "");
    /* Long text is cut on a UTF-8 boundary. */
    char longtext[AUTH_FLASH_MAX + 40];
    size_t n = 0;
    while (n + 3 < sizeof longtext - 1) {
        memcpy(longtext + n, "\xe4\xb8\xad", 3); /* 中 */
        n += 3;
    }
    longtext[n] = '\0';
    assert_int_equal(auth_session_flash_put(db, token, "error", longtext, &eb), ERR_OK);
    assert_int_equal(auth_session_lookup(db, token, now, &p, &eb), ERR_OK);
    assert_true(strlen(p.flash) <= AUTH_FLASH_MAX);
    assert_int_equal(strlen(p.flash) % 3, 0);
    /* No session, no notice; the notice goes with its session. */
    assert_int_equal(auth_session_flash_put(db, "short", "ok", "x", &eb), ERR_OK);
    assert_int_equal(auth_session_delete(db, token, &eb), ERR_OK);
    assert_int_equal(flash_count("SELECT COUNT(*) FROM session_flash"), 0);
}

static void test_tokens(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    char token[AUTH_TOKEN_LEN + 1];
    int64_t id = 0;
    assert_int_equal(auth_token_create(db, "ci", ROLE_OPERATOR, "test", token, &id, &eb), ERR_OK);
    assert_int_equal(strlen(token), AUTH_TOKEN_LEN);
    assert_int_equal(strncmp(token, "aicos_", 6), 0);
    struct auth_principal p;
    assert_int_equal(auth_token_lookup(db, token, &p, &eb), ERR_OK);
    assert_int_equal(p.via, AUTH_VIA_TOKEN);
    assert_int_equal(p.role, ROLE_OPERATOR);
    assert_string_equal(p.name, "token:ci");
    json_t *list = NULL;
    assert_int_equal(auth_token_list(db, &list, &eb), ERR_OK);
    char *text = json_dumps(list, JSON_COMPACT);
    assert_false(ts_contains(text, token));
    assert_true(ts_contains(text, "\"prefix\":\"aicos_"));
    free(text);
    json_decref(list);
    token[10] ^= 1;
    assert_int_equal(auth_token_lookup(db, token, &p, &eb), ERR_AUTH);
    token[10] ^= 1;
    assert_int_equal(auth_token_revoke(db, id, &eb), ERR_OK);
    assert_int_equal(auth_token_lookup(db, token, &p, &eb), ERR_AUTH);
    assert_int_equal(auth_token_revoke(db, id, &eb), ERR_NOTFOUND);
    assert_int_equal(auth_token_create(db, "", ROLE_OPERATOR, "test", token, &id, &eb), ERR_INVAL);
}

static void test_audit(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    for (int i = 0; i < 7; i++) {
        char target[16];
        snprintf(target, sizeof target, "t%d", i);
        struct audit_entry e = {i % 2 ? "alice" : "bob",
                                "ops",
                                i < 4 ? "user.add" : "login",
                                target,
                                i == 6 ? "failure" : "success",
                                "127.0.0.1",
                                "rid",
                                "=cmd|' /C calc'!A0"};
        assert_int_equal(audit_write(db, &e, &eb), ERR_OK);
    }
    json_t *list = NULL;
    struct audit_filter f = {.limit = 3};
    assert_int_equal(audit_list(db, &f, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 3);
    json_int_t newest = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
    json_int_t last = json_integer_value(json_object_get(json_array_get(list, 2), "id"));
    assert_true(newest > last);
    json_decref(list);
    f.before_id = last;
    assert_int_equal(audit_list(db, &f, &list, &eb), ERR_OK);
    assert_true(json_integer_value(json_object_get(json_array_get(list, 0), "id")) < last);
    json_decref(list);
    struct audit_filter g = {.action = "user.", .actor = "alice", .limit = 100};
    if (audit_list(db, &g, &list, &eb) != ERR_OK)
        fail_msg("audit_list: %s", eb.msg);
    assert_int_equal(json_array_size(list), 2); /* i = 1, 3 */
    json_decref(list);
    struct audit_filter h = {.outcome = "failure", .limit = 100};
    assert_int_equal(audit_list(db, &h, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    struct audit_filter bad = {.limit = 0};
    assert_int_equal(audit_list(db, &bad, &list, &eb), ERR_INVAL);

    /* Exports: CSV neutralizes formulas; JSON lines parse. */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct audit_filter all = {.action = "login"};
    assert_int_equal(audit_export(db, &all, AUDIT_CSV, out, &eb), ERR_OK);
    fclose(out);
    assert_true(
        strncmp(text, "id,at,actor,role,action,target,outcome,ip,request_id,detail\r\n", 60) == 0);
    assert_true(ts_contains(text, "\"'=cmd|' /C calc'!A0\""));
    free(text);
    out = open_memstream(&text, &len);
    assert_int_equal(audit_export(db, &all, AUDIT_JSONL, out, &eb), ERR_OK);
    fclose(out);
    int lines = 0;
    for (char *line = text; *line;) {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        json_t *o = json_loadb(line, (size_t)(eol - line), 0, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "action")), "login");
        json_decref(o);
        lines++;
        line = eol + 1;
    }
    assert_int_equal(lines, 3);
    free(text);

    /* Append-only: the database itself refuses changes and deletions. */
    struct db_conn *c = db_acquire(db);
    assert_int_not_equal(db_exec_script(c, "UPDATE audit_log SET outcome = 'success'", &eb),
                         ERR_OK);
    assert_true(ts_contains(eb.msg, "append-only"));
    assert_int_not_equal(db_exec_script(c, "DELETE FROM audit_log", &eb), ERR_OK);
    db_release(c);
    struct audit_filter count = {.limit = 100};
    assert_int_equal(audit_list(db, &count, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 7);
    json_decref(list);
}

/* Issue 18: anonymous refusals are counted per source and minute; retention by prune only. */
static void test_audit_refusals_and_prune(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    for (int i = 0; i < 50; i++)
        assert_int_equal(
            audit_refusal_count(db, "203.0.113.7", "auth.rejected", "/api/v1/users", &eb), ERR_OK);
    assert_int_equal(audit_refusal_count(db, "203.0.113.7", "auth.rejected", "/api/v1/audit", &eb),
                     ERR_OK);
    assert_int_equal(audit_refusal_count(db, "ev\xffil", "auth.rejected", "/api/v1/audit", &eb),
                     ERR_OK);
    json_t *list = NULL;
    assert_int_equal(audit_refusals_list(db, 100, &list, &eb), ERR_OK);
    assert_true(json_array_size(list) >= 3 && json_array_size(list) <= 6); /* a minute may turn */
    json_int_t total = 0;
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "source")), "203.0.113.7") == 0)
            total += json_integer_value(json_object_get(o, "count"));
    }
    assert_int_equal(total, 51);
    json_decref(list);

    /* Three old entries; prune refuses to cut into the last 30 days. */
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_exec_script(c,
                                    "INSERT INTO audit_log (at, actor, role, action, target, "
                                    "outcome, ip, request_id, detail) VALUES "
                                    "('2020-01-01T00:00:00.000Z','old','viewer','login','old',"
                                    "'success','local','',''),"
                                    "('2020-02-01T00:00:00.000Z','old','viewer','login','old',"
                                    "'success','local','',''),"
                                    "('2020-03-01T00:00:00.000Z','old','viewer','login','old',"
                                    "'success','local','','');"
                                    "INSERT INTO audit_refusals VALUES ('198.51.100.1', "
                                    "'2020-01-01T00:00', 'auth.rejected', '/x', 9, "
                                    "'2020-01-01T00:00:00.000Z', '2020-01-01T00:00:59.000Z');",
                                    &eb),
                     ERR_OK);
    db_release(c);
    char *dir = ts_tmpdir("prune");
    char archive[TS_PATH_MAX];
    snprintf(archive, sizeof archive, "%s/audit-2020.jsonl", dir);
    struct audit_prune_result res;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(audit_prune(db, "2999-01-01", archive, "cli:test", now, &res, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "retention_too_short");
    assert_int_equal(access(archive, F_OK), -1); /* nothing written */
    /* audit_log ids are not in time order here (the old rows came last), so prune through the
     * highest old id also takes the newer rows below it: the archive holds every one. */
    if (audit_prune(db, "2021-01-01", archive, "cli:test", now, &res, &eb) != ERR_OK)
        fail_msg("audit_prune: %s", eb.msg);
    assert_true(res.through_id > 0);
    assert_int_equal(strlen(res.sha256), 64);
    assert_int_equal(res.refusals, 1);
    struct stat st;
    assert_int_equal(stat(archive, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = ts_read_file(archive);
    int64_t lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    assert_int_equal(lines, res.entries);
    assert_true(ts_contains(text, "2020-03-01T00:00:00.000Z"));
    free(text);
    /* What is left: only the prune's own entry; it stays append-only. */
    struct audit_filter all = {.limit = 100};
    assert_int_equal(audit_list(db, &all, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "action")),
                        "audit.prune");
    assert_true(ts_contains(json_string_value(json_object_get(json_array_get(list, 0), "detail")),
                            res.sha256));
    json_decref(list);
    c = db_acquire(db);
    assert_int_not_equal(db_exec_script(c, "DELETE FROM audit_log", &eb), ERR_OK);
    assert_int_not_equal(db_exec_script(c, "DELETE FROM audit_prune", &eb), ERR_OK);
    assert_int_not_equal(db_exec_script(c, "UPDATE audit_prune SET through_id = 999999", &eb),
                         ERR_OK);
    db_release(c);
    /* Nothing old left: nothing to do. */
    char other[TS_PATH_MAX];
    snprintf(other, sizeof other, "%s/none.jsonl", dir);
    assert_int_equal(audit_prune(db, "2021-01-01", other, "cli:test", now, &res, &eb), ERR_OK);
    assert_int_equal(res.through_id, 0);
    assert_int_equal(access(other, F_OK), -1);
    /* An existing archive is never overwritten, and then nothing is deleted. */
    c = db_acquire(db);
    assert_int_equal(db_exec_script(c,
                                    "INSERT INTO audit_log (at, actor, role, action, target, "
                                    "outcome, ip, request_id, detail) VALUES "
                                    "('2020-04-01T00:00:00.000Z','old','viewer','login','old',"
                                    "'success','local','','')",
                                    &eb),
                     ERR_OK);
    db_release(c);
    assert_int_equal(audit_prune(db, "2021-01-01", archive, "cli:test", now, &res, &eb), ERR_IO);
    assert_int_equal(audit_list(db, &all, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    snprintf(archive, sizeof archive, "%s/again.jsonl", dir);
    assert_int_equal(audit_prune(db, "2021-01-01", archive, "cli:test", now, &res, &eb), ERR_OK);
    assert_int_equal(res.entries, 2); /* the old row and the first prune's entry below it */
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwords),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_login_throttle_and_lock),
        cmocka_unit_test(test_login_parallel_guesses),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_session_flash),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_audit_refusals_and_prune),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
