/*
 * The vault: AEAD round trips, tamper and move detection, the wrong-key canary, master key
 * loading, and rotation interrupted at every step; on SQLite and (test_vault_pg) PostgreSQL.
 */
#include "testsupport.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secure.h"
#include "store/migrate.h"
#include "vault/vault.h"

static unsigned char key_a[32], key_b[32];

static struct db *fresh_db(const char *name)
{
    char url[TS_PATH_MAX];
    ts_fresh_db_url(name, url, sizeof url);
    struct db *db = NULL;
    struct errbuf eb = {0};
    if (db_open(url, 1, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK)
        fail_msg("database: %s", eb.msg);
    return db;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(secure_init(), ERR_OK);
    randombytes_buf(key_a, sizeof key_a);
    randombytes_buf(key_b, sizeof key_b);
    return 0;
}

static void expect_secret(struct vault *v, const char *name, const char *want)
{
    char *value = NULL;
    size_t len = 0;
    struct errbuf eb = {0};
    if (vault_get(v, name, &value, &len, &eb) != ERR_OK)
        fail_msg("%s: %s", name, eb.msg);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(value, want, len);
    vault_secret_free(value, len);
}

static void test_round_trip_and_masking(void **state)
{
    (void)state;
    struct db *db = fresh_db("vault_rt");
    struct vault *v = NULL;
    struct errbuf eb = {0};
    assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
    const char *secret = "cafef00dcafef00dcafef00dcafef00dcafef00d";
    assert_int_equal(vault_put(v, "temu/us/app_secret", secret, strlen(secret), "t", &eb), ERR_OK);
    expect_secret(v, "temu/us/app_secret", secret);
    /* Replacing keeps one row; the ciphertext changes (fresh nonce) and is not the value. */
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "SELECT sealed, masked FROM secrets", NULL, 0, &r, NULL), ERR_OK);
    char first[512];
    snprintf(first, sizeof first, "%s", db_rows_get(r, 0, 0));
    assert_false(ts_contains(first, "cafef00d"));
    assert_string_equal(db_rows_get(r, 0, 1), "****f00d");
    db_rows_free(r);
    db_release(c); /* the pool has one connection and vault_put needs it */
    assert_int_equal(vault_put(v, "temu/us/app_secret", secret, strlen(secret), "t", &eb), ERR_OK);
    c = db_acquire(db);
    assert_int_equal(db_query(c, "SELECT sealed FROM secrets", NULL, 0, &r, NULL), ERR_OK);
    assert_int_equal(db_rows_count(r), 1);
    assert_string_not_equal(db_rows_get(r, 0, 0), first);
    db_rows_free(r);
    db_release(c);
    /* Bad names and values. */
    assert_int_equal(vault_put(v, "Bad Name", "x", 1, "t", &eb), ERR_INVAL);
    assert_int_equal(vault_put(v, "ok", "", 0, "t", &eb), ERR_INVAL);
    char *value = NULL;
    size_t len = 0;
    assert_int_equal(vault_get(v, "missing", &value, &len, &eb), ERR_NOTFOUND);
    /* Masks: short values show nothing, long ones four characters at most. */
    char m[VAULT_MASKED_MAX];
    vault_mask("abc", 3, m);
    assert_string_equal(m, "****");
    vault_mask("0123456789ab", 12, m);
    assert_string_equal(m, "****ab");
    json_t *list = NULL;
    assert_int_equal(vault_list(v, &list, &eb), ERR_OK);
    char *text = json_dumps(list, 0);
    assert_false(ts_contains(text, secret));
    free(text);
    json_decref(list);
    assert_int_equal(vault_delete(v, "temu/us/app_secret", &eb), ERR_OK);
    assert_int_equal(vault_delete(v, "temu/us/app_secret", &eb), ERR_NOTFOUND);
    vault_free(v);
    db_close(db);
}

static void test_tamper_and_move_detected(void **state)
{
    (void)state;
    struct db *db = fresh_db("vault_tamper");
    struct vault *v = NULL;
    struct errbuf eb = {0};
    assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
    assert_int_equal(vault_put(v, "a", "secret value A 123", 18, "t", &eb), ERR_OK);
    assert_int_equal(vault_put(v, "b", "secret value B 456", 18, "t", &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    /* Move b's ciphertext onto a: the associated data (the name) no longer matches. */
    assert_int_equal(db_exec_script(c,
                                    "UPDATE secrets SET sealed = (SELECT sealed FROM secrets "
                                    "WHERE name = 'b') WHERE name = 'a'",
                                    &eb),
                     ERR_OK);
    db_release(c);
    char *value = NULL;
    size_t len = 0;
    assert_int_equal(vault_get(v, "a", &value, &len, &eb), ERR_INTERNAL);
    assert_string_equal(eb.code, "secret_unreadable");
    expect_secret(v, "b", "secret value B 456");
    /* Flip one character of b's ciphertext. */
    c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "SELECT sealed FROM secrets WHERE name = 'b'", NULL, 0, &r, NULL),
                     ERR_OK);
    char *sealed = strdup(db_rows_get(r, 0, 0));
    db_rows_free(r);
    sealed[strlen(sealed) / 2] = sealed[strlen(sealed) / 2] == 'A' ? 'B' : 'A';
    struct db_param p[] = {DB_P_TEXT(sealed)};
    assert_int_equal(db_exec(c, "UPDATE secrets SET sealed = $1 WHERE name = 'b'", p, 1, NULL, &eb),
                     ERR_OK);
    free(sealed);
    db_release(c);
    assert_int_equal(vault_get(v, "b", &value, &len, &eb), ERR_INTERNAL);
    unsigned ok = 0, failed = 0;
    json_t *report = NULL;
    assert_int_equal(vault_check(v, &ok, &failed, &report, &eb), ERR_OK);
    assert_int_equal(ok, 0);
    assert_int_equal(failed, 2);
    assert_int_equal(json_array_size(report), 2);
    json_decref(report);
    /* Whether a secret exists is answered without decrypting it: both are unreadable now, and
     * both are still present (issue 17: /integrations asks this on every render). */
    const char *names[] = {"a", "nope", "b"};
    bool present[3] = {false, true, false};
    assert_int_equal(vault_names_present(v, names, 3, present, &eb), ERR_OK);
    assert_true(present[0]);
    assert_false(present[1]);
    assert_true(present[2]);
    assert_int_equal(vault_names_present(v, names, 0, present, &eb), ERR_INVAL);
    vault_free(v);
    db_close(db);
}

static void test_wrong_master_key_refused(void **state)
{
    (void)state;
    struct db *db = fresh_db("vault_wrongkey");
    struct vault *v = NULL;
    struct errbuf eb = {0};
    assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
    assert_int_equal(vault_put(v, "x", "some secret here", 16, "t", &eb), ERR_OK);
    vault_free(v);
    v = NULL;
    assert_int_equal(vault_open(db, key_b, &v, &eb), ERR_CONFIG);
    assert_null(v);
    assert_string_equal(eb.code, "wrong_master_key");
    assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
    expect_secret(v, "x", "some secret here");
    vault_free(v);
    db_close(db);
}

static void test_master_key_load(void **state)
{
    (void)state;
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    unsigned char key[32];
    struct errbuf eb = {0};
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_NOTFOUND);
    sodium_bin2base64(cfg.master_key, sizeof cfg.master_key, key_a, 32,
                      sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_OK);
    assert_memory_equal(key, key_a, 32);
    snprintf(cfg.master_key, sizeof cfg.master_key, "c2hvcnQ=");
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_CONFIG);
    assert_true(ts_contains(eb.msg, "AICOS_MASTER_KEY"));
    cfg.master_key[0] = '\0';
    char *dir = ts_tmpdir("masterkey");
    snprintf(cfg.master_key_file, sizeof cfg.master_key_file, "%s/key", dir);
    int fd = open(cfg.master_key_file, O_WRONLY | O_CREAT, 0644);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, key_b, 32, sodium_base64_VARIANT_ORIGINAL);
    assert_true(write(fd, b64, strlen(b64)) > 0);
    assert_true(write(fd, "\n", 1) == 1);
    close(fd);
    chmod(cfg.master_key_file, 0644);
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_CONFIG);
    assert_true(ts_contains(eb.msg, "chmod 600"));
    chmod(cfg.master_key_file, 0600);
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_OK);
    assert_memory_equal(key, key_b, 32);
    snprintf(cfg.master_key, sizeof cfg.master_key, "%s", b64);
    assert_int_equal(vault_master_key_load(&cfg, key, &eb), ERR_CONFIG); /* both set */
    free(dir);
}

#define ROTATE_SECRETS 5

static void fill(struct vault *v)
{
    struct errbuf eb = {0};
    for (int i = 0; i < ROTATE_SECRETS; i++) {
        char name[16], value[48];
        snprintf(name, sizeof name, "s%d", i);
        snprintf(value, sizeof value, "value number %d of the rotation test", i);
        assert_int_equal(vault_put(v, name, value, strlen(value), "t", &eb), ERR_OK);
    }
}

static void check_all(struct vault *v, const char *active)
{
    for (int i = 0; i < ROTATE_SECRETS; i++) {
        char name[16], value[48];
        snprintf(name, sizeof name, "s%d", i);
        snprintf(value, sizeof value, "value number %d of the rotation test", i);
        expect_secret(v, name, value);
    }
    json_t *st = NULL;
    assert_int_equal(vault_status(v, &st, NULL), ERR_OK);
    if (active != NULL)
        assert_string_equal(json_string_value(json_object_get(st, "active_key")), active);
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(st, "keys"), i, k)
    {
        const char *state = json_string_value(json_object_get(k, "state"));
        json_int_t n = json_integer_value(json_object_get(k, "secrets"));
        if (strcmp(state, "active") == 0)
            assert_int_equal(n, ROTATE_SECRETS);
        else
            assert_int_equal(n, 0);
    }
    json_decref(st);
}

static void test_rotation_interrupted_at_every_step(void **state)
{
    (void)state;
    for (unsigned stop = 0; stop <= ROTATE_SECRETS; stop++) {
        struct db *db = fresh_db("vault_rotate");
        struct vault *v = NULL;
        struct errbuf eb = {0};
        assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
        fill(v);
        unsigned resealed = 0;
        char first[VAULT_KEY_ID_MAX], second[VAULT_KEY_ID_MAX];
        if (stop < ROTATE_SECRETS) {
            /* Interrupted after `stop` secrets (0: right after the new key was added). */
            enum err e = vault_rotate(v, stop == 0 ? 0 : stop, &resealed, first, &eb);
            if (stop == 0) {
                assert_int_equal(e, ERR_OK); /* max_steps 0 runs to the end */
            } else {
                assert_int_equal(e, ERR_UNAVAILABLE);
                assert_int_equal(resealed, stop);
                /* Mid-rotation, every secret still decrypts and a write still works. */
                for (int i = 0; i < ROTATE_SECRETS; i++) {
                    char name[16];
                    snprintf(name, sizeof name, "s%d", i);
                    char *value = NULL;
                    size_t len = 0;
                    assert_int_equal(vault_get(v, name, &value, &len, &eb), ERR_OK);
                    vault_secret_free(value, len);
                }
                /* A restart with the same master key, then the rerun finishes it. */
                vault_free(v);
                assert_int_equal(vault_open(db, key_a, &v, &eb), ERR_OK);
                assert_int_equal(vault_rotate(v, 0, &resealed, second, &eb), ERR_OK);
                assert_int_equal(resealed, ROTATE_SECRETS - stop);
                assert_string_equal(second, first); /* finished, not started again */
            }
            check_all(v, first);
        } else {
            /* Two full rotations in a row each add a key and re-seal everything. */
            assert_int_equal(vault_rotate(v, 0, &resealed, first, &eb), ERR_OK);
            assert_int_equal(resealed, ROTATE_SECRETS);
            assert_int_equal(vault_rotate(v, 0, &resealed, second, &eb), ERR_OK);
            assert_int_equal(resealed, ROTATE_SECRETS);
            assert_string_not_equal(first, second);
            check_all(v, second);
        }
        vault_free(v);
        db_close(db);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_masking),
        cmocka_unit_test(test_tamper_and_move_detected),
        cmocka_unit_test(test_wrong_master_key_refused),
        cmocka_unit_test(test_master_key_load),
        cmocka_unit_test(test_rotation_interrupted_at_every_step),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
