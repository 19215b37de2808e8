/* aicos: the subcommand table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "base/secure.h"
#include "cli/cli.h"
#include "version.h"

static const struct cli_command commands[] = {
    {"serve", "serve the API, console, callbacks, health and metrics", cmd_serve},
    {"migrate", "apply missing database migrations (idempotent)", cmd_migrate},
    {"config", "print the effective configuration, secrets masked", cmd_config},
    {"user", "operator accounts: add, list, set-role, reset-password, disable", cmd_user},
    {"token", "API tokens for automation: create, list, revoke", cmd_token},
    {"vault", "encrypted secrets: status, check, rotate", cmd_vault},
    {"audit", "export the audit log as CSV or JSON lines", cmd_audit},
    {"temu", "Temu Open Platform tools: sign a body, make one signed call", cmd_temu},
    {"deploy", "production deployment: init-env, preflight, smoke, dns, suggest-host", cmd_deploy},
    {"sync", "sync a Temu stream now, list sync runs, resume a paused stream", cmd_sync},
    {"tracking", "carrier tracking: configure the provider, refresh, status, quota", cmd_tracking},
    {"worker", "run the sync scheduler alone (no HTTP server)", cmd_worker},
    {"settlement", "statements: import, profile, reconcile, report; payout provider: airwallex",
     cmd_settlement},
    {"ai", "buyer-message intents: train the model, evaluate it, classify a message", cmd_ai},
    {"actions", "the action center: list, show, eval, brief, metrics, set", cmd_actions},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: aicos <command> [options]\n"
                 "       aicos --help | --version\n"
                 "\n"
                 "AI Commerce OS, the self-hosted operations back end for Temu sellers.\n"
                 "\n"
                 "commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun `aicos <command> --help` for a command's options. Configuration comes\n"
                 "from AICOS_* environment variables; `aicos config` lists them.\n");
}

int main(int argc, char **argv)
{
    if (secure_init() != ERR_OK) {
        fprintf(stderr, "aicos: libsodium cannot initialize (no entropy source?)\n");
        return CLI_FAIL;
    }
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("aicos %s (%s)\n", AICOS_VERSION, AICOS_COMMIT);
        return CLI_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "aicos: unknown command %s; see `aicos --help`.\n", argv[1]);
    return CLI_USAGE;
}
