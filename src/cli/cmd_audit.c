/* aicos audit: exports the audit log, prunes it by retention, lists refusal counts. */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "base/limits.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"

static const char audit_usage[] =
    "usage: aicos audit export [--format csv|xlsx|jsonl] [--actor A] [--action X] [--since ISO]\n"
    "                          [--until ISO]\n"
    "       aicos audit prune --before ISO --archive FILE\n"
    "       aicos audit refusals [--limit N]\n"
    "\n"
    "export writes the audit log (oldest first) to standard output: CSV with a header row (cells\n"
    "that start with = + - @ or a control character are prefixed with ' so spreadsheets do not\n"
    "run them), an XLSX workbook (every text a string cell), or one JSON object per line. --action "
    "takes an exact action or a prefix ending in '.' (e.g. user.).\n"
    "\n"
    "prune is the retention path of the otherwise append-only log: it writes every entry older\n"
    "than --before (at least 30 days ago) to the new file FILE (JSONL, mode 0600), and only\n"
    "once that file is on disk deletes exactly those entries (and the refusal counts of those\n"
    "minutes), recording the prune, its entry count and the file's SHA-256 in the log itself.\n"
    "\n"
    "refusals lists the counted refusals of anonymous callers (bad tokens, stale cookies,\n"
    "callbacks matching no session), one row per source address, minute, action and target.\n";

/* The configured database; CLI_OK, or the exit status to return. */
/* Refuses operands left after cmd's options (argv not NULL), then opens the database. */
static int audit_open_db(const char *cmd, int argc, char **argv, struct db **db)
{
    struct config cfg;
    *db = NULL;
    if (argv != NULL && cli_no_operands(cmd, argc, argv) != CLI_OK)
        return CLI_USAGE;
    return cli_open_env("audit", &cfg, db, NULL);
}

static int audit_prune_cmd(int argc, char **argv)
{
    const char *before = NULL, *archive = NULL;
    static const struct option opts[] = {
        {"before", required_argument, NULL, 'b'}, {"archive", required_argument, NULL, 'a'}, {0}};
    const struct cli_getopt g = {"audit prune", opts, false};
    const struct cli_slot slots[] = {{'b', .text = &before}, {'a', .text = &archive}, {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK ||
        cli_no_operands("audit prune", argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    if (before == NULL || archive == NULL) {
        fputs("aicos audit prune: --before ISO and --archive FILE are both required; see `aicos "
              "audit --help`.\n",
              stderr);
        return CLI_USAGE;
    }
    struct db *db = NULL;
    int opened = audit_open_db(g.cmd, 0, NULL, &db);
    if (opened != CLI_OK)
        return opened;
    char actor[80];
    const struct passwd *pw = getpwuid(geteuid());
    snprintf(actor, sizeof actor, "cli:%s", pw != NULL ? pw->pw_name : "unknown");
    struct errbuf eb = {0};
    struct audit_prune_result res;
    enum err e = audit_prune(db, before, archive, actor, (int64_t)time(NULL), &res, &eb);
    if (e != ERR_OK)
        fprintf(stderr, "aicos audit prune: %s\n", errbuf_message(&eb, e));
    else if (res.through_id == 0)
        printf("No audit entry is older than %s; nothing pruned.\n", before);
    else
        printf("Archived %lld entries (through id %lld) to %s, sha256 %s; deleted them and %lld "
               "refusal count rows.\n",
               (long long)res.entries, (long long)res.through_id, archive, res.sha256,
               (long long)res.refusals);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

static int audit_refusals_cmd(int argc, char **argv)
{
    int64_t limit = 100;
    static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
    const struct cli_getopt g = {"audit refusals", opts, false};
    const struct cli_slot slots[] = {{'l', .num = &limit, .min = 1, .max = LIMIT_PAGE_SIZE_MAX},
                                     {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    struct db *db = NULL;
    int opened = audit_open_db(g.cmd, argc - 1, argv + 1, &db);
    if (opened != CLI_OK)
        return opened;
    struct errbuf eb = {0};
    json_t *list = NULL;
    enum err e = audit_refusals_list(db, limit, &list, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos audit refusals: %s\n", errbuf_message(&eb, e));
    } else {
        printf("%-16s  %-39s  %-28s  %8s  %s\n", "minute", "source", "action", "count", "target");
        size_t i;
        json_t *o;
        json_array_foreach(list, i, o)
        {
            printf("%-16s  %-39s  %-28s  %8lld  %s\n",
                   json_string_value(json_object_get(o, "minute")),
                   json_string_value(json_object_get(o, "source")),
                   json_string_value(json_object_get(o, "action")),
                   (long long)json_integer_value(json_object_get(o, "count")),
                   json_string_value(json_object_get(o, "target")));
        }
    }
    json_decref(list);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

int cmd_audit(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(audit_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "prune") == 0)
        return audit_prune_cmd(argc, argv);
    if (strcmp(argv[1], "refusals") == 0)
        return audit_refusals_cmd(argc, argv);
    if (strcmp(argv[1], "export") != 0) {
        fprintf(stderr, "aicos audit: unknown subcommand %s; see `aicos audit --help`.\n", argv[1]);
        return CLI_USAGE;
    }
    struct audit_filter f = {0};
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"actor", required_argument, NULL, 'a'},
        {"action", required_argument, NULL, 'A'}, {"since", required_argument, NULL, 's'},
        {"until", required_argument, NULL, 'u'},  {0}};
    const struct cli_getopt g = {"audit export", opts, false};
    const char *fmt = "csv";
    const struct cli_slot slots[] = {{'f', .text = &fmt},      {'a', .text = &f.actor},
                                     {'A', .text = &f.action}, {'s', .text = &f.since},
                                     {'u', .text = &f.until},  {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    if (strcmp(fmt, "csv") != 0 && strcmp(fmt, "jsonl") != 0 && strcmp(fmt, "xlsx") != 0) {
        fprintf(stderr, "aicos audit export: bad option --format %s; see `aicos audit --help`.\n",
                fmt);
        return CLI_USAGE;
    }
    enum audit_format format = strcmp(fmt, "csv") == 0    ? AUDIT_CSV
                               : strcmp(fmt, "xlsx") == 0 ? AUDIT_XLSX
                                                          : AUDIT_JSONL;
    struct db *db = NULL;
    int opened = audit_open_db(g.cmd, argc - 1, argv + 1, &db);
    if (opened != CLI_OK)
        return opened;
    struct errbuf eb = {0};
    enum err e = audit_export(db, &f, format, stdout, &eb);
    if (e != ERR_OK)
        fprintf(stderr, "aicos audit export: %s\n", errbuf_message(&eb, e));
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}
