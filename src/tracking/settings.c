/*
 * Tracking settings: the provider, its URL, the keys in the vault (shown masked), the switch
 * and the 17TRACK request budget. Everything is checked before anything is written. See
 * tracking.h.
 */
#include <stdio.h>
#include <string.h>

#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

#define SETTINGS_KEY_MAX 200

/* A 17TRACK key: 1 to SETTINGS_KEY_MAX characters without spaces. */
static bool settings_key_ok(const char *key)
{
    return *key != '\0' && strlen(key) <= SETTINGS_KEY_MAX && strpbrk(key, " \t\r\n") == NULL;
}

/* Every field of c checked; nothing written. */
ERR_MUST_USE static enum err settings_check(const struct connect_env *env,
                                            const struct tracking_settings_change *c,
                                            struct errbuf *eb)
{
    const char *pv = c->provider;
    if (pv != NULL && strcmp(pv, "none") != 0 && strcmp(pv, "temu") != 0 &&
        strcmp(pv, "17track") != 0)
        return err_set(eb, ERR_INVAL, "bad_provider", "The provider is none, temu or 17track.");
    if (c->url != NULL && *c->url != '\0') {
        struct t17_client *probe = NULL;
        struct t17_options o = {.base_url = c->url, .key = "probe"};
        enum err e = t17_client_new(&o, &probe, eb);
        t17_client_free(probe);
        if (e != ERR_OK)
            return e;
    }
    if (c->key != NULL && !settings_key_ok(c->key))
        return err_set(eb, ERR_INVAL, "provider_key_invalid",
                       "The 17TRACK key is 1 to %d characters without spaces.", SETTINGS_KEY_MAX);
    if (c->push_key != NULL && *c->push_key != '\0' && !settings_key_ok(c->push_key))
        return err_set(eb, ERR_INVAL, "push_key_invalid",
                       "The push key is 1 to %d characters without spaces.", SETTINGS_KEY_MAX);
    if (c->enabled < -1 || c->enabled > 1)
        return err_set(eb, ERR_INVAL, "bad_enabled", "enabled is true or false.");
    if (c->rate_per_min < 0 || c->rate_per_min > TRACKING_RATE_MAX)
        return err_set(eb, ERR_INVAL, "bad_rate",
                       "The request budget is 1 to %d requests a minute (17TRACK allows 3 a "
                       "second per key).",
                       TRACKING_RATE_MAX);
    if ((c->key != NULL || c->push_key != NULL) && env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "The vault is not open (no master key): the key cannot be stored.");
    return ERR_OK;
}

/* The keys into the vault (before the settings, so a provider never lacks its new key). */
ERR_MUST_USE static enum err settings_keys(const struct connect_env *env,
                                           const struct tracking_settings_change *c,
                                           struct errbuf *eb)
{
    enum err e = ERR_OK;
    if (c->key != NULL)
        e = vault_put(env->vault, TRACKING_KEY_SECRET, c->key, strlen(c->key), "tracking", eb);
    if (e == ERR_OK && c->push_key != NULL && *c->push_key != '\0')
        e = vault_put(env->vault, TRACKING_PUSH_KEY_SECRET, c->push_key, strlen(c->push_key),
                      "tracking", eb);
    if (e == ERR_OK && c->push_key != NULL && *c->push_key == '\0') {
        e = vault_delete(env->vault, TRACKING_PUSH_KEY_SECRET, eb);
        e = e == ERR_NOTFOUND ? ERR_OK : e;
    }
    return e;
}

/* The settings rows of c in one transaction; a new provider takes the open parcels. */
ERR_MUST_USE static enum err settings_rows(struct db_conn *db,
                                           const struct tracking_settings_change *c, int64_t now,
                                           struct errbuf *eb)
{
    char v[24];
    enum err e = db_begin(db, eb);
    if (e == ERR_OK && c->provider != NULL)
        e = tstore_setting_put(db, "provider", c->provider, now, eb);
    if (e == ERR_OK && c->url != NULL)
        e = tstore_setting_put(db, "url", c->url, now, eb);
    if (e == ERR_OK && c->key != NULL)
        e = tstore_setting_put(db, "key_refused_at", "0", now, eb);
    if (e == ERR_OK && c->enabled >= 0)
        e = tstore_setting_put(db, "enabled", c->enabled ? "1" : "0", now, eb);
    snprintf(v, sizeof v, "%lld", (long long)c->rate_per_min);
    if (e == ERR_OK && c->rate_per_min > 0)
        e = tstore_setting_put(db, "rate_per_min", v, now, eb);
    if (e == ERR_OK && c->provider != NULL && strcmp(c->provider, "none") != 0) {
        /* Open parcels follow the configured provider: registered there on the next refresh
         * (nothing to register with Temu), polled at once. */
        struct db_param p[] = {DB_P_TEXT(c->provider), DB_P_INT(now)};
        e = db_exec(db,
                    "UPDATE tracking_shipments SET provider = $1, reg_state = CASE WHEN $1 = "
                    "'temu' THEN 'registered' ELSE 'new' END, reg_error = '', next_poll_at = 0, "
                    "updated_at = $2 WHERE provider <> $1 AND status NOT IN ('delivered', "
                    "'returned', 'expired')",
                    p, 2, NULL, eb);
    }
    return db_end(db, e, eb);
}

enum err tracking_settings_change(const struct connect_env *env,
                                  const struct tracking_settings_change *c, int64_t now,
                                  struct errbuf *eb)
{
    enum err e = settings_check(env, c, eb);
    if (e == ERR_OK)
        e = settings_keys(env, c, eb);
    if (e != ERR_OK)
        return e;
    struct db_conn *db = db_acquire(env->db);
    e = settings_rows(db, c, now, eb);
    db_release(db);
    return e;
}

enum err tracking_configure(const struct connect_env *env, const char *provider, const char *url,
                            const char *key, int64_t now, struct errbuf *eb)
{
    if (provider == NULL)
        return err_set(eb, ERR_INVAL, "bad_provider", "The provider is none, temu or 17track.");
    struct tracking_settings_change c = {
        .provider = provider, .url = url, .key = key, .enabled = -1};
    return tracking_settings_change(env, &c, now, eb);
}

/* A secret of the vault masked into out, or "" when absent or there is no vault. */
ERR_MUST_USE static enum err settings_masked(const struct connect_env *env, const char *name,
                                             char out[VAULT_MASKED_MAX], struct errbuf *eb)
{
    char *v = NULL;
    size_t len = 0;
    out[0] = '\0';
    if (env->vault == NULL)
        return ERR_OK;
    enum err e = vault_get(env->vault, name, &v, &len, eb);
    if (e == ERR_OK)
        vault_mask(v, len, out);
    vault_secret_free(v, len);
    return e == ERR_NOTFOUND ? ERR_OK : e;
}

enum err tracking_settings_json(const struct connect_env *env, json_t **out, struct errbuf *eb)
{
    struct tracking_settings s;
    char key[VAULT_MASKED_MAX], push[VAULT_MASKED_MAX];
    enum err e = tracking_settings_get(env->db, &s, eb);
    if (e == ERR_OK)
        e = settings_masked(env, TRACKING_KEY_SECRET, key, eb);
    if (e == ERR_OK)
        e = settings_masked(env, TRACKING_PUSH_KEY_SECRET, push, eb);
    if (e != ERR_OK)
        return e;
    *out = json_pack("{s:s, s:s, s:b, s:I, s:s?, s:s?, s:s, s:I, s:s, s:I}", "provider", s.provider,
                     "url", s.url[0] ? s.url : T17_DEFAULT_URL, "enabled", s.enabled,
                     "rate_per_min", (json_int_t)s.rate_per_min, "key", key[0] ? key : NULL,
                     "push_key", push[0] ? push : NULL, "webhook_path",
                     "/api/v1/tracking/17track/webhook", "last_ok_at", (json_int_t)s.last_ok_at,
                     "last_error", s.last_error, "key_refused_at", (json_int_t)s.key_refused_at);
    return *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
}
