/* aicos actions: the action center from the shell (list, show, eval, brief, metrics, set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/actions.h"
#include "auth/roles.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"

static const char actions_usage[] =
    "usage: aicos actions list [--state S] [--kind K] [--owner O] [--assignee U] [--role R]\n"
    "                          [--limit N] [--json]\n"
    "       aicos actions show ID\n"
    "       aicos actions eval [--full] [--connection ID] [--now T]\n"
    "       aicos actions brief [--role R]\n"
    "       aicos actions metrics [--days N]\n"
    "       aicos actions set --kind K --name NAME --value V [--connection ID]\n"
    "\n"
    "list     the ranked items (default: open ones) as seen by role R (default seller_admin):\n"
    "         score, kind, object, deadline, money at risk, state; --json for the API's JSON.\n"
    "         S is open, snoozed, resolved, auto_resolved or all; O temu, logistics,\n"
    "         payments or ops.\n"
    "show     one item with its history, as JSON.\n"
    "eval     re-evaluates the detectors now: the worker's window pass, or with --full every\n"
    "         order, case, SKU and connection (of one connection with --connection).\n"
    "brief    the daily brief in Chinese and English.\n"
    "--now T  (list, eval, brief) evaluates and ranks as at Unix time T instead of now: a\n"
    "         replay, or a sandbox's virtual clock.\n"
    "metrics  items opened and resolved per day, median time to resolve, breaches warned\n"
    "         24 h before, over the last N days (default 7), as JSON.\n"
    "set      overrides a detector's threshold for one shop (--connection) or all of them.\n"
    "hook, outbox, notify: outbound webhooks (see aicos actions hook --help).\n"
    "Exit 0 success, 1 failure, 2 bad usage.\n";

struct actions_cli {
    const char *verb, *state, *kind, *owner, *assignee, *conn, *name;
    enum auth_role role;
    int64_t limit, days, value, now;
    bool json, full, has_value;
};

static const char *cli_arg(const void *ctx, const char *name)
{
    const struct actions_cli *a = ctx;
    if (strcmp(name, "state") == 0)
        return a->state;
    if (strcmp(name, "kind") == 0)
        return a->kind;
    if (strcmp(name, "owner") == 0)
        return a->owner;
    if (strcmp(name, "assignee") == 0)
        return a->assignee;
    return NULL;
}

static int actions_print_json(json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(doc);
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    return text != NULL ? CLI_OK : CLI_FAIL;
}

static void actions_print_row(const json_t *it)
{
    const json_t *m = json_object_get(it, "money_at_risk");
    char when[32] = "-";
    time_t t = (time_t)json_integer_value(json_object_get(it, "deadline"));
    struct tm tm;
    if (t > 0 && gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    printf("%6lld  %-22s %-28s %-16s %-16s %-13s %s\n",
           (long long)json_integer_value(json_object_get(json_object_get(it, "score"), "total")),
           json_string_value(json_object_get(it, "kind")),
           json_string_value(json_object_get(json_object_get(it, "object"), "key")), when,
           json_is_object(m) ? json_string_value(json_object_get(m, "text")) : "-",
           json_string_value(json_object_get(it, "state")),
           json_string_value(json_object_get(it, "id")));
}

static int actions_cli_list(struct db *db, const struct actions_cli *a)
{
    struct actions_filter f;
    struct errbuf eb = {{0}, {0}};
    json_t *doc = NULL;
    enum err e = actions_filter_parse(cli_arg, a, a->role, NULL, a->now, &f, &eb);
    f.limit = a->limit;
    e = e ? e : actions_list(db, &f, &doc, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos actions list: %s\n", errbuf_message(&eb, e));
        return e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
    }
    if (a->json)
        return actions_print_json(doc);
    size_t i;
    const json_t *it;
    printf("%6s  %-22s %-28s %-16s %-16s %-13s %s\n", "score", "kind", "object", "deadline (UTC)",
           "at risk", "state", "id");
    json_array_foreach(json_object_get(doc, "items"), i, it) actions_print_row(it);
    printf("%lld item(s)\n", (long long)json_integer_value(json_object_get(doc, "total")));
    json_decref(doc);
    return CLI_OK;
}

static int actions_cli_do(struct db *db, const struct actions_cli *a, const char *id)
{
    struct errbuf eb = {{0}, {0}};
    json_t *doc = NULL;
    int64_t now = a->now;
    struct actions_stats st = {0};
    enum err e = ERR_OK;
    if (strcmp(a->verb, "show") == 0)
        e = actions_get(db, id, ROLE_SELLER_ADMIN, &doc, &eb);
    else if (strcmp(a->verb, "brief") == 0)
        e = actions_brief(db, a->role, now, &doc, &eb);
    else if (strcmp(a->verb, "metrics") == 0)
        e = actions_metrics(db, now, a->days, &doc, &eb);
    else if (strcmp(a->verb, "set") == 0)
        e = actions_setting_set(db, a->conn, a->kind, a->name, a->value, "cli", now, &eb);
    else if (a->full)
        e = actions_eval_full(db, a->conn, now, &st, &eb);
    else
        e = actions_eval_window(db, now - ACTIONS_TICK_S, now, &st, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos actions %s: %s\n", a->verb, errbuf_message(&eb, e));
        return e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
    }
    if (strcmp(a->verb, "eval") == 0)
        printf("objects=%lld hits=%lld opened=%lld reopened=%lld updated=%lld resolved=%lld\n",
               (long long)st.objects, (long long)st.hits, (long long)st.opened,
               (long long)st.reopened, (long long)st.updated, (long long)st.resolved);
    else if (strcmp(a->verb, "set") == 0)
        printf("%s.%s = %lld\n", a->kind, a->name, (long long)a->value);
    else if (strcmp(a->verb, "brief") == 0)
        printf("%s\n%s\n", json_string_value(json_object_get(doc, "zh")),
               json_string_value(json_object_get(doc, "en")));
    else
        return actions_print_json(doc);
    json_decref(doc);
    return CLI_OK;
}

/* One option's value into a; false after printing a usage message. */
static bool actions_cli_opt(int c, const char *v, struct actions_cli *a)
{
    switch (c) {
    case 's':
        a->state = v;
        return true;
    case 'k':
        a->kind = v;
        return true;
    case 'o':
        a->owner = v;
        return true;
    case 'a':
        a->assignee = v;
        return true;
    case 'c':
        a->conn = v;
        return true;
    case 'n':
        a->name = v;
        return true;
    case 'j':
        a->json = true;
        return true;
    case 'f':
        a->full = true;
        return true;
    case 'r':
        if (auth_role_parse(v, &a->role))
            return true;
        fprintf(stderr, "aicos actions: --role is one of %s.\n", auth_role_choices());
        return false;
    case 'l':
        if (parse_int64(v, 1, ACTIONS_LIST_MAX, &a->limit) == ERR_OK)
            return true;
        fprintf(stderr, "aicos actions: --limit takes 1..%d.\n", ACTIONS_LIST_MAX);
        return false;
    case 'd':
        if (parse_int64(v, 1, 366, &a->days) == ERR_OK)
            return true;
        fprintf(stderr, "aicos actions: --days takes 1..366.\n");
        return false;
    case 'N':
        if (parse_int64(v, 1, INT64_C(253402300799), &a->now) == ERR_OK)
            return true;
        fprintf(stderr, "aicos actions: --now takes Unix seconds.\n");
        return false;
    case 'v':
        a->has_value = parse_int64(v, INT64_MIN, INT64_MAX, &a->value) == ERR_OK;
        if (!a->has_value)
            fprintf(stderr, "aicos actions set: --value takes an integer.\n");
        return a->has_value;
    }
    return false;
}

static int actions_cli_parse(int argc, char **argv, struct actions_cli *a)
{
    static const struct option opts[] = {{"state", required_argument, NULL, 's'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"owner", required_argument, NULL, 'o'},
                                         {"assignee", required_argument, NULL, 'a'},
                                         {"connection", required_argument, NULL, 'c'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"value", required_argument, NULL, 'v'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"full", no_argument, NULL, 'f'},
                                         {"now", required_argument, NULL, 'N'},
                                         {0}};
    const struct cli_getopt g = {"actions", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END)
        if (c == CLI_OPT_BAD || !actions_cli_opt(c, optarg, a))
            return CLI_USAGE;
    if (strcmp(a->verb, "set") == 0 && (a->kind == NULL || a->name == NULL || !a->has_value)) {
        fprintf(stderr, "aicos actions set: --kind, --name and --value are required.\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_actions(int argc, char **argv)
{
    static const char *const verbs[] = {"list", "show", "eval", "brief", "metrics", "set"};
    bool help = cli_wants_help(argc, argv);
    if (argc >= 2 && (strcmp(argv[1], "hook") == 0 || strcmp(argv[1], "outbox") == 0 ||
                      strcmp(argv[1], "notify") == 0))
        return cmd_actions_notify(argc - 1, argv + 1);
    if (help || argc < 2) {
        fputs(actions_usage, help ? stdout : stderr);
        return help ? CLI_OK : CLI_USAGE;
    }
    struct actions_cli a = {.verb = argv[1],
                            .role = ROLE_SELLER_ADMIN,
                            .limit = 50,
                            .days = 7,
                            .now = (int64_t)time(NULL)};
    bool known = false;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        known = known || strcmp(a.verb, verbs[i]) == 0;
    if (!known)
        return cli_bad_option("actions", a.verb);
    bool show = strcmp(a.verb, "show") == 0;
    if (show && (argc != 3 || argv[2][0] == '-')) {
        fprintf(stderr, "aicos actions show: give one item id.\n");
        return CLI_USAGE;
    }
    int rc = show ? CLI_OK : actions_cli_parse(argc - 1, argv + 1, &a);
    if (rc == CLI_OK && !show && cli_no_operands("actions", argc - 1, argv + 1) != CLI_OK)
        rc = CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    if (rc != CLI_OK)
        return rc;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("actions", &cfg, &db))
        return CLI_FAIL;
    rc = strcmp(a.verb, "list") == 0 ? actions_cli_list(db, &a)
                                     : actions_cli_do(db, &a, show ? argv[2] : NULL);
    db_close(db);
    return rc;
}
