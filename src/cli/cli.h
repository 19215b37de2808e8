/*
 * The subcommands of `aicos`. Each takes argc/argv starting at its own name and returns
 * the process exit status: 0 success, 1 failure at run time, 2 bad usage or configuration.
 */
#ifndef AICOS_CLI_CLI_H
#define AICOS_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

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
int cmd_deploy(int argc, char **argv);   /* aicos deploy ... (src/cli/cmd_deploy.c) */
int cmd_sync(int argc, char **argv);     /* aicos sync run|runs|resume (src/cli/cmd_sync.c) */
int cmd_tracking(int argc, char **argv); /* aicos tracking ... (src/cli/cmd_tracking.c) */
int cmd_tracking_carriers(int argc, char **argv); /* aicos tracking carriers (same file's peer) */
int cmd_worker(int argc, char **argv);     /* aicos worker: the sync scheduler (cmd_worker.c) */
int cmd_settlement(int argc, char **argv); /* aicos settlement ... (cmd_settlement.c) */
int cmd_settlement_airwallex(int argc, char **argv); /* aicos settlement airwallex ... */
int cmd_ai(int argc, char **argv);      /* aicos ai train|eval|classify (src/cli/cmd_ai.c) */
int cmd_actions(int argc, char **argv); /* aicos actions: the action center (cmd_actions.c) */
int cmd_actions_notify(int argc, char **argv); /* aicos actions hook|outbox|notify */

/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/*
 * Loads the configuration from the environment and sets the log level. On a bad value it
 * prints "aicos: AICOS_X: why" to stderr and returns false.
 */
bool cli_load_config(struct config *cfg);

/* Prints "aicos <cmd>: unknown option X; see aicos <cmd> --help" and returns CLI_USAGE. */
int cli_bad_option(const char *cmd, const char *opt);

/*
 * A subcommand's options, parsed with getopt_long. argv[0] is the subcommand's own name;
 * operands may come before, between or after options (getopt_long moves them to the end:
 * after CLI_OPT_END they are argv[optind..argc)). "--name value" and "--name=value" both
 * work. -h/--help is handled before, by cli_wants_help().
 */
struct cli_getopt {
    const char *cmd;           /* "deploy smoke": the name messages use */
    const struct option *opts; /* getopt_long's table, ending in {0} */
    bool needs_value_message;  /* a missing value says "X needs a value" (else "unknown
                                  option X", the older commands' wording) */
};

#define CLI_OPT_END (-1) /* no more options */
#define CLI_OPT_BAD (-2) /* a message was printed: return CLI_USAGE */

/* Starts parsing a new argv (getopt_long keeps its position between calls). */
void cli_getopt_begin(void);

/* The next option's val, CLI_OPT_END, or CLI_OPT_BAD after printing the house message. */
int cli_getopt_next(const struct cli_getopt *g, int argc, char **argv);

/*
 * Where cli_getopt_store puts the value of the option whose val is val: an option with a
 * value into *text; a flag sets *on; an integer option is parsed into *num within [min, max]
 * (else "unknown option --NAME", the house message for a bad value). Exactly one of text,
 * on and num is set; a table ends with val 0.
 */
struct cli_slot {
    int val;
    const char **text;
    bool *on;
    int64_t *num;
    int64_t min, max;
};

/* Parses all of argv's options into slots: CLI_OK, or CLI_USAGE after printing why. */
int cli_getopt_store(const struct cli_getopt *g, const struct cli_slot *slots, int argc,
                     char **argv);

/* A command without options or operands: the message for the first argument when any. */
int cli_no_options(const char *cmd, int argc, char **argv);

/* Operands left after the options: "unknown option X" for the first when any; CLI_OK if none. */
int cli_no_operands(const char *cmd, int argc, char **argv);

struct db;
struct vault;

/*
 * Opens the configured database (pool of one) and applies missing migrations, for the
 * administrative commands. Prints the reason and returns false on failure.
 */
bool cli_open_db(const char *cmd, const struct config *cfg, struct db **db);

/*
 * Loads the configuration, opens the database (cli_open_db) and, when vault is not NULL, the
 * vault: CLI_OK, or the exit status after printing why (*db is then NULL).
 */
int cli_open_env(const char *cmd, struct config *cfg, struct db **db, struct vault **vault);

/*
 * Opens the vault with the configured master key on db. Prints the reason and returns false
 * on failure (no key, wrong key).
 */
bool cli_open_vault(const char *cmd, const struct config *cfg, struct db *db, struct vault **vault);

/* Audits an action done from the command line (actor "cli:<login>", role "system"). */
void cli_audit(struct db *db, const char *action, const char *target, const char *outcome,
               const char *detail);

/*
 * Reads the first line of the private file path (refused when group or others may read it)
 * into out; false after printing why, prefixed by "aicos <cmd>: ".
 */
bool cli_read_secret_file(const char *cmd, const char *path, char *out, size_t len);

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
