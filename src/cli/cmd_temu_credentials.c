/* aicos temu credentials set: stores a region's App Key and App Secret in the vault. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secure.h"
#include "cli/cli.h"
#include "store/db.h"
#include "temu/credentials.h"
#include "vault/vault.h"

static const char credentials_usage[] =
    "usage: aicos temu credentials set --region REGION --app-key KEY --app-secret-file FILE\n"
    "\n"
    "Stores the App Key and App Secret of a Temu app (from the Temu partner portal) for\n"
    "REGION (us, eu, global, partner or cn) in the encrypted vault. The secret is read from\n"
    "FILE (first line; the file must not be readable by group or others), never from the\n"
    "command line. The Temu shop login password is never needed.\n";

int cmd_temu_credentials(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2 || strcmp(argv[1], "set") != 0) {
        bool help = cli_wants_help(argc, argv);
        fputs(credentials_usage, help ? stdout : stderr);
        return help ? CLI_OK : CLI_USAGE;
    }
    const char *region_name = NULL, *app_key = NULL, *secret_file = NULL;
    static const struct option opts[] = {{"region", required_argument, NULL, 'r'},
                                         {"app-key", required_argument, NULL, 'k'},
                                         {"app-secret-file", required_argument, NULL, 'f'},
                                         {0}};
    const struct cli_getopt g = {"temu credentials set", opts, false};
    const struct cli_slot slots[] = {
        {'r', .text = &region_name}, {'k', .text = &app_key}, {'f', .text = &secret_file}, {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK ||
        cli_no_operands("temu credentials set", argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    enum temu_region region;
    if (!temu_region_parse(region_name, &region) || app_key == NULL || secret_file == NULL) {
        fprintf(stderr, "aicos temu credentials set: --region (us, eu, global, partner, cn), "
                        "--app-key and --app-secret-file are required.\n");
        return CLI_USAGE;
    }
    char secret[TEMU_APP_SECRET_MAX + 2];
    if (!cli_read_secret_file("temu credentials", secret_file, secret, sizeof secret))
        return CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    struct vault *vault = NULL;
    int rc = CLI_FAIL;
    if (!cli_load_config(&cfg)) {
        rc = CLI_USAGE;
        goto out;
    }
    if (!cli_open_db("temu credentials", &cfg, &db) ||
        !cli_open_vault("temu credentials", &cfg, db, &vault))
        goto out;
    char mk[VAULT_MASKED_MAX], ms[VAULT_MASKED_MAX], key_name[48], secret_name[48];
    struct errbuf eb = {0};
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    enum err e = temu_credentials_store(vault, region, app_key, secret, "cli", mk, ms, &eb);
    cli_audit(db, "secret.write", secret_name, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "Temu App Key and App Secret stored" : errbuf_code(&eb, e));
    if (e != ERR_OK) {
        fprintf(stderr, "aicos temu credentials set: %s\n", errbuf_message(&eb, e));
        rc = e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
        goto out;
    }
    printf("stored %s (%s) and %s (%s)\n", key_name, mk, secret_name, ms);
    rc = CLI_OK;
out:
    secure_wipe(secret, sizeof secret);
    vault_free(vault);
    db_close(db);
    return rc;
}
