#include "auth/roles.h"

#include <string.h>

static const char *const role_names[] = {"none", "viewer", "operator", "ops", "seller_admin"};

bool auth_role_parse(const char *name, enum auth_role *out)
{
    if (name == NULL)
        return false;
    for (int r = ROLE_VIEWER; r <= ROLE_SELLER_ADMIN; r++) {
        if (strcmp(name, role_names[r]) == 0) {
            *out = (enum auth_role)r;
            return true;
        }
    }
    return false;
}

const char *auth_role_name(enum auth_role role)
{
    if ((int)role < ROLE_NONE || (int)role > ROLE_SELLER_ADMIN)
        return "none";
    return role_names[role];
}

const char *auth_role_choices(void)
{
    return "viewer, operator, ops or seller_admin";
}
