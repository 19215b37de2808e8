/* aicos settlement airwallex: the payout provider's credential, sync and status. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"
#include "cli/cli.h"
#include "settlement/payout.h"
#include "store/db.h"
#include "vault/vault.h"

static const char awx_usage[] =
    "usage: aicos settlement airwallex set-credential --client-id ID --api-key-file FILE\n"
    "       aicos settlement airwallex sync [--since YYYY-MM-DD] [--currencies USD,EUR,...]\n"
    "                                       [--page-size N]\n"
    "       aicos settlement airwallex status\n"
    "\n"
    "set-credential stores the Airwallex client id and API key (read from the first line of\n"
    "FILE, which must not be readable by group or others) in the vault as the secret\n"
    "\"airwallex\". sync reads the settlements (per currency, default " PAYOUT_CURRENCIES ")\n"
    "and the balance history from AICOS_AIRWALLEX_URL into the database: the first time from\n"
    "--since (default 180 days ago), then from each feed's checkpoint; re-reading stores\n"
    "nothing twice. status prints the credential's presence, the stored credits and each\n"
    "feed's checkpoint and last error as JSON.\n";

static int awx_set_credential(int argc, char **argv)
{
    static const char cmd[] = "settlement airwallex set-credential";
    const char *id = NULL, *file = NULL;
    static const struct option opts[] = {{"client-id", required_argument, NULL, 'i'},
                                         {"api-key-file", required_argument, NULL, 'f'},
                                         {0}};
    const struct cli_getopt g = {cmd, opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'i')
            id = optarg;
        else
            file = optarg;
    }
    if (cli_no_operands(cmd, argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (id == NULL || file == NULL) {
        fprintf(stderr, "aicos %s: --client-id and --api-key-file are required.\n", cmd);
        return CLI_USAGE;
    }
    char key[AIRWALLEX_CRED_MAX + 2];
    if (!cli_read_secret_file(cmd, file, key, sizeof key))
        return CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    struct vault *v = NULL;
    int rc = cli_open_env(cmd, &cfg, &db, &v);
    if (rc != CLI_OK) {
        secure_wipe(key, sizeof key);
        return rc;
    }
    struct errbuf eb = {{0}, {0}};
    char masked[VAULT_MASKED_MAX] = "";
    enum err e = payout_credential_store(v, id, key, "cli", masked, &eb);
    secure_wipe(key, sizeof key);
    cli_audit(db, "secret.write", PAYOUT_VAULT_NAME, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "Airwallex credential" : errbuf_message(&eb, e));
    if (e == ERR_OK)
        printf("stored the Airwallex credential: client id %s, API key %s\n", id, masked);
    else
        fprintf(stderr, "aicos %s: %s\n", cmd, errbuf_message(&eb, e));
    vault_free(v);
    db_close(db);
    return e == ERR_OK ? CLI_OK : e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
}

/* Reads sync's options into o; CLI_OK or CLI_USAGE after a message. */
static int awx_sync_options(int argc, char **argv, struct payout_sync_opts *o)
{
    static const char cmd[] = "settlement airwallex sync";
    static const struct option opts[] = {{"since", required_argument, NULL, 's'},
                                         {"currencies", required_argument, NULL, 'c'},
                                         {"page-size", required_argument, NULL, 'p'},
                                         {0}};
    const struct cli_getopt g = {cmd, opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        struct errbuf eb = {{0}, {0}};
        char iso[40];
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'c') {
            o->currencies = optarg;
        } else if (c == 'p' &&
                   parse_int64(optarg, 1, AIRWALLEX_PAGE_SIZE_MAX, &o->page_size) != ERR_OK) {
            fprintf(stderr, "aicos %s: --page-size must be 1 to %d.\n", cmd,
                    AIRWALLEX_PAGE_SIZE_MAX);
            return CLI_USAGE;
        } else if (c == 's' && (strlen(optarg) != 10 ||
                                snprintf(iso, sizeof iso, "%sT00:00:00Z", optarg) <= 0 ||
                                airwallex_time_parse(iso, &o->since, &eb) != ERR_OK)) {
            fprintf(stderr, "aicos %s: --since must be a date YYYY-MM-DD.\n", cmd);
            return CLI_USAGE;
        }
    }
    return cli_no_operands(cmd, argc, argv);
}

static int awx_sync(int argc, char **argv)
{
    struct config cfg;
    struct payout_sync_opts o;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    payout_sync_opts_from_config(&o, &cfg);
    if (awx_sync_options(argc, argv, &o) != CLI_OK)
        return CLI_USAGE;
    struct db *db = NULL;
    struct vault *v = NULL;
    int rc = cli_open_env("settlement airwallex sync", &cfg, &db, &v);
    if (rc != CLI_OK)
        return rc;
    struct errbuf eb = {{0}, {0}};
    struct payout_sync_result res;
    enum err e = payout_sync_airwallex(db, v, &o, &res, &eb);
    printf("fetched %lld, stored %lld, unchanged %lld in %lld pages (logins %d, requests %d, "
           "retries %d)\n",
           (long long)res.fetched, (long long)res.stored, (long long)res.unchanged,
           (long long)res.pages, res.http.logins, res.http.requests, res.http.retries);
    if (e != ERR_OK)
        fprintf(stderr, "aicos settlement airwallex sync: %s\n", errbuf_message(&eb, e));
    vault_free(v);
    db_close(db);
    return e == ERR_OK ? CLI_OK : e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
}

static int awx_status(int argc, char **argv)
{
    static const char cmd[] = "settlement airwallex status";
    if (cli_no_options(cmd, argc, argv) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    int rc = cli_open_env(cmd, &cfg, &db, NULL);
    if (rc != CLI_OK)
        return rc;
    struct errbuf eb = {{0}, {0}};
    json_t *st = NULL;
    enum err e = payout_status(db, &st, &eb);
    if (e == ERR_OK) {
        char *text = json_dumps(st, JSON_INDENT(2));
        if (text != NULL)
            puts(text);
        free(text);
    } else {
        fprintf(stderr, "aicos %s: %s\n", cmd, errbuf_message(&eb, e));
    }
    json_decref(st);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

int cmd_settlement_airwallex(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(awx_usage, argc < 2 && !cli_wants_help(argc, argv) ? stderr : stdout);
        return cli_wants_help(argc, argv) ? CLI_OK : CLI_USAGE;
    }
    if (strcmp(argv[1], "set-credential") == 0)
        return awx_set_credential(argc - 1, argv + 1);
    if (strcmp(argv[1], "sync") == 0)
        return awx_sync(argc - 1, argv + 1);
    if (strcmp(argv[1], "status") == 0)
        return awx_status(argc - 1, argv + 1);
    fprintf(stderr,
            "aicos settlement airwallex: unknown subcommand %s; see `aicos settlement airwallex "
            "--help`.\n",
            argv[1]);
    return CLI_USAGE;
}
