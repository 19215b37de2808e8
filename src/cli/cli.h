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

/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/*
 * Loads the configuration from the environment and sets the log level. On a bad value it
 * prints "aicos: AICOS_X: why" to stderr and returns false.
 */
bool cli_load_config(struct config *cfg);

/* Prints "aicos <cmd>: unknown option X; see aicos <cmd> --help" and returns CLI_USAGE. */
int cli_bad_option(const char *cmd, const char *opt);

#endif
