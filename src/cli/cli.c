#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

bool cli_load_config(struct config *cfg)
{
    struct errbuf eb = {0};
    if (config_from_env(cfg, &eb) != ERR_OK) {
        fprintf(stderr, "aicos: %s\n", eb.msg);
        return false;
    }
    log_set_level(cfg->log_level);
    return true;
}

int cli_bad_option(const char *cmd, const char *opt)
{
    fprintf(stderr, "aicos %s: unknown option %s; see `aicos %s --help`.\n", cmd, opt, cmd);
    return CLI_USAGE;
}
