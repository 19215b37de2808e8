/*
 * 17TRACK push intake: verify, store, apply, in one transaction before the answer. See
 * tracking.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracking/store.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

#define PUSH_PARCELS_MAX 20 /* parcels sharing one number that a push updates */

/* Stores the push under its content hash; *dup when it was there already. */
ERR_MUST_USE static enum err push_store(struct db_conn *c, const char *body, size_t len,
                                        const struct tracking_update *u, int64_t now, bool *dup,
                                        struct errbuf *eb)
{
    unsigned char h[16];
    char id[33];
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    sodium_bin2hex(id, sizeof id, h, sizeof h);
    char *text = strndup(body, len);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(u->stopped ? "TRACKING_STOPPED" : "TRACKING_UPDATED"),
                           DB_P_TEXT(u->number), DB_P_INT(now), DB_P_TEXT(text)};
    int64_t n = 0;
    enum err e = db_exec(c,
                         "INSERT INTO tracking_pushes (id, event, number, deliveries, received_at, "
                         "body) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (id) DO NOTHING",
                         p, 5, &n, eb);
    free(text);
    *dup = n == 0;
    if (e == ERR_OK && *dup)
        e = db_exec(c, "UPDATE tracking_pushes SET deliveries = deliveries + 1 WHERE id = $1", p, 1,
                    NULL, eb);
    return e;
}

/* Applies u to every 17TRACK parcel of its number; ids gets them (at most PUSH_PARCELS_MAX). */
ERR_MUST_USE static enum err push_apply(struct db_conn *c, const struct tracking_update *u,
                                        int64_t now, char ids[][TRACKING_ID_LEN + 1], size_t *n,
                                        struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(u->number)};
    enum err e = db_query(c,
                          "SELECT id FROM tracking_shipments WHERE tracking_number = $1 AND "
                          "provider = '17track' ORDER BY id LIMIT 20",
                          p, 1, &r, eb);
    *n = 0;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r) && i < PUSH_PARCELS_MAX; i++) {
        bool changed = false;
        snprintf(ids[*n], TRACKING_ID_LEN + 1, "%s", db_rows_get(r, i, 0));
        e = tstore_apply(c, ids[*n], u, now, &changed, eb);
        (*n)++;
    }
    db_rows_free(r);
    return e;
}

/*
 * A push refused under the API key (result) may be signed with the second key (during a key
 * rotation, the old one): verified and read with that key when one is stored, else result.
 */
ERR_MUST_USE static enum err push_open_second(const struct connect_env *env, const char *body,
                                              size_t len, const char *sign,
                                              struct tracking_update *u, enum err result,
                                              struct errbuf *eb)
{
    char *key = NULL;
    size_t klen = 0;
    struct errbuf kb = {0};
    struct tracking_provider *p = NULL;
    if (env->vault == NULL ||
        vault_get(env->vault, TRACKING_PUSH_KEY_SECRET, &key, &klen, &kb) != ERR_OK)
        return result;
    enum err e = tracking_provider_17track_new(NULL, key, NULL, 0, &p, eb);
    vault_secret_free(key, klen);
    if (e == ERR_OK) {
        tracking_update_clear(u);
        e = p->ops->push_open(p, body, len, sign, u, eb);
    }
    tracking_provider_free(p);
    return e;
}

enum err tracking_push_receive(const struct connect_env *env, const char *body, size_t len,
                               const char *sign, int64_t now, bool *duplicate, struct errbuf *eb)
{
    struct tracking_provider *p = NULL;
    struct tracking_update u = {0};
    char ids[PUSH_PARCELS_MAX][TRACKING_ID_LEN + 1];
    size_t n = 0;
    *duplicate = false;
    enum err e = tracking_provider_open(env, &p, eb);
    if (e == ERR_OK && strcmp(p->ops->name, "17track") != 0)
        e = err_set(eb, ERR_CONFLICT, "tracking_not_17track",
                    "17TRACK is not the configured tracking provider.");
    if (e == ERR_OK)
        e = p->ops->push_open(p, body, len, sign, &u, eb);
    tracking_provider_free(p);
    if (e == ERR_AUTH)
        e = push_open_second(env, body, len, sign, &u, e, eb);
    if (e != ERR_OK) {
        tracking_update_clear(&u);
        return e;
    }
    /* A push may carry a virtual or skewed clock; flags are judged no earlier than its news. */
    int64_t at = u.latest_at > now ? u.latest_at : now;
    struct db_conn *c = db_acquire(env->db);
    e = db_begin(c, eb);
    if (e == ERR_OK)
        e = push_store(c, body, len, &u, now, duplicate, eb);
    if (e == ERR_OK && !*duplicate)
        e = push_apply(c, &u, now, ids, &n, eb);
    e = db_end(c, e, eb);
    db_release(c);
    tracking_update_clear(&u);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        int64_t raised = 0, cleared = 0, open = 0;
        e = tstore_flags_eval(env->db, ids[i], at, &raised, &cleared, &open, eb);
    }
    return e;
}
