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

/*
 * Parses the options of user add (--role, into *role_name) or reset-password (role_name NULL)
 * in argv (argv[0] the subcommand): the password mode, or -1 after a message. The user name
 * is the one operand, into *name.
 */
static int user_options(const char *cmd, int argc, char **argv, const char **role_name,
                        const char **name)
{
    static const struct option add_opts[] = {{"role", required_argument, NULL, 'r'},
                                             {"generate", no_argument, NULL, 'g'},
                                             {"password-stdin", no_argument, NULL, 's'},
                                             {0}};
    const struct cli_getopt g = {cmd, role_name != NULL ? add_opts : add_opts + 1, false};
    int mode = CLI_PW_PROMPT, c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return -1;
        if (c == 'r')
            *role_name = optarg;
        else
            mode = c == 'g' ? CLI_PW_GENERATE : CLI_PW_STDIN;
    }
    *name = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) {
        cli_bad_option(cmd, argv[optind + 1]);
        return -1;
    }
    return mode;
}

static int user_add(struct db *db, int argc, char **argv)
{
    const char *role_name = NULL, *name = NULL;
    enum auth_role role;
    int mode = user_options("user add", argc, argv, &role_name, &name);
    if (mode < 0)
        return CLI_USAGE;
    if (role_name == NULL || name == NULL) {
        fprintf(stderr, "aicos user add: usage: aicos user add NAME --role ROLE\n");
        return CLI_USAGE;
    }
    if (!auth_role_parse(role_name, &role)) {
        fprintf(stderr, "aicos user add: unknown role %s; use %s.\n", role_name,
                auth_role_choices());
        return CLI_USAGE;
    }
    struct errbuf eb = {0};
    if (auth_user_name_check(name, &eb) != ERR_OK) {
        fprintf(stderr, "aicos user add: %s\n", eb.msg);
        return CLI_USAGE;
    }
    char pw[AUTH_PASSWORD_MAX + 2];
    if (!cli_new_password("user add", mode, pw, sizeof pw))
        return CLI_USAGE;
    enum err e = auth_user_add(db, name, role, pw, &eb);
    cli_audit(db, "user.add", name, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? auth_role_name(role) : errbuf_code(&eb, e));
    if (e == ERR_OK && mode == CLI_PW_GENERATE)
        printf("created user %s (%s); password (shown once): %s\n", name, auth_role_name(role), pw);
    else if (e == ERR_OK)
        printf("created user %s (%s)\n", name, auth_role_name(role));
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
    const char *name = argv[2];
    int mode = 0;
    if (strcmp(sub, "reset-password") == 0) {
        mode = user_options("user reset-password", argc - 1, argv + 1, NULL, &name);
        if (mode < 0)
            return CLI_USAGE;
        if (name == NULL) {
            fprintf(stderr, "aicos user %s: a user name is required; see `aicos user --help`.\n",
                    sub);
            return CLI_USAGE;
        }
    }
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        char cmd[32];
        snprintf(cmd, sizeof cmd, "user %s", sub);
        if (cli_no_options(cmd, argc - 2, argv + 2) != CLI_OK)
            return CLI_USAGE;
    }
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
        enum err e = auth_user_set_role(db, name, role, &eb);
        rc = user_done(db, sub, "user.set_role", name, e, &eb, auth_role_name(role));
    } else if (strcmp(sub, "reset-password") == 0) {
        char pw[AUTH_PASSWORD_MAX + 2];
        if (!cli_new_password("user reset-password", mode, pw, sizeof pw)) {
            rc = CLI_USAGE;
        } else {
            enum err e = auth_user_set_password(db, name, pw, &eb);
            rc = user_done(db, sub, "user.reset_password", name, e, &eb, "password reset");
            if (e == ERR_OK && mode == CLI_PW_GENERATE)
                printf("new password (shown once): %s\n", pw);
        }
        secure_wipe(pw, sizeof pw);
    } else {
        bool disable = strcmp(sub, "disable") == 0;
        enum err e = auth_user_set_disabled(db, name, disable, &eb);
        rc = user_done(db, sub, disable ? "user.disable" : "user.enable", name, e, &eb,
                       disable ? "disabled" : "enabled");
    }
    db_close(db);
    return rc;
}
