/* aicos settlement: the settlement import's commands; `airwallex` is the payout provider's. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char settlement_usage[] =
    "usage: aicos settlement airwallex set-credential | sync | status   (see --help of each)\n"
    "\n"
    "airwallex: the payout provider's API (Airwallex settlements and balance history): store\n"
    "its credential in the vault, sync its credits into the database now, show the sync's\n"
    "state. `aicos serve` and `aicos worker` also sync every AICOS_PAYOUT_SYNC_INTERVAL_S\n"
    "seconds once a credential exists.\n";

int cmd_settlement(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "airwallex") == 0)
        return cmd_settlement_airwallex(argc - 1, argv + 1);
    if (cli_wants_help(argc, argv)) {
        fputs(settlement_usage, stdout);
        return CLI_OK;
    }
    fprintf(stderr, "aicos settlement: %s%s; see `aicos settlement --help`.\n",
            argc >= 2 ? "unknown subcommand " : "a subcommand is needed", argc >= 2 ? argv[1] : "");
    return CLI_USAGE;
}
