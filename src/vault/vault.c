#include "vault/vault.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

#define VAULT_KEY_BYTES   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define VAULT_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define VAULT_TAG_BYTES   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VAULT_AD_MAX      (VAULT_NAME_MAX + VAULT_KEY_ID_MAX + 16)
#define VAULT_CANARY      "aicos-vault-canary-v1"
#define VAULT_SEALED_MAX  (((VAULT_NONCE_BYTES + VAULT_VALUE_MAX + VAULT_TAG_BYTES) / 3 + 2) * 4)

_Static_assert(VAULT_KEY_BYTES == 32, "the master key is 32 bytes");

struct vault {
    struct db *db;
    unsigned char *master; /* sodium_malloc'd, read-only except while wiping */
};

/* Seals plain under key with ad into base64 text (malloc'd). */
ERR_MUST_USE static enum err vault_seal(const unsigned char *key, const char *ad,
                                        const unsigned char *plain, size_t len, char **out)
{
    size_t raw_len = VAULT_NONCE_BYTES + len + VAULT_TAG_BYTES;
    unsigned char *raw = malloc(raw_len);
    size_t b64_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_len);
    if (raw == NULL || b64 == NULL) {
        free(raw);
        free(b64);
        return ERR_NOMEM;
    }
    randombytes_buf(raw, VAULT_NONCE_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + VAULT_NONCE_BYTES, &clen, plain, len,
                                               (const unsigned char *)ad, strlen(ad), NULL, raw,
                                               key);
    sodium_bin2base64(b64, b64_len, raw, VAULT_NONCE_BYTES + (size_t)clen,
                      sodium_base64_VARIANT_ORIGINAL);
    free(raw);
    *out = b64;
    return ERR_OK;
}

/* Opens base64 sealed text; *plain is sodium_malloc'd (len + 1, NUL-terminated). */
ERR_MUST_USE static enum err vault_unseal(const unsigned char *key, const char *ad,
                                          const char *sealed, unsigned char **plain, size_t *len)
{
    size_t slen = strlen(sealed);
    if (slen > VAULT_SEALED_MAX)
        return ERR_INTERNAL;
    unsigned char *raw = malloc(slen);
    size_t raw_len = 0;
    if (raw == NULL)
        return ERR_NOMEM;
    if (sodium_base642bin(raw, slen, sealed, slen, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        raw_len < VAULT_NONCE_BYTES + VAULT_TAG_BYTES) {
        free(raw);
        return ERR_INTERNAL;
    }
    size_t plen = raw_len - VAULT_NONCE_BYTES - VAULT_TAG_BYTES;
    unsigned char *p = sodium_malloc(plen + 1);
    if (p == NULL) {
        free(raw);
        return ERR_NOMEM;
    }
    unsigned long long mlen = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        p, &mlen, NULL, raw + VAULT_NONCE_BYTES, raw_len - VAULT_NONCE_BYTES,
        (const unsigned char *)ad, strlen(ad), raw, key);
    free(raw);
    if (rc != 0) {
        sodium_free(p);
        return ERR_INTERNAL;
    }
    p[mlen] = '\0';
    *plain = p;
    *len = (size_t)mlen;
    return ERR_OK;
}

enum err vault_master_key_load(const struct config *cfg, unsigned char key[32], struct errbuf *eb)
{
    char text[256];
    const char *var = "AICOS_MASTER_KEY";
    if (cfg->master_key[0] != '\0' && cfg->master_key_file[0] != '\0')
        return err_set(eb, ERR_CONFIG, "bad_configuration",
                       "AICOS_MASTER_KEY and AICOS_MASTER_KEY_FILE are both set; set only one.");
    if (cfg->master_key[0] != '\0') {
        snprintf(text, sizeof text, "%s", cfg->master_key);
    } else if (cfg->master_key_file[0] != '\0') {
        var = "AICOS_MASTER_KEY_FILE";
        int fd = open(cfg->master_key_file, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
            return err_set(eb, ERR_CONFIG, "bad_configuration", "%s: cannot open %s: %s.", var,
                           cfg->master_key_file, strerror(errno));
        if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
            close(fd);
            return err_set(eb, ERR_CONFIG, "bad_configuration",
                           "%s: %s is readable by group or others; run chmod 600 on it.", var,
                           cfg->master_key_file);
        }
        ssize_t n = read(fd, text, sizeof text - 1);
        close(fd);
        if (n < 0)
            return err_set(eb, ERR_CONFIG, "bad_configuration", "%s: cannot read %s.", var,
                           cfg->master_key_file);
        text[n] = '\0';
    } else {
        return err_set(eb, ERR_NOTFOUND, "no_master_key",
                       "No master key is configured (AICOS_MASTER_KEY or AICOS_MASTER_KEY_FILE).");
    }
    size_t len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        text[--len] = '\0';
    size_t bin_len = 0;
    int rc =
        sodium_base642bin(key, 32, text, len, NULL, &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(text, sizeof text);
    if (rc != 0 || bin_len != 32)
        return err_set(eb, ERR_CONFIG, "bad_configuration",
                       "%s: the master key must be the base64 encoding of exactly 32 bytes "
                       "(e.g. `head -c 32 /dev/urandom | base64`).",
                       var);
    return ERR_OK;
}

static void vault_ad(char *ad, size_t n, const char *name, const char *key_id)
{
    /* Neither names nor key ids may contain "|", so no two pairs give the same string. */
    snprintf(ad, n, "secret:%s|%s", name, key_id);
}

/* Unwraps the wrapped form of data key id into dek. */
ERR_MUST_USE static enum err vault_key_unwrap(struct vault *v, const char *id, const char *wrapped,
                                              unsigned char dek[32], struct errbuf *eb)
{
    char ad[64];
    snprintf(ad, sizeof ad, "vault-key:%s", id);
    unsigned char *plain = NULL;
    size_t len = 0;
    enum err e = vault_unseal(v->master, ad, wrapped, &plain, &len);
    if (e == ERR_OK && len == 32)
        memcpy(dek, plain, 32);
    else if (e == ERR_OK)
        e = ERR_INTERNAL;
    if (plain != NULL)
        sodium_free(plain);
    if (e != ERR_OK)
        e = err_set(eb, ERR_INTERNAL, "vault_key_unreadable",
                    "Vault key %s cannot be unwrapped with the master key.", id);
    return e;
}

/* Unwraps data key id into dek. */
ERR_MUST_USE static enum err vault_key_get(struct vault *v, struct db_conn *c, const char *id,
                                           unsigned char dek[32], struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e = db_query(c, "SELECT wrapped_key FROM vault_keys WHERE id = $1", p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_INTERNAL, "vault_key_missing", "Vault key %s is missing.", id);
    if (e == ERR_OK)
        e = vault_key_unwrap(v, id, db_rows_get(r, 0, 0), dek, eb);
    db_rows_free(r);
    return e;
}

/*
 * Serializes changes of the key ring (rotation, repair, re-wrap) inside the current
 * transaction: PostgreSQL's READ COMMITTED lets two writers read the same state, so they
 * take a transaction-scoped advisory lock first; SQLite's BEGIN IMMEDIATE already does.
 */
#define VAULT_RING_LOCK 0x7661756c74LL /* "vault" */

ERR_MUST_USE static enum err vault_ring_lock(struct vault *v, struct db_conn *c, struct errbuf *eb)
{
    if (strcmp(db_driver_name(v->db), "postgres") != 0)
        return ERR_OK;
    struct db_param p[] = {DB_P_INT(VAULT_RING_LOCK)};
    return db_exec(c, "SELECT pg_advisory_xact_lock($1)", p, 1, NULL, eb);
}

/* Adds a fresh data key with the given state; id receives its id. */
ERR_MUST_USE static enum err vault_key_add(struct vault *v, struct db_conn *c, const char *state,
                                           char *id, struct errbuf *eb)
{
    unsigned char dek[32], rnd[5];
    randombytes_buf(dek, sizeof dek);
    randombytes_buf(rnd, sizeof rnd);
    char hex[11];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(id, VAULT_KEY_ID_MAX, "k%s", hex);
    char ad[64], now[CLOCK_ISO_LEN], *wrapped = NULL;
    snprintf(ad, sizeof ad, "vault-key:%s", id);
    enum err e = vault_seal(v->master, ad, dek, sizeof dek, &wrapped);
    sodium_memzero(dek, sizeof dek);
    if (e != ERR_OK)
        return e;
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(wrapped), DB_P_TEXT(state), DB_P_TEXT(now)};
    e = db_exec(c,
                "INSERT INTO vault_keys (id, wrapped_key, state, created_at) "
                "VALUES ($1, $2, $3, $4)",
                p, 4, NULL, eb);
    free(wrapped);
    return e;
}

ERR_MUST_USE static enum err vault_active_key(struct db_conn *c, char *id, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c, "SELECT id FROM vault_keys WHERE state = 'active'", NULL, 0, &r, eb);
    if (e == ERR_OK && db_rows_count(r) != 1)
        e = err_set(eb, ERR_INTERNAL, "vault_no_active_key",
                    "The vault has %zu active keys; expected exactly one.", db_rows_count(r));
    if (e == ERR_OK)
        snprintf(id, VAULT_KEY_ID_MAX, "%s", db_rows_get(r, 0, 0));
    db_rows_free(r);
    return e;
}

/* First use: the canary and the first key. Later: the canary must open. */
ERR_MUST_USE static enum err vault_init_or_verify(struct vault *v, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(v->db);
    struct db_rows *r = NULL;
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = db_query(c, "SELECT value FROM app_meta WHERE key = 'vault_canary'", NULL, 0, &r, eb);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(r) == 0) {
        char *sealed = NULL, now[CLOCK_ISO_LEN], id[VAULT_KEY_ID_MAX];
        e = vault_seal(v->master, "vault-canary", (const unsigned char *)VAULT_CANARY,
                       strlen(VAULT_CANARY), &sealed);
        clock_now_iso(now);
        struct db_param p[] = {DB_P_TEXT(sealed), DB_P_TEXT(now)};
        if (e == ERR_OK)
            e = db_exec(c,
                        "INSERT INTO app_meta (key, value, updated_at) "
                        "VALUES ('vault_canary', $1, $2)",
                        p, 2, NULL, eb);
        free(sealed);
        bool have_keys = false;
        struct db_rows *k = NULL;
        if (e == ERR_OK)
            e = db_query(c, "SELECT 1 FROM vault_keys", NULL, 0, &k, eb);
        have_keys = db_rows_count(k) > 0;
        db_rows_free(k);
        if (e == ERR_OK && have_keys)
            e = err_set(eb, ERR_CONFIG, "vault_canary_missing",
                        "The vault holds keys but its canary is missing; restore app_meta from "
                        "a backup instead of starting half-blind.");
        if (e == ERR_OK)
            e = vault_key_add(v, c, "active", id, eb);
        if (e == ERR_OK)
            log_kv(LOG_INFO, "vault.initialized", "key_id", id, NULL);
    } else {
        unsigned char *plain = NULL;
        size_t len = 0;
        if (vault_unseal(v->master, "vault-canary", db_rows_get(r, 0, 0), &plain, &len) != ERR_OK ||
            len != strlen(VAULT_CANARY) || memcmp(plain, VAULT_CANARY, len) != 0)
            e = err_set(eb, ERR_CONFIG, "wrong_master_key",
                        "The configured master key cannot open this database's vault (its "
                        "canary does not decrypt): start with the master key the secrets were "
                        "sealed with (AICOS_MASTER_KEY or AICOS_MASTER_KEY_FILE).");
        if (plain != NULL)
            sodium_free(plain);
    }
    if (e == ERR_OK)
        e = db_commit(c, eb);
out:
    db_rows_free(r);
    db_release(c);
    return e;
}

enum err vault_open(struct db *db, const unsigned char key[32], struct vault **out,
                    struct errbuf *eb)
{
    *out = NULL;
    struct vault *v = calloc(1, sizeof *v);
    if (v == NULL)
        return ERR_NOMEM;
    v->db = db;
    v->master = sodium_malloc(32);
    if (v->master == NULL) {
        free(v);
        return ERR_NOMEM;
    }
    memcpy(v->master, key, 32);
    sodium_mprotect_readonly(v->master);
    enum err e = vault_init_or_verify(v, eb);
    if (e == ERR_CONFLICT) /* another process initialized it at the same moment */
        e = vault_init_or_verify(v, eb);
    if (e != ERR_OK) {
        vault_free(v);
        return e;
    }
    *out = v;
    return ERR_OK;
}

void vault_free(struct vault *v)
{
    if (v == NULL)
        return;
    sodium_free(v->master); /* sodium_free wipes before releasing */
    free(v);
}

enum err vault_name_check(const char *name, struct errbuf *eb)
{
    size_t len = strlen(name);
    if (len == 0 || len > VAULT_NAME_MAX)
        return err_set(eb, ERR_INVAL, "bad_secret_name", "A secret name has 1 to %d characters.",
                       VAULT_NAME_MAX);
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
              ch == '/' || ch == '-'))
            return err_set(eb, ERR_INVAL, "bad_secret_name",
                           "A secret name may only hold a-z, 0-9 and _ . / -.");
    }
    return ERR_OK;
}

void vault_mask(const char *value, size_t len, char out[VAULT_MASKED_MAX])
{
    /* Short values show nothing; longer ones their last four characters at most. */
    size_t shown = len >= 16 ? 4 : len >= 10 ? 2 : 0;
    snprintf(out, VAULT_MASKED_MAX, "****%.*s", (int)shown, value + len - shown);
}

/* Seals value of secret name under key key_id (read on c) into *sealed (freed by the caller). */
ERR_MUST_USE static enum err vault_seal_under(struct vault *v, struct db_conn *c,
                                              const char *key_id, const char *name,
                                              const char *value, size_t len, char **sealed,
                                              struct errbuf *eb)
{
    char ad[VAULT_AD_MAX];
    unsigned char dek[32];
    enum err e = vault_key_get(v, c, key_id, dek, eb);
    if (e == ERR_OK) {
        vault_ad(ad, sizeof ad, name, key_id);
        e = vault_seal(dek, ad, (const unsigned char *)value, len, sealed);
        sodium_memzero(dek, sizeof dek);
    }
    return e;
}

enum err vault_put(struct vault *v, const char *name, const char *value, size_t len,
                   const char *actor, struct errbuf *eb)
{
    enum err e = vault_name_check(name, eb);
    if (e != ERR_OK)
        return e;
    if (len == 0 || len > VAULT_VALUE_MAX)
        return err_set(eb, ERR_INVAL, "bad_secret_value", "A secret value has 1 to %d bytes.",
                       VAULT_VALUE_MAX);
    char key_id[VAULT_KEY_ID_MAX], masked[VAULT_MASKED_MAX], now[CLOCK_ISO_LEN], *sealed = NULL;
    struct db_conn *c = db_acquire(v->db);
    e = db_begin(c, eb);
    if (e == ERR_OK)
        e = vault_active_key(c, key_id, eb);
    if (e == ERR_OK)
        e = vault_seal_under(v, c, key_id, name, value, len, &sealed, eb);
    if (e == ERR_OK) {
        vault_mask(value, len, masked);
        clock_now_iso(now);
        struct db_param p[] = {DB_P_TEXT(name),   DB_P_TEXT(key_id), DB_P_TEXT(sealed),
                               DB_P_TEXT(masked), DB_P_TEXT(now),    DB_P_TEXT(actor)};
        e = db_exec(c,
                    "INSERT INTO secrets (name, key_id, sealed, masked, updated_at, updated_by) "
                    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET "
                    "key_id = excluded.key_id, sealed = excluded.sealed, masked = "
                    "excluded.masked, updated_at = excluded.updated_at, updated_by = "
                    "excluded.updated_by",
                    p, 6, NULL, eb);
    }
    if (e == ERR_OK)
        e = db_commit(c, eb);
    free(sealed);
    db_release(c);
    return e;
}

/* Reads and opens one secret on connection c. */
ERR_MUST_USE static enum err vault_get_on(struct vault *v, struct db_conn *c, const char *name,
                                          char **value, size_t *len, char *key_id_out,
                                          struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    /* One statement reads the secret and its key together, so a key destroyed by a
     * concurrent rotation (after re-sealing) is never looked up after the secret was read. */
    enum err e = db_query(c,
                          "SELECT s.key_id, s.sealed, k.wrapped_key FROM secrets s LEFT JOIN "
                          "vault_keys k ON k.id = s.key_id WHERE s.name = $1",
                          p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "secret_not_found", "There is no secret named %.128s.", name);
    unsigned char dek[32];
    if (e == ERR_OK && db_rows_is_null(r, 0, 2))
        e = err_set(eb, ERR_INTERNAL, "vault_key_missing", "Vault key %s is missing.",
                    db_rows_get(r, 0, 0));
    if (e == ERR_OK)
        e = vault_key_unwrap(v, db_rows_get(r, 0, 0), db_rows_get(r, 0, 2), dek, eb);
    if (e == ERR_OK) {
        char ad[VAULT_AD_MAX];
        vault_ad(ad, sizeof ad, name, db_rows_get(r, 0, 0));
        unsigned char *plain = NULL;
        e = vault_unseal(dek, ad, db_rows_get(r, 0, 1), &plain, len);
        sodium_memzero(dek, sizeof dek);
        if (e != ERR_OK)
            e = err_set(eb, ERR_INTERNAL, "secret_unreadable",
                        "Secret %.128s fails authentication (tampered or moved).", name);
        else
            *value = (char *)plain;
        if (key_id_out != NULL)
            snprintf(key_id_out, VAULT_KEY_ID_MAX, "%s", db_rows_get(r, 0, 0));
    }
    db_rows_free(r);
    return e;
}

enum err vault_get(struct vault *v, const char *name, char **value, size_t *len, struct errbuf *eb)
{
    *value = NULL;
    *len = 0;
    struct db_conn *c = db_acquire(v->db);
    enum err e = vault_get_on(v, c, name, value, len, NULL, eb);
    db_release(c);
    return e;
}

enum err vault_names_present(struct vault *v, const char *const *names, size_t n, bool *present,
                             struct errbuf *eb)
{
    struct db_param p[VAULT_PRESENT_MAX];
    struct db_rows *r = NULL;
    if (n == 0 || n > VAULT_PRESENT_MAX)
        return err_set(eb, ERR_INVAL, NULL, "vault_names_present: 1..%d names", VAULT_PRESENT_MAX);
    for (size_t i = 0; i < n; i++) {
        p[i] = DB_P_TEXT(names[i]);
        present[i] = false;
    }
    /* One statement text per n: "... IN ($1, $2, ...)"; the names are parameters. */
    char sql[64 + VAULT_PRESENT_MAX * 6] = "SELECT name FROM secrets WHERE name IN (";
    size_t len = strlen(sql);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s$%zu", i ? ", " : "", i + 1);
    snprintf(sql + len, sizeof sql - len, ")");
    enum err e = db_pool_query(v->db, sql, p, n, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *name = db_rows_get(r, i, 0);
        for (size_t k = 0; k < n; k++) {
            if (name != NULL && strcmp(name, names[k]) == 0)
                present[k] = true;
        }
    }
    db_rows_free(r);
    return e;
}

void vault_secret_free(char *value, size_t len)
{
    (void)len; /* sodium_free knows the size and wipes it */
    if (value != NULL)
        sodium_free(value);
}

enum err vault_delete(struct vault *v, const char *name, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(name)};
    int64_t changed = 0;
    enum err e = db_pool_exec(v->db, "DELETE FROM secrets WHERE name = $1", p, 1, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "secret_not_found", "There is no secret named %.128s.", name);
    return e;
}

enum err vault_list(struct vault *v, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_pool_query(v->db,
                               "SELECT name, masked, key_id, updated_at, updated_by FROM secrets "
                               "ORDER BY name",
                               NULL, 0, &r, eb);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; i < db_rows_count(r); i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", db_rows_get(r, i, 0), "masked",
                            db_rows_get(r, i, 1), "key_id", db_rows_get(r, i, 2), "updated_at",
                            db_rows_get(r, i, 3), "updated_by", db_rows_get(r, i, 4)));
    db_rows_free(r);
    *out = list;
    return ERR_OK;
}

enum err vault_status(struct vault *v, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(v->db,
                      "SELECT k.id, k.state, k.created_at, COUNT(s.name) FROM vault_keys k "
                      "LEFT JOIN secrets s ON s.key_id = k.id "
                      "GROUP BY k.id, k.state, k.created_at ORDER BY k.created_at, k.id",
                      NULL, 0, &r, eb);
    if (e != ERR_OK)
        return e;
    json_t *keys = json_array();
    json_int_t total = 0;
    const char *active = "";
    for (size_t i = 0; i < db_rows_count(r); i++) {
        int64_t n = db_rows_int_or(r, i, 3, 0);
        total += n;
        if (strcmp(db_rows_get(r, i, 1), "active") == 0)
            active = db_rows_get(r, i, 0);
        json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:I}", "id", db_rows_get(r, i, 0),
                                              "state", db_rows_get(r, i, 1), "created_at",
                                              db_rows_get(r, i, 2), "secrets", (json_int_t)n));
    }
    *out = json_pack("{s:s, s:I, s:o}", "active_key", active, "secrets", total, "keys", keys);
    db_rows_free(r);
    return ERR_OK;
}

enum err vault_check(struct vault *v, unsigned *ok, unsigned *failed, json_t **report,
                     struct errbuf *eb)
{
    *ok = 0;
    *failed = 0;
    *report = json_array();
    struct db_rows *r = NULL;
    struct db_conn *c = db_acquire(v->db);
    enum err e = db_query(c, "SELECT name FROM secrets ORDER BY name", NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        char *value = NULL;
        size_t len = 0;
        struct errbuf why = {0};
        if (vault_get_on(v, c, db_rows_get(r, i, 0), &value, &len, NULL, &why) == ERR_OK) {
            (*ok)++;
        } else {
            (*failed)++;
            json_array_append_new(
                *report, json_pack("{s:s, s:s}", "name", db_rows_get(r, i, 0), "error", why.msg));
        }
        vault_secret_free(value, len);
    }
    db_release(c);
    db_rows_free(r);
    return e;
}

/* Re-seals one secret from its key to the active key, if it is still on old_key. */
ERR_MUST_USE static enum err vault_reseal_one(struct vault *v, struct db_conn *c, const char *name,
                                              const char *active, struct errbuf *eb)
{
    char *value = NULL, *sealed = NULL, old_key[VAULT_KEY_ID_MAX];
    size_t len = 0;
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = vault_get_on(v, c, name, &value, &len, old_key, eb);
    if (e == ERR_OK)
        e = vault_seal_under(v, c, active, name, value, len, &sealed, eb);
    if (e == ERR_OK) {
        /* Compare-and-set on the old key: a concurrent write already used the new key. */
        struct db_param p[] = {DB_P_TEXT(active), DB_P_TEXT(sealed), DB_P_TEXT(name),
                               DB_P_TEXT(old_key)};
        e = db_exec(c,
                    "UPDATE secrets SET key_id = $1, sealed = $2 WHERE name = $3 AND key_id = $4",
                    p, 4, NULL, eb);
    }
    e = db_end(c, e, eb);
    vault_secret_free(value, len);
    free(sealed);
    return e;
}

/* Deletes every non-active key that seals no secret; *destroyed (may be NULL) counts them. */
ERR_MUST_USE static enum err vault_keys_destroy_unused(struct db_conn *c, int64_t *destroyed,
                                                       struct errbuf *eb)
{
    int64_t n = 0;
    enum err e = db_exec(c,
                         "DELETE FROM vault_keys WHERE state <> 'active' AND id NOT IN (SELECT "
                         "key_id FROM secrets)",
                         NULL, 0, &n, eb);
    if (e == ERR_OK && n > 0) {
        char count[24];
        snprintf(count, sizeof count, "%lld", (long long)n);
        log_kv(LOG_INFO, "vault.keys_destroyed", "count", count, NULL);
    }
    if (destroyed != NULL)
        *destroyed = n;
    return e;
}

enum err vault_rotate(struct vault *v, unsigned max_steps, unsigned *resealed, char *new_key,
                      struct errbuf *eb)
{
    *resealed = 0;
    struct db_conn *c = db_acquire(v->db);
    struct db_rows *r = NULL;
    char active[VAULT_KEY_ID_MAX];
    /* Step 1: a new active key, unless a rotation is already under way; the state is read
     * under the ring lock, so of two concurrent rotations the second resumes the first. */
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = vault_ring_lock(v, c, eb);
    if (e == ERR_OK)
        e = vault_active_key(c, active, eb);
    if (e == ERR_OK) {
        struct db_param p[] = {DB_P_TEXT(active)};
        e = db_query(c,
                     "SELECT 1 FROM vault_keys WHERE state = 'retiring' UNION ALL "
                     "SELECT 1 FROM secrets WHERE key_id <> $1",
                     p, 1, &r, eb);
    }
    if (e == ERR_OK && db_rows_count(r) == 0) {
        struct db_param p[] = {DB_P_TEXT(active)};
        e = db_exec(c, "UPDATE vault_keys SET state = 'retiring' WHERE id = $1", p, 1, NULL, eb);
        if (e == ERR_OK)
            e = vault_key_add(v, c, "active", active, eb);
        if (e == ERR_OK)
            log_kv(LOG_INFO, "vault.rotation_started", "key_id", active, NULL);
    } else if (e == ERR_OK) {
        log_kv(LOG_INFO, "vault.rotation_resumed", "key_id", active, NULL);
    }
    db_rows_free(r);
    r = NULL;
    e = db_end(c, e, eb);
    if (e != ERR_OK)
        goto out;
    snprintf(new_key, VAULT_KEY_ID_MAX, "%s", active);
    /* Step 2: re-seal everything still under an older key, one transaction each. */
    struct db_param p[] = {DB_P_TEXT(active)};
    e = db_query(c, "SELECT name FROM secrets WHERE key_id <> $1 ORDER BY name", p, 1, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        if (max_steps > 0 && *resealed >= max_steps) {
            e = err_set(eb, ERR_UNAVAILABLE, "rotation_interrupted",
                        "The rotation stopped after %u secrets; run it again to finish.",
                        *resealed);
            goto out;
        }
        e = vault_reseal_one(v, c, db_rows_get(r, i, 0), active, eb);
        if (e == ERR_OK)
            (*resealed)++;
    }
    /* Step 3: keys that seal nothing any more are destroyed (their wrapped form deleted). */
    if (e == ERR_OK)
        e = vault_keys_destroy_unused(c, NULL, eb);
out:
    db_rows_free(r);
    db_release(c);
    return e;
}

enum err vault_repair(struct vault *v, json_t **repairs, struct errbuf *eb)
{
    *repairs = json_array();
    struct db_conn *c = db_acquire(v->db);
    struct db_rows *r = NULL;
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = vault_ring_lock(v, c, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT id FROM vault_keys WHERE state = 'active' ORDER BY created_at DESC, "
                     "id DESC",
                     NULL, 0, &r, eb);
    /* More than one active key (two rotations raced before the ring lock existed): the
     * newest stays active, the others are retiring, and a rotation moves their secrets. */
    for (size_t i = 1; e == ERR_OK && i < db_rows_count(r); i++) {
        struct db_param p[] = {DB_P_TEXT(db_rows_get(r, i, 0))};
        e = db_exec(c, "UPDATE vault_keys SET state = 'retiring' WHERE id = $1", p, 1, NULL, eb);
        if (e == ERR_OK)
            json_array_append_new(*repairs, json_pack("{s:s, s:s}", "key_id", db_rows_get(r, i, 0),
                                                      "repair", "extra active key set retiring"));
    }
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_INTERNAL, "vault_no_active_key",
                    "The vault has no active key; restore vault_keys from a backup.");
    /* Retiring keys that seal nothing (an interrupted rotation's tail) are destroyed. */
    int64_t n = 0;
    if (e == ERR_OK)
        e = vault_keys_destroy_unused(c, &n, eb);
    if (e == ERR_OK && n > 0)
        json_array_append_new(*repairs, json_pack("{s:s, s:I}", "repair", "unused keys destroyed",
                                                  "count", (json_int_t)n));
    e = db_end(c, e, eb);
    db_rows_free(r);
    db_release(c);
    return e;
}

enum err vault_rewrap(struct vault *v, const unsigned char new_master[32], unsigned *keys,
                      struct errbuf *eb)
{
    *keys = 0;
    if (sodium_memcmp(new_master, v->master, 32) == 0)
        return err_set(eb, ERR_INVAL, "same_master_key",
                       "The new master key is the one in use; generate a new one.");
    struct db_conn *c = db_acquire(v->db);
    struct db_rows *r = NULL;
    char *sealed = NULL;
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = vault_ring_lock(v, c, eb);
    if (e == ERR_OK)
        e = db_query(c, "SELECT id, wrapped_key FROM vault_keys ORDER BY id", NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *id = db_rows_get(r, i, 0);
        unsigned char dek[32];
        char ad[64];
        snprintf(ad, sizeof ad, "vault-key:%s", id);
        e = vault_key_unwrap(v, id, db_rows_get(r, i, 1), dek, eb);
        if (e == ERR_OK)
            e = vault_seal(new_master, ad, dek, sizeof dek, &sealed);
        sodium_memzero(dek, sizeof dek);
        struct db_param p[] = {DB_P_TEXT(sealed), DB_P_TEXT(id)};
        if (e == ERR_OK)
            e = db_exec(c, "UPDATE vault_keys SET wrapped_key = $1 WHERE id = $2", p, 2, NULL, eb);
        free(sealed);
        sealed = NULL;
        if (e == ERR_OK)
            (*keys)++;
    }
    /* The canary under the new key: from the commit on, only the new key opens the vault. */
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    if (e == ERR_OK)
        e = vault_seal(new_master, "vault-canary", (const unsigned char *)VAULT_CANARY,
                       strlen(VAULT_CANARY), &sealed);
    struct db_param p[] = {DB_P_TEXT(sealed), DB_P_TEXT(now)};
    if (e == ERR_OK)
        e = db_exec(c, "UPDATE app_meta SET value = $1, updated_at = $2 WHERE key = 'vault_canary'",
                    p, 2, NULL, eb);
    free(sealed);
    e = db_end(c, e, eb);
    db_rows_free(r);
    db_release(c);
    if (e == ERR_OK) {
        /* This handle now holds the new master key too. */
        sodium_mprotect_readwrite(v->master);
        memcpy(v->master, new_master, 32);
        sodium_mprotect_readonly(v->master);
    }
    return e;
}
