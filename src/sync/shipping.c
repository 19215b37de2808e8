/*
 * On-demand buyer shipping info: the encrypted copy in the vault, or a fresh
 * bg.order.shippinginfo.v2.get. See shipping.h.
 */
#include "sync/shipping.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sync/query.h"
#include "sync/sync.h"
#include "temu/api.h"
#include "temu/client.h"
#include "vault/vault.h"

#define SHIPPING_PREFIX     "pii/orders/"
#define SHIPPING_SKEW_S     300 /* a copy "from the future" beyond this is not trusted */
#define SHIPPING_DIGEST_LEN 16  /* bytes of the BLAKE2b name of an order number */

/* The §5.4 fields we keep; anything else Temu adds is left out of the copy. */
static const char *const shipping_fields[] = {
    "receiptName",  "receiptAdditionalName", "mobile",         "backupMobile", "mail",
    "regionName1",  "regionName2",           "regionName3",    "regionName4",  "addressLine1",
    "addressLine2", "addressLine3",          "addressLineAll", "postCode",     "taxCode",
    "warning",      "nationalAddress",       "addressExtra",
};

/* The secret name of an order's copy: readable when the number fits a name, else a digest. */
ERR_MUST_USE static enum err shipping_name(const char *conn, const char *sn,
                                           char name[VAULT_NAME_MAX + 1])
{
    size_t n = (size_t)snprintf(name, VAULT_NAME_MAX + 1, SHIPPING_PREFIX "%s/", conn);
    size_t i = 0;
    for (; sn[i] != '\0' && n + i < VAULT_NAME_MAX; i++) {
        char ch = sn[i];
        name[n + i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    name[n + i] = '\0';
    if (sn[i] == '\0' && vault_name_check(name, NULL) == ERR_OK)
        return ERR_OK;
    unsigned char d[SHIPPING_DIGEST_LEN];
    char hex[2 * SHIPPING_DIGEST_LEN + 1];
    crypto_generichash(d, sizeof d, (const unsigned char *)sn, strlen(sn), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    snprintf(name, VAULT_NAME_MAX + 1, SHIPPING_PREFIX "%s/h-%s", conn, hex);
    return vault_name_check(name, NULL);
}

/*
 * The fresh copy of (conn, sn) from the vault as a new object {fetched_at, shipping}, or NULL
 * (absent, stale, for another order, or unreadable: the caller fetches again).
 */
static json_t *shipping_cached(struct vault *v, const char *name, const char *conn, const char *sn,
                               int64_t now)
{
    char *val = NULL;
    size_t len = 0;
    struct errbuf eb = {0};
    enum err e = vault_get(v, name, &val, &len, &eb);
    if (e != ERR_OK) {
        if (e != ERR_NOTFOUND)
            log_kv(LOG_WARN, "shipping.copy_unreadable", "order", sn, "code", errbuf_code(&eb, e),
                   NULL);
        return NULL;
    }
    json_t *doc = json_loadb(val, len, JSON_REJECT_DUPLICATES, NULL);
    vault_secret_free(val, len);
    const char *dsn = json_string_value(json_object_get(doc, "parent_order_sn"));
    const char *dconn = json_string_value(json_object_get(doc, "connection_id"));
    json_int_t at = json_integer_value(json_object_get(doc, "fetched_at"));
    if (dsn == NULL || dconn == NULL || strcmp(dsn, sn) != 0 || strcmp(dconn, conn) != 0 ||
        !json_is_object(json_object_get(doc, "shipping")) || at > now + SHIPPING_SKEW_S ||
        now - at >= SHIPPING_FRESH_S) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* Fetches the address now into a new object {parent_order_sn, connection_id, shipping, ...}. */
ERR_MUST_USE static enum err shipping_fetch(const struct connect_env *env, const char *conn,
                                            const char *sn, int64_t now, json_t **doc,
                                            struct temu_error *te, struct errbuf *eb)
{
    struct temu_client *cl = NULL;
    struct temu_order o;
    enum temu_region region = TEMU_REGION_US;
    char *token = NULL;
    size_t len = 0;
    memset(&o, 0, sizeof o);
    enum err e = connect_token_get(env, conn, &region, &token, &len, eb);
    if (e == ERR_OK)
        e = connect_client_new(env, region, token, &cl, eb);
    if (e != ERR_OK)
        goto out;
    if (temu_api_order_shippinginfo(cl, sn, &o, te) != ERR_OK) {
        e = connect_upstream_error(env, conn, te, now, eb);
        goto out;
    }
    if (!json_is_object(o.result)) {
        e = err_set(eb, ERR_UPSTREAM, "temu_call_failed", "Temu answered without a result.");
        goto out;
    }
    json_t *ship = json_object();
    *doc = json_object();
    if (ship == NULL || *doc == NULL) {
        json_decref(ship);
        json_decref(*doc);
        *doc = NULL;
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sizeof shipping_fields / sizeof shipping_fields[0]; i++) {
        json_t *f = json_object_get(o.result, shipping_fields[i]);
        if (json_is_string(f) ||
            (json_is_object(f) && (strcmp(shipping_fields[i], "warning") == 0 ||
                                   strcmp(shipping_fields[i], "addressExtra") == 0)))
            json_object_set(ship, shipping_fields[i], f);
    }
    /* fetched_at comes last so that the vault's masked form (last characters) shows no PII. */
    if (json_object_set_new(*doc, "parent_order_sn", json_string(sn)) != 0 ||
        json_object_set_new(*doc, "connection_id", json_string(conn)) != 0 ||
        json_object_set_new(*doc, "shipping", ship) != 0 ||
        json_object_set_new(*doc, "fetched_at", json_integer(now)) != 0) {
        json_decref(*doc);
        *doc = NULL;
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
out:
    temu_order_clear(&o);
    temu_client_free(cl);
    if (token != NULL)
        vault_secret_free(token, len);
    return e;
}

/* Seals doc under name. */
ERR_MUST_USE static enum err shipping_store(struct vault *v, const char *name, const json_t *doc,
                                            const char *actor, struct errbuf *eb)
{
    char *val = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (val == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    size_t len = strlen(val);
    enum err e = len > VAULT_VALUE_MAX ? err_set(eb, ERR_UPSTREAM, "temu_call_failed",
                                                 "Temu's shipping info is too large to store.")
                                       : vault_put(v, name, val, len, actor, eb);
    sodium_memzero(val, len);
    free(val);
    return e;
}

enum err shipping_get(const struct connect_env *env, const char *connection_id, const char *sn,
                      enum shipping_mode mode, const char *actor, int64_t now, json_t **out,
                      struct shipping_result *res, struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    char name[VAULT_NAME_MAX + 1];
    json_t *doc = NULL;
    *out = NULL;
    memset(res, 0, sizeof *res);
    temu_error_clear(te);
    if (sn == NULL || sn[0] == '\0' || strlen(sn) > SYNC_SN_MAX)
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    enum err e = query_order_locate(env->db, connection_id, sn, res->connection_id, NULL, eb);
    if (e != ERR_OK)
        return e;
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured: buyer addresses are only kept "
                       "encrypted. Set AICOS_MASTER_KEY or AICOS_MASTER_KEY_FILE.");
    if (shipping_name(res->connection_id, sn, name) != ERR_OK)
        return err_set(eb, ERR_INTERNAL, NULL, "cannot name the encrypted copy");
    doc = shipping_cached(env->vault, name, res->connection_id, sn, now);
    res->source = "vault";
    if (doc == NULL && mode == SHIPPING_STORED)
        return err_set(eb, ERR_NOTFOUND, "shipping_not_fetched",
                       "No fresh encrypted copy of this order's shipping info is stored; fetch it "
                       "from Temu with POST on this URL.");
    if (doc == NULL) {
        res->source = "temu";
        e = shipping_fetch(env, res->connection_id, sn, now, &doc, te, eb);
        if (e == ERR_OK)
            e = shipping_store(env->vault, name, doc, actor, eb);
        if (e != ERR_OK) {
            json_decref(doc);
            return e;
        }
    }
    if (json_object_set_new(doc, "source", json_string(res->source)) != 0) {
        json_decref(doc);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    *out = doc;
    return ERR_OK;
}
