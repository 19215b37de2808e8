/*
 * auth: apps (key, secret, the API types they may call), seller authorization codes and
 * access tokens (temu-open-platform.md §3). Codes are single-use and live 10 minutes; tokens
 * live about a year and carry scopes, mallId and regionId; authorizing the same app for the
 * same mall again replaces the older token, which then answers 3000034.
 * Apps are fixed after start-up; codes and tokens are guarded by the module's own lock.
 */
#ifndef SBX_AUTH_H
#define SBX_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sbx_limits.h"

#define AUTH_TOKEN_LEN 56

struct auth_app {
    char key[SBX_NAME_MAX];
    char secret[SBX_NAME_MAX];
    char name[SBX_NAME_MAX];
    char scopes[SBX_SCOPES_MAX][SBX_NAME_MAX]; /* API types the app may call */
    size_t nscopes;
    bool suspended;
};

struct auth_token {
    char token[AUTH_TOKEN_LEN + 1];
    char app_key[SBX_NAME_MAX];
    int64_t mall_id;
    int region_id;
    char scopes[SBX_SCOPES_MAX][SBX_NAME_MAX]; /* API types the seller granted */
    size_t nscopes;
    int64_t issued;
    int64_t expires;
};

enum auth_status {
    AUTH_OK,
    AUTH_UNKNOWN,  /* 3000031 */
    AUTH_MISMATCH, /* 3000033: token of another app */
    AUTH_EXPIRED,  /* 3000034 */
    AUTH_REPLACED, /* 3000034: a newer authorization exists */
    AUTH_REVOKED,  /* 5000000: the seller withdrew the authorization */
    AUTH_USED,     /* codes only: already exchanged */
    AUTH_FULL      /* the token store is full */
};

struct auth;

/* A store with no apps. NULL when out of memory. */
struct auth *auth_new(void);

/* Frees the store; NULL is a no-op. */
void auth_free(struct auth *a);

/*
 * Loads apps from a JSON file: [{"app_key","app_secret","scopes":[…],"name"?,"suspended"?}].
 * On failure writes a sentence into err and returns false.
 */
bool auth_load_apps(struct auth *a, const char *path, char *err, size_t errlen);

/* Adds the development app (every implemented API type) and returns it. */
const struct auth_app *auth_add_default_app(struct auth *a, const char *const *types, size_t n);

/* The app with this key, or NULL. Apps never change after start-up, so no lock is needed. */
const struct auth_app *auth_app_find(const struct auth *a, const char *key);

/* The i-th app or NULL. */
const struct auth_app *auth_app_at(const struct auth *a, size_t i);

/* True when the list holds name. */
bool auth_scope_has(const char (*scopes)[SBX_NAME_MAX], size_t n, const char *name);

/* Records a seller's approval; writes a fresh single-use code into code. */
bool auth_code_issue(struct auth *a, const char *app_key, int64_t mall_id, int region_id,
                     const char (*scopes)[SBX_NAME_MAX], size_t nscopes,
                     char code[AUTH_TOKEN_LEN + 1]);

/*
 * Exchanges a code of app_key for a token (copied into out); replaces earlier tokens of the
 * same app and mall. AUTH_UNKNOWN, AUTH_MISMATCH, AUTH_EXPIRED, AUTH_USED or AUTH_FULL otherwise.
 */
enum auth_status auth_code_redeem(struct auth *a, const char *app_key, const char *code,
                                  struct auth_token *out);

/* Issues a token directly (admin API), replacing earlier ones like a re-authorization. */
enum auth_status auth_token_issue(struct auth *a, const char *app_key, int64_t mall_id,
                                  int region_id, const char (*scopes)[SBX_NAME_MAX], size_t nscopes,
                                  struct auth_token *out);

/* Checks a token presented with app_key; on AUTH_OK copies it into out. */
enum auth_status auth_token_check(struct auth *a, const char *token, const char *app_key,
                                  struct auth_token *out);

/* Revokes a token; false if unknown. */
bool auth_token_revoke(struct auth *a, const char *token);

/* The token's JSON for accesstoken.create / info.get (accessToken included when with_token). */
json_t *auth_token_json(const struct auth_token *t, bool with_token);

#endif
