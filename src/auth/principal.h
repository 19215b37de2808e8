/*
 * Who is calling: the result of authenticating a request by session cookie or API token.
 */
#ifndef AICOS_AUTH_PRINCIPAL_H
#define AICOS_AUTH_PRINCIPAL_H

#include <stdint.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "base/secure.h"

/* The longest flash notice kept with a session (bytes, without the NUL). */
#define AUTH_FLASH_MAX 480

enum auth_via { AUTH_VIA_NONE = 0, AUTH_VIA_SESSION, AUTH_VIA_TOKEN };

struct auth_principal {
    enum auth_via via;
    enum auth_role role;
    int64_t id;                      /* user id, or token id */
    char name[AUTH_NAME_MAX + 8];    /* user name, or "token:<name>" */
    char csrf[SECURE_TOKEN_LEN + 1]; /* session's CSRF token; empty for tokens */
    /* The session's pending flash notice (kind "ok", "error" or "info", and its text); empty
     * when there is none. The auth hook keeps it only for the page that shows it. */
    char flash_kind[8];
    char flash[AUTH_FLASH_MAX + 1];
    /* The user's own console language ("" follows the browser, "zh", "en") and time zone
     * (a tz database name; "UTC" for tokens), and the request's Accept-Language (NULL when it
     * has none; points into the request). */
    char lang[4];
    char tz[64];
    const char *accept_language;
};

#endif
