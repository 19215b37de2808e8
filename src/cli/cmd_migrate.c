/* aicos migrate: applies the missing schema migrations, or reports the schema status. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/migrate.h"

static const char migrate_usage[] =
    "usage: aicos migrate [--status] [--help]\n"
    "\n"
    "Applies every schema migration the database (AICOS_DATABASE_URL) is missing, each in\n"
    "its own transaction. Running it again changes nothing. A database whose schema is newer\n"
    "than this program is refused and left untouched.\n"
    "\n"
    "  --status   print the current and expected schema versions and change nothing;\n"
    "             exit 0 when current, 1 when behind or newer\n";

int cmd_migrate(int argc, char **argv)
{
    bool status_only = false;
    if (cli_wants_help(argc, argv)) {
        fputs(migrate_usage, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {{"status", no_argument, NULL, 's'}, {0}};
    const struct cli_getopt g = {"migrate", opts, false};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        status_only = true;
    }
    if (cli_no_operands("migrate", argc, argv) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    struct errbuf eb = {0};
    struct db *db = NULL;
    int rc = CLI_FAIL;
    enum err e = db_open(cfg.database_url, 1, &db, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos migrate: %s\n", eb.msg);
        return CLI_FAIL;
    }
    if (status_only) {
        int current = 0;
        e = migrate_current(db, &current, &eb);
        if (e == ERR_OK) {
            printf("schema version %d, program expects %d (%s)\n", current, migrate_latest(),
                   current == migrate_latest()  ? "current"
                   : current < migrate_latest() ? "behind: run aicos migrate"
                                                : "newer than this program");
            rc = current == migrate_latest() ? CLI_OK : CLI_FAIL;
        }
    } else {
        int applied = 0;
        e = migrate_apply(db, &applied, &eb);
        if (e == ERR_OK) {
            printf("applied %d migration(s); schema version %d (%s)\n", applied, migrate_latest(),
                   db_driver_name(db));
            rc = CLI_OK;
        }
    }
    if (e != ERR_OK)
        fprintf(stderr, "aicos migrate: %s\n", errbuf_message(&eb, e));
    db_close(db);
    return rc;
}
