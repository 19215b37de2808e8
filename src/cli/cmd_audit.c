/* aicos audit: exports the audit log. */
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "cli/cli.h"
#include "store/db.h"

static const char audit_usage[] =
    "usage: aicos audit export [--format csv|jsonl] [--actor A] [--action X] [--since ISO]\n"
    "                          [--until ISO]\n"
    "\n"
    "Writes the audit log (oldest first) to standard output: CSV with a header row (cells\n"
    "that start with = + - @ are prefixed with ' so spreadsheets do not run them), or one JSON\n"
    "object per line. --action takes an exact action or a prefix ending in '.' (e.g. user.).\n";

int cmd_audit(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(audit_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "export") != 0) {
        fprintf(stderr, "aicos audit: unknown subcommand %s; see `aicos audit --help`.\n", argv[1]);
        return CLI_USAGE;
    }
    struct audit_filter f = {0};
    enum audit_format format = AUDIT_CSV;
    for (int i = 2; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (val == NULL)
            return cli_bad_option("audit export", opt);
        if (strcmp(opt, "--format") == 0 && strcmp(val, "csv") == 0)
            format = AUDIT_CSV;
        else if (strcmp(opt, "--format") == 0 && strcmp(val, "jsonl") == 0)
            format = AUDIT_JSONL;
        else if (strcmp(opt, "--actor") == 0)
            f.actor = val;
        else if (strcmp(opt, "--action") == 0)
            f.action = val;
        else if (strcmp(opt, "--since") == 0)
            f.since = val;
        else if (strcmp(opt, "--until") == 0)
            f.until = val;
        else {
            fprintf(stderr, "aicos audit export: bad option %s %s; see `aicos audit --help`.\n",
                    opt, val);
            return CLI_USAGE;
        }
        i++;
    }
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("audit", &cfg, &db))
        return CLI_FAIL;
    struct errbuf eb = {0};
    enum err e = audit_export(db, &f, format, stdout, &eb);
    if (e != ERR_OK)
        fprintf(stderr, "aicos audit export: %s\n", errbuf_message(&eb, e));
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}
