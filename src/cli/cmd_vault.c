/* aicos vault: the encrypted secret store's key ring. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"
#include "vault/vault.h"

static const char vault_usage[] =
    "usage: aicos vault status\n"
    "       aicos vault check\n"
    "       aicos vault rotate\n"
    "       aicos vault rewrap --new-key-file FILE\n"
    "\n"
    "status  the active data key, every key id with its state and how many secrets it seals\n"
    "check   repairs the key ring (of several active keys the newest stays active, the others\n"
    "        become retiring; keys that seal nothing are destroyed), then decrypts every secret\n"
    "        and reports those that fail (exit 1 if any)\n"
    "rotate  adds a new data key and re-encrypts every secret under it, one transaction per\n"
    "        secret; if a previous rotation was interrupted, it finishes that one instead.\n"
    "        Safe to interrupt and rerun at any point; concurrent runs are serialized. Old\n"
    "        data keys are destroyed once they seal nothing.\n"
    "rewrap  re-wraps every data key (and the canary) under the master key in FILE (base64\n"
    "        of 32 bytes, mode 0600) in one transaction: replaces a leaked master key. From\n"
    "        then on start aicos with AICOS_MASTER_KEY_FILE=FILE; the old key opens nothing.\n"
    "\n"
    "The master key comes from AICOS_MASTER_KEY (base64 of 32 bytes) or AICOS_MASTER_KEY_FILE.\n";

static int vault_rewrap_cmd(struct db *db, struct vault *vault, const struct config *cfg,
                            const char *file)
{
    struct config next = *cfg;
    next.master_key[0] = '\0';
    snprintf(next.master_key_file, sizeof next.master_key_file, "%s", file);
    unsigned char key[32];
    struct errbuf eb = {0};
    unsigned keys = 0;
    enum err e = vault_master_key_load(&next, key, &eb);
    if (e == ERR_OK)
        e = vault_rewrap(vault, key, &keys, &eb);
    sodium_memzero(key, sizeof key);
    sodium_memzero(next.master_key, sizeof next.master_key);
    cli_audit(db, "vault.rewrap", "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "every data key re-wrapped under a new master key"
                          : errbuf_code(&eb, e));
    if (e != ERR_OK) {
        fprintf(stderr, "aicos vault rewrap: %s\n", errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    printf("re-wrapped %u data key(s) under the new master key; start aicos with "
           "AICOS_MASTER_KEY_FILE=%s from now on (the old key no longer opens the vault).\n",
           keys, file);
    return CLI_OK;
}

static int vault_status_cmd(struct vault *vault)
{
    int rc = CLI_OK;
    struct errbuf eb = {0};
    json_t *st = NULL;
    if (vault_status(vault, &st, &eb) != ERR_OK) {
        fprintf(stderr, "aicos vault status: %s\n", eb.msg);
        rc = CLI_FAIL;
    } else {
        printf("active key %s; %lld secret(s)\n",
               json_string_value(json_object_get(st, "active_key")),
               (long long)json_integer_value(json_object_get(st, "secrets")));
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(st, "keys"), i, k)
        {
            printf("  %-14s %-9s %4lld secret(s)  created %s\n",
                   json_string_value(json_object_get(k, "id")),
                   json_string_value(json_object_get(k, "state")),
                   (long long)json_integer_value(json_object_get(k, "secrets")),
                   json_string_value(json_object_get(k, "created_at")));
        }
    }
    json_decref(st);
    return rc;
}

static int vault_check_cmd(struct db *db, struct vault *vault)
{
    int rc = CLI_OK;
    struct errbuf eb = {0};
    unsigned ok = 0, failed = 0;
    json_t *report = NULL, *repairs = NULL;
    if (vault_repair(vault, &repairs, &eb) != ERR_OK) {
        fprintf(stderr, "aicos vault check: %s\n", errbuf_message(&eb, ERR_INTERNAL));
        rc = CLI_FAIL;
    } else if (json_array_size(repairs) > 0) {
        char *text = json_dumps(repairs, JSON_COMPACT);
        printf("repaired the key ring: %s\n", text ? text : "");
        cli_audit(db, "vault.repair", "", "success", text ? text : "");
        free(text);
    }
    json_decref(repairs);
    if (rc != CLI_OK) {
    } else if (vault_check(vault, &ok, &failed, &report, &eb) != ERR_OK) {
        fprintf(stderr, "aicos vault check: %s\n", eb.msg);
        rc = CLI_FAIL;
    } else {
        size_t i;
        json_t *f;
        json_array_foreach(report, i, f)
        {
            fprintf(stderr, "FAILED %s: %s\n", json_string_value(json_object_get(f, "name")),
                    json_string_value(json_object_get(f, "error")));
        }
        printf("%u secret(s) decrypt, %u fail\n", ok, failed);
        rc = failed == 0 ? CLI_OK : CLI_FAIL;
    }
    json_decref(report);
    return rc;
}

static int vault_rotate_cmd(struct db *db, struct vault *vault)
{
    struct errbuf eb = {0};
    unsigned steps = 0, resealed = 0;
    /* AICOS_VAULT_ROTATE_MAX_STEPS lets the crash-safety tests stop a rotation midway. */
    const char *limit = getenv("AICOS_VAULT_ROTATE_MAX_STEPS");
    int64_t n = 0;
    if (limit != NULL && parse_int64(limit, 1, 1000000, &n) == ERR_OK)
        steps = (unsigned)n;
    char key_id[VAULT_KEY_ID_MAX];
    enum err e = vault_rotate(vault, steps, &resealed, key_id, &eb);
    cli_audit(db, "vault.rotate", e == ERR_OK ? key_id : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "every secret re-encrypted" : errbuf_code(&eb, e));
    if (e != ERR_OK) {
        fprintf(stderr, "aicos vault rotate: %s\n", errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    printf("active key %s; re-encrypted %u secret(s)\n", key_id, resealed);
    return CLI_OK;
}

/* The options of `vault SUB`: --new-key-file for rewrap, none for the others. */
static int vault_parse_options(const char *sub, int argc, char **argv, const char **new_key_file)
{
    char cmd[32];
    snprintf(cmd, sizeof cmd, "vault %s", sub);
    if (strcmp(sub, "rewrap") == 0) {
        static const struct option opts[] = {{"new-key-file", required_argument, NULL, 'k'}, {0}};
        const struct cli_getopt g = {cmd, opts, false};
        int c;
        cli_getopt_begin();
        while ((c = cli_getopt_next(&g, argc - 1, argv + 1)) != CLI_OPT_END) {
            if (c == CLI_OPT_BAD)
                return CLI_USAGE;
            *new_key_file = optarg;
        }
        if (cli_no_operands(cmd, argc - 1, argv + 1) != CLI_OK)
            return CLI_USAGE;
        if (*new_key_file == NULL)
            return cli_bad_option(cmd, "(missing --new-key-file FILE)");
    } else if (cli_no_options(cmd, argc - 1, argv + 1) != CLI_OK) {
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_vault(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(vault_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "status") != 0 && strcmp(sub, "check") != 0 && strcmp(sub, "rotate") != 0 &&
        strcmp(sub, "rewrap") != 0) {
        fprintf(stderr, "aicos vault: unknown subcommand %s; see `aicos vault --help`.\n", sub);
        return CLI_USAGE;
    }
    const char *new_key_file = NULL;
    int rc = vault_parse_options(sub, argc, argv, &new_key_file);
    if (rc != CLI_OK)
        return rc;
    struct config cfg;
    struct db *db = NULL;
    struct vault *vault = NULL;
    rc = cli_open_env("vault", &cfg, &db, &vault);
    if (rc != CLI_OK)
        return rc;
    if (strcmp(sub, "status") == 0)
        rc = vault_status_cmd(vault);
    else if (strcmp(sub, "rewrap") == 0)
        rc = vault_rewrap_cmd(db, vault, &cfg, new_key_file);
    else if (strcmp(sub, "check") == 0)
        rc = vault_check_cmd(db, vault);
    else
        rc = vault_rotate_cmd(db, vault);
    vault_free(vault);
    db_close(db);
    return rc;
}
