/*
 * The subcommands of `aicos`. Each takes argc/argv starting at its own name and returns
 * the process exit status: 0 success, 1 failure at run time, 2 bad usage or configuration.
 */
#ifndef AICOS_CLI_CLI_H
#define AICOS_CLI_CLI_H

#include <stdbool.h>

#include "base/config.h"

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct cli_command {
    const char *name;
    const char *summary; /* one line for `aicos --help` */
    int (*run)(int argc, char **argv);
};

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_config(int argc, char **argv);

int cmd_user(int argc, char **argv);
int cmd_temu_credentials(int argc, char **argv); /* aicos temu credentials ... */
int cmd_token(int argc, char **argv);
int cmd_vault(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_temu(int argc, char **argv);
int cmd_deploy(int argc, char **argv); /* aicos deploy ... (src/cli/cmd_deploy.c) */
int cmd_sync(int argc, char **argv);   /* aicos sync run|runs|resume (src/cli/cmd_sync.c) */
int cmd_worker(int argc, char **argv); /* aicos worker: the sync scheduler (cmd_worker.c) */

/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/*
 * Loads the configuration from the environment and sets the log level. On a bad value it
 * prints "aicos: AICOS_X: why" to stderr and returns false.
 */
bool cli_load_config(struct config *cfg);

/* Prints "aicos <cmd>: unknown option X; see aicos <cmd> --help" and returns CLI_USAGE. */
int cli_bad_option(const char *cmd, const char *opt);

struct db;
struct vault;

/*
 * Opens the configured database (pool of one) and applies missing migrations, for the
 * administrative commands. Prints the reason and returns false on failure.
 */
bool cli_open_db(const char *cmd, const struct config *cfg, struct db **db);

/*
 * Opens the vault with the configured master key on db. Prints the reason and returns false
 * on failure (no key, wrong key).
 */
bool cli_open_vault(const char *cmd, const struct config *cfg, struct db *db, struct vault **vault);

/* Audits an action done from the command line (actor "cli:<login>", role "system"). */
void cli_audit(struct db *db, const char *action, const char *target, const char *outcome,
               const char *detail);

/*
 * Gets a new password for user add / reset-password: generated (and printed once) with
 * --generate, one line of standard input with --password-stdin, else a no-echo prompt typed
 * twice. out holds AUTH_PASSWORD_MAX + 1 bytes. Prints the reason and returns false on failure.
 */
bool cli_new_password(const char *cmd, int mode, char *out, size_t len);

#define CLI_PW_PROMPT   0
#define CLI_PW_GENERATE 1
#define CLI_PW_STDIN    2

#endif
