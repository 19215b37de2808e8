/* aicos token: API tokens for automation. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/tokens.h"
#include "base/parse.h"
#include "base/secure.h"
#include "cli/cli.h"
#include "store/db.h"

static const char token_usage[] =
    "usage: aicos token create --role ROLE --name NAME\n"
    "       aicos token list\n"
    "       aicos token revoke ID\n"
    "\n"
    "API tokens let scripts call the API with `Authorization: Bearer <token>`. The token is\n"
    "printed once at creation and stored only as a hash; revoke it when it is no longer\n"
    "needed. Roles: viewer, operator, ops, seller_admin.\n";

static int token_create(struct db *db, int argc, char **argv)
{
    const char *role_name = NULL, *name = NULL;
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'}, {"name", required_argument, NULL, 'n'}, {0}};
    const struct cli_getopt g = {"token create", opts, false};
    const struct cli_slot slots[] = {{'r', .text = &role_name}, {'n', .text = &name}, {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK ||
        cli_no_operands("token create", argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    enum auth_role role;
    if (role_name == NULL || name == NULL || !auth_role_parse(role_name, &role)) {
        fprintf(stderr, "aicos token create: --role (%s) and --name are required.\n",
                auth_role_choices());
        return CLI_USAGE;
    }
    char token[AUTH_TOKEN_LEN + 1];
    int64_t id = 0;
    struct errbuf eb = {0};
    enum err e = auth_token_create(db, name, role, "cli", token, &id, &eb);
    cli_audit(db, "token.create", name, e == ERR_OK ? "success" : "failure", role_name);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos token create: %s\n", errbuf_message(&eb, e));
        return e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
    }
    printf("token %lld (%s, %s); shown once, store it now:\n%s\n", (long long)id, name,
           auth_role_name(role), token);
    secure_wipe(token, sizeof token);
    return CLI_OK;
}

static int token_list(struct db *db)
{
    json_t *list = NULL;
    struct errbuf eb = {0};
    if (auth_token_list(db, &list, &eb) != ERR_OK) {
        fprintf(stderr, "aicos token list: %s\n", eb.msg);
        return CLI_FAIL;
    }
    printf("%-6s %-24s %-13s %-12s %s\n", "ID", "NAME", "ROLE", "PREFIX", "STATE");
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        printf("%-6lld %-24s %-13s %-12s %s\n",
               (long long)json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "name")),
               json_string_value(json_object_get(t, "role")),
               json_string_value(json_object_get(t, "prefix")),
               json_is_null(json_object_get(t, "revoked_at")) ? "live" : "revoked");
    }
    json_decref(list);
    return CLI_OK;
}

int cmd_token(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(token_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    int64_t id = 0;
    if (strcmp(sub, "revoke") == 0 &&
        (argc != 3 || parse_int64(argv[2], 1, INT64_MAX, &id) != ERR_OK)) {
        fprintf(stderr, "aicos token revoke: usage: aicos token revoke ID (a positive number)\n");
        return CLI_USAGE;
    }
    if (strcmp(sub, "create") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "revoke") != 0) {
        fprintf(stderr, "aicos token: unknown subcommand %s; see `aicos token --help`.\n", sub);
        return CLI_USAGE;
    }
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("token", &cfg, &db))
        return CLI_FAIL;
    int rc;
    if (strcmp(sub, "create") == 0) {
        rc = token_create(db, argc, argv);
    } else if (strcmp(sub, "list") == 0) {
        rc = token_list(db);
    } else {
        struct errbuf eb = {0};
        enum err e = auth_token_revoke(db, id, &eb);
        cli_audit(db, "token.revoke", argv[2], e == ERR_OK ? "success" : "failure", "");
        if (e != ERR_OK)
            fprintf(stderr, "aicos token revoke: %s\n", errbuf_message(&eb, e));
        else
            printf("token %lld revoked\n", (long long)id);
        rc = e == ERR_OK ? CLI_OK : e == ERR_NOTFOUND ? CLI_USAGE : CLI_FAIL;
    }
    db_close(db);
    return rc;
}
