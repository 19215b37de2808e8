#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vclock.h"

enum auth_state { AUTH_SLOT_FREE, AUTH_SLOT_ACTIVE, AUTH_SLOT_REPLACED, AUTH_SLOT_REVOKED };

struct auth_slot {
    enum auth_state state;
    bool is_code;
    bool used; /* codes: exchanged already */
    struct auth_token t;
};

struct auth {
    struct auth_app apps[SBX_APPS_MAX];
    size_t napps;
    pthread_mutex_t lock;
    struct auth_slot *slots; /* SBX_TOKENS_MAX codes and tokens */
};

struct auth *auth_new(void)
{
    struct auth *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->slots = calloc(SBX_TOKENS_MAX, sizeof *a->slots);
    if (a->slots == NULL) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

void auth_free(struct auth *a)
{
    if (a == NULL)
        return;
    sodium_memzero(a->slots, SBX_TOKENS_MAX * sizeof *a->slots);
    free(a->slots);
    pthread_mutex_destroy(&a->lock);
    sodium_memzero(a, sizeof *a);
    free(a);
}

static bool auth_copy_name(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n == 0 || n >= SBX_NAME_MAX)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

bool auth_load_apps(struct auth *a, const char *path, char *err, size_t errlen)
{
    bool ok = false;
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        snprintf(err, errlen, "--apps %s: %s (line %d)", path, jerr.text, jerr.line);
        goto out;
    }
    if (!json_is_array(doc) || json_array_size(doc) == 0 || json_array_size(doc) > SBX_APPS_MAX) {
        snprintf(err, errlen, "--apps %s: want a JSON array of 1 to %d apps", path, SBX_APPS_MAX);
        goto out;
    }
    size_t i;
    json_t *item;
    json_array_foreach(doc, i, item)
    {
        struct auth_app *app = &a->apps[a->napps];
        memset(app, 0, sizeof *app);
        const char *key = json_string_value(json_object_get(item, "app_key"));
        const char *secret = json_string_value(json_object_get(item, "app_secret"));
        const char *name = json_string_value(json_object_get(item, "name"));
        json_t *scopes = json_object_get(item, "scopes");
        if (key == NULL || secret == NULL || !auth_copy_name(app->key, key) ||
            !auth_copy_name(app->secret, secret) || strlen(secret) < 16) {
            snprintf(err, errlen,
                     "--apps %s: app %zu needs app_key and app_secret (16 to %d characters)", path,
                     i, SBX_NAME_MAX - 1);
            goto out;
        }
        if (auth_app_find(a, key) != NULL) {
            snprintf(err, errlen, "--apps %s: app_key %s appears twice", path, key);
            goto out;
        }
        if (!auth_copy_name(app->name, name != NULL ? name : key)) {
            snprintf(err, errlen, "--apps %s: app %zu has a bad name", path, i);
            goto out;
        }
        if (!json_is_array(scopes) || json_array_size(scopes) > SBX_SCOPES_MAX) {
            snprintf(err, errlen, "--apps %s: app %s needs scopes, a list of at most %d types",
                     path, key, SBX_SCOPES_MAX);
            goto out;
        }
        size_t j;
        json_t *s;
        json_array_foreach(scopes, j, s)
        {
            if (!json_is_string(s) || !auth_copy_name(app->scopes[j], json_string_value(s))) {
                snprintf(err, errlen, "--apps %s: app %s: scope %zu is not a type name", path, key,
                         j);
                goto out;
            }
        }
        app->nscopes = json_array_size(scopes);
        app->suspended = json_is_true(json_object_get(item, "suspended"));
        a->napps++;
    }
    ok = true;
out:
    json_decref(doc);
    return ok;
}

const struct auth_app *auth_add_default_app(struct auth *a, const char *const *types, size_t n)
{
    if (a->napps >= SBX_APPS_MAX)
        return NULL;
    struct auth_app *app = &a->apps[a->napps++];
    memset(app, 0, sizeof *app);
    /* Fixed, well-known values: the development app is for local use only and `make run`
     * prints them, so a developer can paste them into the console. */
    auth_copy_name(app->key, "sandboxdevapp0000000000000000001");
    auth_copy_name(app->secret, "sandboxdevsecret000000000000000000000001");
    auth_copy_name(app->name, "Sandbox development app");
    for (size_t i = 0; i < n && i < SBX_SCOPES_MAX; i++)
        auth_copy_name(app->scopes[app->nscopes++], types[i]);
    return app;
}

const struct auth_app *auth_app_find(const struct auth *a, const char *key)
{
    for (size_t i = 0; i < a->napps; i++)
        if (strcmp(a->apps[i].key, key) == 0)
            return &a->apps[i];
    return NULL;
}

const struct auth_app *auth_app_at(const struct auth *a, size_t i)
{
    return i < a->napps ? &a->apps[i] : NULL;
}

bool auth_scope_has(const char (*scopes)[SBX_NAME_MAX], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(scopes[i], name) == 0)
            return true;
    return false;
}

/* 56 lowercase alphanumerics, the look of real codes and tokens. */
static void auth_random_token(char out[AUTH_TOKEN_LEN + 1])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < AUTH_TOKEN_LEN; i++)
        out[i] = alphabet[randombytes_uniform(36)];
    out[AUTH_TOKEN_LEN] = '\0';
}

/* A free slot, or one whose entry no test can still ask about (used or expired codes). */
static struct auth_slot *auth_slot_take(struct auth *a, int64_t now)
{
    for (size_t i = 0; i < SBX_TOKENS_MAX; i++)
        if (a->slots[i].state == AUTH_SLOT_FREE)
            return &a->slots[i];
    for (size_t i = 0; i < SBX_TOKENS_MAX; i++)
        if (a->slots[i].is_code && a->slots[i].t.expires + SBX_CODE_TTL_S < now)
            return &a->slots[i];
    return NULL;
}

static struct auth_slot *auth_slot_find(struct auth *a, const char *token, bool is_code)
{
    for (size_t i = 0; i < SBX_TOKENS_MAX; i++) {
        struct auth_slot *s = &a->slots[i];
        if (s->state != AUTH_SLOT_FREE && s->is_code == is_code && strcmp(s->t.token, token) == 0)
            return s;
    }
    return NULL;
}

static void auth_fill(struct auth_token *t, const char *app_key, int64_t mall_id, int region_id,
                      const char (*scopes)[SBX_NAME_MAX], size_t nscopes)
{
    memset(t, 0, sizeof *t);
    auth_random_token(t->token);
    auth_copy_name(t->app_key, app_key);
    t->mall_id = mall_id;
    t->region_id = region_id;
    for (size_t i = 0; i < nscopes && i < SBX_SCOPES_MAX; i++)
        memcpy(t->scopes[t->nscopes++], scopes[i], SBX_NAME_MAX);
}

bool auth_code_issue(struct auth *a, const char *app_key, int64_t mall_id, int region_id,
                     const char (*scopes)[SBX_NAME_MAX], size_t nscopes,
                     char code[AUTH_TOKEN_LEN + 1])
{
    pthread_mutex_lock(&a->lock);
    int64_t now = vclock_now();
    struct auth_slot *s = auth_slot_take(a, now);
    if (s != NULL) {
        memset(s, 0, sizeof *s);
        s->state = AUTH_SLOT_ACTIVE;
        s->is_code = true;
        auth_fill(&s->t, app_key, mall_id, region_id, scopes, nscopes);
        s->t.issued = now;
        s->t.expires = now + SBX_CODE_TTL_S;
        memcpy(code, s->t.token, AUTH_TOKEN_LEN + 1);
    }
    pthread_mutex_unlock(&a->lock);
    return s != NULL;
}

/* Called with the lock held: creates a token and marks older ones of the app+mall replaced. */
static enum auth_status auth_token_create_locked(struct auth *a, const char *app_key,
                                                 int64_t mall_id, int region_id,
                                                 const char (*scopes)[SBX_NAME_MAX], size_t nscopes,
                                                 struct auth_token *out)
{
    int64_t now = vclock_now();
    struct auth_slot *s = auth_slot_take(a, now);
    if (s == NULL)
        return AUTH_FULL;
    for (size_t i = 0; i < SBX_TOKENS_MAX; i++) {
        struct auth_slot *o = &a->slots[i];
        if (o->state == AUTH_SLOT_ACTIVE && !o->is_code && o->t.mall_id == mall_id &&
            strcmp(o->t.app_key, app_key) == 0)
            o->state = AUTH_SLOT_REPLACED;
    }
    memset(s, 0, sizeof *s);
    s->state = AUTH_SLOT_ACTIVE;
    auth_fill(&s->t, app_key, mall_id, region_id, scopes, nscopes);
    s->t.issued = now;
    s->t.expires = now + SBX_TOKEN_TTL_S;
    *out = s->t;
    return AUTH_OK;
}

enum auth_status auth_code_redeem(struct auth *a, const char *app_key, const char *code,
                                  struct auth_token *out)
{
    enum auth_status st;
    pthread_mutex_lock(&a->lock);
    struct auth_slot *c = auth_slot_find(a, code, true);
    if (c == NULL)
        st = AUTH_UNKNOWN;
    else if (strcmp(c->t.app_key, app_key) != 0)
        st = AUTH_MISMATCH;
    else if (c->used)
        st = AUTH_USED;
    else if (vclock_now() > c->t.expires)
        st = AUTH_EXPIRED;
    else {
        struct auth_token grant = c->t;
        st =
            auth_token_create_locked(a, app_key, grant.mall_id, grant.region_id,
                                     (const char(*)[SBX_NAME_MAX])grant.scopes, grant.nscopes, out);
        if (st == AUTH_OK)
            c->used = true;
    }
    pthread_mutex_unlock(&a->lock);
    return st;
}

enum auth_status auth_token_issue(struct auth *a, const char *app_key, int64_t mall_id,
                                  int region_id, const char (*scopes)[SBX_NAME_MAX], size_t nscopes,
                                  struct auth_token *out)
{
    pthread_mutex_lock(&a->lock);
    enum auth_status st =
        auth_token_create_locked(a, app_key, mall_id, region_id, scopes, nscopes, out);
    pthread_mutex_unlock(&a->lock);
    return st;
}

enum auth_status auth_token_check(struct auth *a, const char *token, const char *app_key,
                                  struct auth_token *out)
{
    enum auth_status st;
    pthread_mutex_lock(&a->lock);
    struct auth_slot *s = auth_slot_find(a, token, false);
    if (s == NULL)
        st = AUTH_UNKNOWN;
    else if (strcmp(s->t.app_key, app_key) != 0)
        st = AUTH_MISMATCH;
    else if (s->state == AUTH_SLOT_REVOKED)
        st = AUTH_REVOKED;
    else if (s->state == AUTH_SLOT_REPLACED)
        st = AUTH_REPLACED;
    else if (vclock_now() > s->t.expires)
        st = AUTH_EXPIRED;
    else {
        st = AUTH_OK;
        *out = s->t;
    }
    pthread_mutex_unlock(&a->lock);
    return st;
}

bool auth_token_revoke(struct auth *a, const char *token)
{
    pthread_mutex_lock(&a->lock);
    struct auth_slot *s = auth_slot_find(a, token, false);
    if (s != NULL)
        s->state = AUTH_SLOT_REVOKED;
    pthread_mutex_unlock(&a->lock);
    return s != NULL;
}

json_t *auth_token_json(const struct auth_token *t, bool with_token)
{
    json_t *scopes = json_array();
    for (size_t i = 0; i < t->nscopes; i++)
        json_array_append_new(scopes, json_string(t->scopes[i]));
    json_t *o =
        json_pack("{s:I, s:I, s:i, s:i, s:o, s:[], s:i, s:[], s:[]}", "expiredTime",
                  (json_int_t)t->expires, "mallId", (json_int_t)t->mall_id, "regionId",
                  t->region_id, "mallType", 1, "apiScopeList", scopes, "appSubscribeEventCodeList",
                  "appSubscribeStatus", 0, "authEventCodeList", "associatedMallTokenList");
    if (o != NULL && with_token)
        json_object_set_new(o, "accessToken", json_string(t->token));
    return o;
}
