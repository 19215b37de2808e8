/* aicos config: prints the effective configuration, secrets masked. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char config_usage[] =
    "usage: aicos config [--help]\n"
    "\n"
    "Prints the effective configuration: every AICOS_* setting with its value, where it\n"
    "came from (environment or default) and what it means. Passwords inside URLs are\n"
    "masked. Exits 2 naming the variable when a value is invalid.\n";

int cmd_config(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(config_usage, stdout);
        return CLI_OK;
    }
    if (cli_no_options("config", argc, argv) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    config_print(&cfg, stdout);
    return CLI_OK;
}
