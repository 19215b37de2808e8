/*
 * Who is calling: the result of authenticating a request by session cookie or API token.
 */
#ifndef AICOS_AUTH_PRINCIPAL_H
#define AICOS_AUTH_PRINCIPAL_H

#include <stdint.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "base/secure.h"

enum auth_via { AUTH_VIA_NONE = 0, AUTH_VIA_SESSION, AUTH_VIA_TOKEN };

struct auth_principal {
    enum auth_via via;
    enum auth_role role;
    int64_t id;                      /* user id, or token id */
    char name[AUTH_NAME_MAX + 8];    /* user name, or "token:<name>" */
    char csrf[SECURE_TOKEN_LEN + 1]; /* session's CSRF token; empty for tokens */
};

#endif
