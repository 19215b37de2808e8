/* aicos settlement: import statement files, mapping profiles, reconcile, report; `airwallex`
 * (cmd_settlement_airwallex.c) is the payout provider's. */
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/parse.h"
#include "cli/cli.h"
#include "settlement/expected.h"
#include "settlement/import.h"
#include "settlement/profile.h"
#include "settlement/reconcile.h"
#include "store/db.h"
#include "vault/vault.h"

static const char settlement_usage[] =
    "usage: aicos settlement import FILE [--profile P] [--control-total AMOUNT]\n"
    "       aicos settlement profile create NAME --source S --kind lines|credits|withdrawals|"
    "expected\n"
    "                --map FIELD=HEADER ... [--currency C] [--utc-offset-hours H]"
    " [--style en|de|plain]\n"
    "       aicos settlement profile list\n"
    "       aicos settlement amounts [--connection ID] [--limit N]\n"
    "       aicos settlement reconcile [--now UNIX]\n"
    "       aicos settlement report [--json]\n"
    "       aicos settlement airwallex set-credential | sync | status   (see --help of each)\n"
    "\n"
    "import     imports a statement in one transaction: a Temu FundDetail .xlsx, a Temu\n"
    "           settlement export, withdrawals or order amounts CSV (found by its header), or\n"
    "           any file through a saved profile. Re-importing the same file changes nothing;\n"
    "           a --control-total that disagrees with the lines' sum fails it; rows that\n"
    "           cannot be read fail it with their row numbers. Files over 64 MiB are refused.\n"
    "profile    saves or lists mapping profiles. FIELD is one of posted_at, order_ref,\n"
    "           type_raw, gross, fee, net, currency, counterparty, reference, line_id,\n"
    "           balance_after, status, pickup_at, delivered_at, after_sales_open.\n"
    "amounts    reads the expected amount (estimatedSettlementTotal) of synced orders that\n"
    "           have none, or a day-old one, from Temu's temu.order.amount.v2.query, with\n"
    "           history; amounts from an order_amounts file are left alone.\n"
    "reconcile  matches orders to lines, lines to the wallet, withdrawals to credits.\n"
    "report     prints the last reconciliation (--json: the machine-readable report).\n"
    "airwallex  the payout provider's API (Airwallex settlements and balance history): store\n"
    "           its credential in the vault, sync its credits now, show the sync's state.\n"
    "Exit 0 success, 1 failure, 2 bad usage.\n";

static void settlement_actor(char *out, size_t cap)
{
    const struct passwd *pw = getpwuid(geteuid());
    snprintf(out, cap, "cli:%s", pw != NULL ? pw->pw_name : "unknown");
}

static int settlement_open(const char *cmd, struct db **db)
{
    struct config cfg;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    return cli_open_db(cmd, &cfg, db) ? CLI_OK : CLI_FAIL;
}

static void settlement_print_import(const struct settle_import_result *r, const char *path)
{
    json_t *j =
        json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:I, s:I, s:O?, s:O?}", "file", path, "sha256",
                  r->sha256, "already_imported", r->existed, "profile", r->profile, "source",
                  r->source, "kind", r->kind, "lines", (json_int_t)r->lines, "skipped",
                  (json_int_t)r->skipped, "totals", r->totals, "notes", r->notes);
    char *s = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    if (s != NULL)
        printf("%s\n", s);
    free(s);
    json_decref(j);
}

static int settlement_import_cmd(int argc, char **argv)
{
    struct settle_import_opts o = {0};
    static const struct option opts[] = {{"profile", required_argument, NULL, 'p'},
                                         {"control-total", required_argument, NULL, 't'},
                                         {0}};
    const struct cli_getopt g = {"settlement import", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc - 1, argv + 1)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'p')
            o.profile = optarg;
        else
            o.control_total = optarg;
    }
    int rest = argc - 1 - optind;
    if (rest != 1) {
        fputs("aicos settlement import: give exactly one FILE; see `aicos settlement --help`.\n",
              stderr);
        return CLI_USAGE;
    }
    const char *path = argv[1 + optind];
    const char *slash = strrchr(path, '/');
    char actor[80];
    settlement_actor(actor, sizeof actor);
    o.file_name = slash ? slash + 1 : path;
    o.actor = actor;
    o.now = (int64_t)time(NULL);
    struct db *db = NULL;
    int opened = settlement_open("settlement import", &db);
    if (opened != CLI_OK)
        return opened;
    struct errbuf eb = {0};
    struct settle_import_result r;
    enum err e = settle_import_file(db, path, &o, &r, &eb);
    if (e == ERR_OK)
        settlement_print_import(&r, path);
    else
        fprintf(stderr, "aicos settlement import: %s: %s\n", path, errbuf_message(&eb, e));
    cli_audit(db, "settlement.import", o.file_name, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? r.sha256 : errbuf_code(&eb, e));
    settle_import_result_clear(&r);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

/* FIELD=HEADER into p->map. */
static bool settlement_map_arg(struct settle_profile *p, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char field[32];
    if (eq == NULL || (size_t)(eq - arg) >= sizeof field || eq[1] == '\0')
        return false;
    memcpy(field, arg, (size_t)(eq - arg));
    field[eq - arg] = '\0';
    int f = settle_field_of_name(field);
    if (f < 0)
        return false;
    settle_copy(p->map[f], sizeof p->map[f], eq + 1);
    return true;
}

static int settlement_profile_opts(struct settle_profile *p, int argc, char **argv)
{
    static const struct option opts[] = {{"source", required_argument, NULL, 's'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"map", required_argument, NULL, 'm'},
                                         {"currency", required_argument, NULL, 'c'},
                                         {"utc-offset-hours", required_argument, NULL, 'o'},
                                         {"style", required_argument, NULL, 'y'},
                                         {0}};
    const struct cli_getopt g = {"settlement profile create", opts, true};
    int c;
    int64_t hours = 0;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 's')
            settle_copy(p->source, sizeof p->source, optarg);
        else if (c == 'k')
            settle_copy(p->kind, sizeof p->kind, optarg);
        else if (c == 'c')
            settle_copy(p->currency, sizeof p->currency, optarg);
        else if (c == 'm' && !settlement_map_arg(p, optarg))
            return cli_bad_option("settlement profile create", "--map");
        else if (c == 'o' && parse_int64(optarg, -14, 14, &hours) != ERR_OK)
            return cli_bad_option("settlement profile create", "--utc-offset-hours");
        else if (c == 'y' && !settle_style_parse(optarg, &p->style))
            return cli_bad_option("settlement profile create", "--style");
    }
    p->utc_offset_s = (int32_t)(hours * 3600);
    return CLI_OK;
}

static int settlement_profile_cmd(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[2], "create") != 0 && strcmp(argv[2], "list") != 0)) {
        fputs("aicos settlement profile: create or list; see `aicos settlement --help`.\n", stderr);
        return CLI_USAGE;
    }
    bool create = strcmp(argv[2], "create") == 0;
    struct settle_profile p;
    memset(&p, 0, sizeof p);
    settle_copy(p.currency, sizeof p.currency, "USD");
    p.style = MONEY_STYLE_EN;
    if (create && (argc < 4 || argv[3][0] == '-')) {
        fputs("aicos settlement profile create: give a NAME; see `aicos settlement --help`.\n",
              stderr);
        return CLI_USAGE;
    }
    if (create)
        settle_copy(p.name, sizeof p.name, argv[3]);
    int rc = create ? settlement_profile_opts(&p, argc - 3, argv + 3)
                    : cli_no_options("settlement profile list", argc - 2, argv + 2);
    if (rc != CLI_OK)
        return rc;
    struct db *db = NULL;
    int opened = settlement_open("settlement profile", &db);
    if (opened != CLI_OK)
        return opened;
    struct errbuf eb = {0};
    char actor[80];
    settlement_actor(actor, sizeof actor);
    json_t *list = NULL;
    enum err e = create ? settle_profile_save(db, &p, actor, (int64_t)time(NULL), &eb)
                        : settle_profile_list(db, &list, &eb);
    if (create)
        cli_audit(db, "settlement.profile.create", p.name, e == ERR_OK ? "success" : "failure",
                  e == ERR_OK ? p.source : errbuf_code(&eb, e));
    char *s = list ? json_dumps(list, JSON_INDENT(2)) : NULL;
    if (e == ERR_OK)
        printf("%s\n", s ? s : "{\"saved\": true}");
    else
        fprintf(stderr, "aicos settlement profile: %s\n", errbuf_message(&eb, e));
    free(s);
    json_decref(list);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

static int settlement_run_cmd(int argc, char **argv, bool reconcile)
{
    static const struct option ropts[] = {{"now", required_argument, NULL, 'n'}, {0}};
    static const struct option popts[] = {{"json", no_argument, NULL, 'j'}, {0}};
    const struct cli_getopt g = {reconcile ? "settlement reconcile" : "settlement report",
                                 reconcile ? ropts : popts, true};
    int c;
    int64_t now = (int64_t)time(NULL);
    bool as_json = false;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc - 1, argv + 1)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'n' && parse_int64(optarg, 0, INT64_C(253402300799), &now) != ERR_OK)
            return cli_bad_option("settlement reconcile", "--now");
        as_json = as_json || c == 'j';
    }
    if (cli_no_operands(g.cmd, argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    struct db *db = NULL;
    int opened = settlement_open(g.cmd, &db);
    if (opened != CLI_OK)
        return opened;
    struct errbuf eb = {0};
    json_t *rep = NULL;
    int64_t ran_at = 0;
    enum err e = reconcile ? settle_reconcile(db, now, NULL, &eb) : ERR_OK;
    if (reconcile)
        cli_audit(db, "settlement.reconcile", "", e == ERR_OK ? "success" : "failure",
                  e == ERR_OK ? "" : errbuf_code(&eb, e));
    e = e ? e : settle_report_load(db, &rep, &ran_at, &eb);
    char *s = rep ? json_dumps(rep, as_json ? JSON_COMPACT | JSON_SORT_KEYS
                                            : JSON_INDENT(2) | JSON_SORT_KEYS)
                  : NULL;
    if (e == ERR_OK && !as_json)
        printf("reconciled at %lld (Unix seconds)\n", (long long)ran_at);
    if (e == ERR_OK)
        printf("%s\n", s ? s : "{}");
    else
        fprintf(stderr, "aicos %s: %s\n", g.cmd, errbuf_message(&eb, e));
    free(s);
    json_decref(rep);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

static int settlement_amounts_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"connection", required_argument, NULL, 'c'}, {"limit", required_argument, NULL, 'l'}, {0}};
    const struct cli_getopt g = {"settlement amounts", opts, true};
    const char *conn = NULL;
    int64_t limit = 500;
    const struct cli_slot slots[] = {
        {'c', .text = &conn}, {'l', .num = &limit, .min = 1, .max = 100000}, {0}};
    if (cli_getopt_store(&g, slots, argc - 1, argv + 1) != CLI_OK ||
        cli_no_operands(g.cmd, argc - 1, argv + 1) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    struct vault *vault = NULL;
    int rc = cli_open_env(g.cmd, &cfg, &db, &vault);
    if (rc != CLI_OK)
        return rc;
    struct connect_env env = {.cfg = &cfg, .db = db, .vault = vault};
    struct settle_amounts_result r;
    struct errbuf eb = {0};
    enum err e = settle_amounts_refresh(&env, conn, limit, 86400, (int64_t)time(NULL), &r, &eb);
    if (e == ERR_OK)
        printf("asked %lld, stored %lld, failed %lld%s%s\n", (long long)r.asked,
               (long long)r.stored, (long long)r.failed, r.last_error[0] ? "; last: " : "",
               r.last_error);
    else
        fprintf(stderr, "aicos settlement amounts: %s\n", errbuf_message(&eb, e));
    cli_audit(db, "settlement.amounts", conn ? conn : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "" : errbuf_code(&eb, e));
    vault_free(vault);
    db_close(db);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

int cmd_settlement(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "airwallex") == 0)
        return cmd_settlement_airwallex(argc - 1, argv + 1);
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(settlement_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "import") == 0)
        return settlement_import_cmd(argc, argv);
    if (strcmp(argv[1], "profile") == 0)
        return settlement_profile_cmd(argc, argv);
    if (strcmp(argv[1], "amounts") == 0)
        return settlement_amounts_cmd(argc, argv);
    if (strcmp(argv[1], "reconcile") == 0 || strcmp(argv[1], "report") == 0)
        return settlement_run_cmd(argc, argv, strcmp(argv[1], "reconcile") == 0);
    fprintf(stderr, "aicos settlement: unknown subcommand %s; see `aicos settlement --help`.\n",
            argv[1]);
    return CLI_USAGE;
}
