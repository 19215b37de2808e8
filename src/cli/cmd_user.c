/* aicos user: operator accounts. */
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/users.h"
#include "base/secure.h"
#include "cli/cli.h"
#include "store/db.h"

static const char user_usage[] =
    "usage: aicos user add NAME --role ROLE [--generate | --password-stdin]\n"
    "       aicos user list\n"
    "       aicos user set-role NAME ROLE\n"
    "       aicos user reset-password NAME [--generate | --password-stdin]\n"
    "       aicos user disable NAME\n"
    "       aicos user enable NAME\n"
    "\n"
    "Manages operator accounts (roles: viewer, operator, ops, seller_admin). Passwords are\n"
    "typed twice at a prompt, read from one line of standard input (--password-stdin), or\n"
    "generated and printed once (--generate); at least 12 characters. Passwords are stored\n"
    "as Argon2id hashes. Resetting a password or disabling a user ends their sessions.\n"
    "Every change is written to the audit log.\n";

/* Parses the password-source flags in argv[from..]; -1 on an unknown option. */
static int user_password_mode(int argc, char **argv, int from, const char **bad)
{
    int mode = CLI_PW_PROMPT;
    for (int i = from; i < argc; i++) {
        if (strcmp(argv[i], "--generate") == 0)
            mode = CLI_PW_GENERATE;
        else if (strcmp(argv[i], "--password-stdin") == 0)
            mode = CLI_PW_STDIN;
        else {
            *bad = argv[i];
            return -1;
        }
    }
    return mode;
}

static int user_add(struct db *db, int argc, char **argv)
{
    const char *bad = NULL;
    enum auth_role role;
    if (argc < 4 || strcmp(argv[2], "--role") != 0) {
        fprintf(stderr, "aicos user add: usage: aicos user add NAME --role ROLE\n");
        return CLI_USAGE;
    }
    if (!auth_role_parse(argv[3], &role)) {
        fprintf(stderr, "aicos user add: unknown role %s; use %s.\n", argv[3], auth_role_choices());
        return CLI_USAGE;
    }
    int mode = user_password_mode(argc, argv, 4, &bad);
    if (mode < 0)
        return cli_bad_option("user add", bad);
    struct errbuf eb = {0};
    if (auth_user_name_check(argv[1], &eb) != ERR_OK) {
        fprintf(stderr, "aicos user add: %s\n", eb.msg);
        return CLI_USAGE;
    }
    char pw[AUTH_PASSWORD_MAX + 2];
    if (!cli_new_password("user add", mode, pw, sizeof pw))
        return CLI_USAGE;
    enum err e = auth_user_add(db, argv[1], role, pw, &eb);
    cli_audit(db, "user.add", argv[1], e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? auth_role_name(role) : errbuf_code(&eb, e));
    if (e == ERR_OK && mode == CLI_PW_GENERATE)
        printf("created user %s (%s); password (shown once): %s\n", argv[1], auth_role_name(role),
               pw);
    else if (e == ERR_OK)
        printf("created user %s (%s)\n", argv[1], auth_role_name(role));
    secure_wipe(pw, sizeof pw);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos user add: %s\n", errbuf_message(&eb, e));
        return e == ERR_CONFLICT ? CLI_USAGE : CLI_FAIL;
    }
    return CLI_OK;
}

static int user_list(struct db *db)
{
    json_t *list = NULL;
    struct errbuf eb = {0};
    if (auth_user_list(db, &list, &eb) != ERR_OK) {
        fprintf(stderr, "aicos user list: %s\n", eb.msg);
        return CLI_FAIL;
    }
    printf("%-24s %-13s %s\n", "NAME", "ROLE", "STATE");
    size_t i;
    json_t *u;
    json_array_foreach(list, i, u)
    {
        const char *state = json_is_true(json_object_get(u, "disabled")) ? "disabled"
                            : json_is_true(json_object_get(u, "locked")) ? "locked"
                                                                         : "active";
        printf("%-24s %-13s %s\n", json_string_value(json_object_get(u, "name")),
               json_string_value(json_object_get(u, "role")), state);
    }
    json_decref(list);
    return CLI_OK;
}

/* Reports the outcome of a change, audits it, and maps it to an exit status. */
static int user_done(struct db *db, const char *cmd, const char *action, const char *name,
                     enum err e, const struct errbuf *eb, const char *what)
{
    cli_audit(db, action, name, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? what : errbuf_code(eb, e));
    if (e != ERR_OK) {
        fprintf(stderr, "aicos user %s: %s\n", cmd, errbuf_message(eb, e));
        return e == ERR_NOTFOUND ? CLI_USAGE : CLI_FAIL;
    }
    printf("%s: %s\n", name, what);
    return CLI_OK;
}

int cmd_user(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(user_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "set-role") != 0 &&
        strcmp(sub, "reset-password") != 0 && strcmp(sub, "disable") != 0 &&
        strcmp(sub, "enable") != 0) {
        fprintf(stderr, "aicos user: unknown subcommand %s; see `aicos user --help`.\n", sub);
        return CLI_USAGE;
    }
    if (strcmp(sub, "list") != 0 && argc < 3) {
        fprintf(stderr, "aicos user %s: a user name is required; see `aicos user --help`.\n", sub);
        return CLI_USAGE;
    }
    enum auth_role role = ROLE_NONE;
    if (strcmp(sub, "set-role") == 0 && (argc != 4 || !auth_role_parse(argv[3], &role))) {
        fprintf(stderr, "aicos user set-role: usage: aicos user set-role NAME ROLE (%s)\n",
                auth_role_choices());
        return CLI_USAGE;
    }
    const char *bad = NULL;
    int mode = strcmp(sub, "reset-password") == 0 ? user_password_mode(argc, argv, 3, &bad) : 0;
    if (mode < 0)
        return cli_bad_option("user reset-password", bad);
    if ((strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) && argc != 3)
        return cli_bad_option(sub, argv[3]);
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("user", &cfg, &db))
        return CLI_FAIL;
    int rc;
    struct errbuf eb = {0};
    if (strcmp(sub, "add") == 0) {
        rc = user_add(db, argc - 1, argv + 1);
    } else if (strcmp(sub, "list") == 0) {
        rc = user_list(db);
    } else if (strcmp(sub, "set-role") == 0) {
        enum err e = auth_user_set_role(db, argv[2], role, &eb);
        rc = user_done(db, sub, "user.set_role", argv[2], e, &eb, auth_role_name(role));
    } else if (strcmp(sub, "reset-password") == 0) {
        char pw[AUTH_PASSWORD_MAX + 2];
        if (!cli_new_password("user reset-password", mode, pw, sizeof pw)) {
            rc = CLI_USAGE;
        } else {
            enum err e = auth_user_set_password(db, argv[2], pw, &eb);
            rc = user_done(db, sub, "user.reset_password", argv[2], e, &eb, "password reset");
            if (e == ERR_OK && mode == CLI_PW_GENERATE)
                printf("new password (shown once): %s\n", pw);
        }
        secure_wipe(pw, sizeof pw);
    } else {
        bool disable = strcmp(sub, "disable") == 0;
        enum err e = auth_user_set_disabled(db, argv[2], disable, &eb);
        rc = user_done(db, sub, disable ? "user.disable" : "user.enable", argv[2], e, &eb,
                       disable ? "disabled" : "enabled");
    }
    db_close(db);
    return rc;
}
