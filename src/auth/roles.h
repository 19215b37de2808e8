/*
 * Operator roles, ordered by what they may do: viewer < operator < ops < seller_admin.
 * A route's minimum role admits that role and every role above it.
 */
#ifndef AICOS_AUTH_ROLES_H
#define AICOS_AUTH_ROLES_H

#include <stdbool.h>

enum auth_role {
    ROLE_NONE = 0, /* not signed in */
    ROLE_VIEWER = 1,
    ROLE_OPERATOR = 2,
    ROLE_OPS = 3,
    ROLE_SELLER_ADMIN = 4,
};

/* Parses "viewer", "operator", "ops", "seller_admin"; false otherwise. */
bool auth_role_parse(const char *name, enum auth_role *out);

/* Name of a role ("none" for ROLE_NONE). */
const char *auth_role_name(enum auth_role role);

/* The accepted names, for messages: "viewer, operator, ops or seller_admin". */
const char *auth_role_choices(void);

#endif
