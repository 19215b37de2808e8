/* aicos tracking: configure the provider, refresh, status, quota, add and show parcels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/actions.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

static const char tracking_usage[] =
    "usage: aicos tracking configure [--provider none|temu|17track] [--url URL] [--key-file F]\n"
    "                                [--push-key-file F | --no-push-key] [--enable | --disable]\n"
    "                                [--rate N]\n"
    "       aicos tracking refresh [--connection ID] [--no-discover] [--all] [--now T]\n"
    "       aicos tracking status [--json] [--flag any|stalled|delayed|lost_suspect]\n"
    "       aicos tracking quota [--no-fetch]\n"
    "       aicos tracking add --number N [--carrier CODE] [--carrier-name NAME] [--order SN]\n"
    "                          [--shipped-at T] [--promise T]\n"
    "       aicos tracking show ID\n"
    "       aicos tracking stop|retrack ID\n"
    "       aicos tracking carrier ID --carrier CODE\n"
    "       aicos tracking remote [--page N]\n"
    "       aicos tracking carriers [set|delete] (--temu-id N | --carrier-name NAME)\n"
    "                               [--code C] [--lane L]\n"
    "       aicos tracking lane --lane domestic|express|line|postal [--connection ID]\n"
    "                           [--stall-days N] [--customs-days N] [--transit-days N]\n"
    "                           [--lost-days N]\n"
    "\n"
    "configure  sets the tracking provider: temu (temu.track.trackinginfo.get, no account\n"
    "           needed) or 17track (v2.2; the API key is read from the first line of F, a\n"
    "           file not readable by group or others, and sealed in the vault). --url sets\n"
    "           the 17TRACK base URL (default https://api.17track.net/track/v2.2/).\n"
    "           --push-key-file a second key pushes may be signed with (the old key while a\n"
    "           rotation settles); --disable stops refreshes (pushes are still received);\n"
    "           --rate N the 17TRACK request budget, 1 to 150 requests a minute.\n"
    "refresh    one refresh now: parcels of shipped orders discovered through the shipments\n"
    "           sync stream (unless --no-discover), numbers whose pushes went missing found\n"
    "           with gettracklist, new numbers registered (within the quota, each once), parcels\n"
    "           due polled (--all: every open parcel), flags evaluated at T (Unix seconds;\n"
    "           default now). Safe to kill at any moment. Exit 0 success, 1 failure.\n"
    "status     the provider, parcel counts and flagged orders; --json the parcels as JSON.\n"
    "quota      the quota ledger and, unless --no-fetch, the provider's getquota (free).\n"
    "add        follows a parcel by hand (a number not uploaded through Temu); a malformed\n"
    "           number is refused with the reason (exit 2).\n"
    "show       one parcel with its events and flags as JSON.\n"
    "stop       stops tracking a parcel at 17TRACK (stoptrack); retrack restarts a stopped one\n"
    "           (once per number); carrier changes its carrier (changecarrier, at most 5).\n"
    "remote     17TRACK's own list of the key's numbers (gettracklist), one page of 40.\n"
    "carriers   the carrier mapping (Temu carrier id or name -> 17TRACK code and lane) and the\n"
    "           Temu carriers of parcels no mapping names; set adds or replaces one (applied\n"
    "           to parcels not registered yet), delete removes one.\n"
    "lane       sets a shop's thresholds for a lane (days; unset ones keep the default; no\n"
    "           --connection: parcels entered by hand).\n";

struct tracking_args {
    const char *verb, *provider, *url, *key_file, *conn, *flag, *number, *carrier_name, *order;
    const char *lane, *push_key_file;
    int64_t carrier, now, shipped_at, promise, page, days[4], rate;
    bool json, no_discover, all, no_fetch, no_push_key;
    int enabled;
};

static bool tracking_int_opt(const char *name, const char *v, int64_t min, int64_t *out)
{
    if (parse_int64(v, min, INT64_C(253402300799), out) == ERR_OK)
        return true;
    fprintf(stderr, "aicos tracking: %s takes an integer of at least %lld.\n", name,
            (long long)min);
    return false;
}

static int tracking_opt(int c, struct tracking_args *a)
{
    switch (c) {
    case 'p':
        a->provider = optarg;
        break;
    case 'u':
        a->url = optarg;
        break;
    case 'k':
        a->key_file = optarg;
        break;
    case 'c':
        a->conn = optarg;
        break;
    case 'f':
        a->flag = optarg;
        break;
    case 'n':
        a->number = optarg;
        break;
    case 'N':
        a->carrier_name = optarg;
        break;
    case 'o':
        a->order = optarg;
        break;
    case 'j':
        a->json = true;
        break;
    case 'D':
        a->no_discover = true;
        break;
    case 'A':
        a->all = true;
        break;
    case 'F':
        a->no_fetch = true;
        break;
    case 'C':
        return tracking_int_opt("--carrier", optarg, 1, &a->carrier) ? CLI_OK : CLI_USAGE;
    case 't':
        return tracking_int_opt("--now", optarg, 1, &a->now) ? CLI_OK : CLI_USAGE;
    case 's':
        return tracking_int_opt("--shipped-at", optarg, 1, &a->shipped_at) ? CLI_OK : CLI_USAGE;
    case 'P':
        return tracking_int_opt("--promise", optarg, 1, &a->promise) ? CLI_OK : CLI_USAGE;
    case 'g':
        return tracking_int_opt("--page", optarg, 1, &a->page) ? CLI_OK : CLI_USAGE;
    case 'L':
        a->lane = optarg;
        break;
    case 'K':
        a->push_key_file = optarg;
        break;
    case 'Z':
        a->no_push_key = true;
        break;
    case 'E':
    case 'X':
        a->enabled = c == 'E' ? 1 : 0;
        break;
    case 'R':
        return tracking_int_opt("--rate", optarg, 1, &a->rate) ? CLI_OK : CLI_USAGE;
    case 1000:
    case 1001:
    case 1002:
    case 1003:
        return tracking_int_opt("--*-days", optarg, 1, &a->days[c - 1000]) ? CLI_OK : CLI_USAGE;
    default:
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int tracking_parse(int argc, char **argv, struct tracking_args *a)
{
    static const struct option opts[] = {{"provider", required_argument, NULL, 'p'},
                                         {"url", required_argument, NULL, 'u'},
                                         {"key-file", required_argument, NULL, 'k'},
                                         {"connection", required_argument, NULL, 'c'},
                                         {"flag", required_argument, NULL, 'f'},
                                         {"number", required_argument, NULL, 'n'},
                                         {"carrier-name", required_argument, NULL, 'N'},
                                         {"order", required_argument, NULL, 'o'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"no-discover", no_argument, NULL, 'D'},
                                         {"all", no_argument, NULL, 'A'},
                                         {"no-fetch", no_argument, NULL, 'F'},
                                         {"carrier", required_argument, NULL, 'C'},
                                         {"now", required_argument, NULL, 't'},
                                         {"shipped-at", required_argument, NULL, 's'},
                                         {"promise", required_argument, NULL, 'P'},
                                         {"page", required_argument, NULL, 'g'},
                                         {"lane", required_argument, NULL, 'L'},
                                         {"push-key-file", required_argument, NULL, 'K'},
                                         {"no-push-key", no_argument, NULL, 'Z'},
                                         {"enable", no_argument, NULL, 'E'},
                                         {"disable", no_argument, NULL, 'X'},
                                         {"rate", required_argument, NULL, 'R'},
                                         {"stall-days", required_argument, NULL, 1000},
                                         {"customs-days", required_argument, NULL, 1001},
                                         {"transit-days", required_argument, NULL, 1002},
                                         {"lost-days", required_argument, NULL, 1003},
                                         {0}};
    const struct cli_getopt g = {"tracking", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD || tracking_opt(c, a) != CLI_OK)
            return CLI_USAGE;
    }
    if (strcmp(a->verb, "show") == 0 || strcmp(a->verb, "stop") == 0 ||
        strcmp(a->verb, "retrack") == 0 || strcmp(a->verb, "carrier") == 0) {
        if (optind + 1 != argc) {
            fprintf(stderr, "aicos tracking %s: give one parcel id.\n", a->verb);
            return CLI_USAGE;
        }
        a->number = argv[optind];
        return CLI_OK;
    }
    return cli_no_operands("tracking", argc, argv);
}

static int tracking_print(json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(j);
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    return text != NULL ? CLI_OK : CLI_FAIL;
}

static int tracking_fail(const char *verb, struct errbuf *eb, enum err e)
{
    fprintf(stderr, "aicos tracking %s: %s (%s)\n", verb, errbuf_message(eb, e),
            errbuf_code(eb, e));
    return e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
}

static int tracking_configure_cmd(const struct connect_env *env, const struct tracking_args *a)
{
    char key[256] = "", push[256] = "";
    struct errbuf eb = {0};
    if (a->provider == NULL && a->url == NULL && a->key_file == NULL && a->enabled < 0 &&
        a->rate == 0 && a->push_key_file == NULL && !a->no_push_key) {
        fprintf(stderr, "aicos tracking configure: nothing to change (see --help).\n");
        return CLI_USAGE;
    }
    if ((a->key_file != NULL &&
         !cli_read_secret_file("tracking configure", a->key_file, key, sizeof key)) ||
        (a->push_key_file != NULL &&
         !cli_read_secret_file("tracking configure", a->push_key_file, push, sizeof push)))
        return CLI_USAGE;
    struct tracking_settings_change c = {.provider = a->provider,
                                         .url = a->url,
                                         .key = a->key_file != NULL ? key : NULL,
                                         .push_key = a->push_key_file != NULL ? push
                                                     : a->no_push_key         ? ""
                                                                              : NULL,
                                         .enabled = a->enabled,
                                         .rate_per_min = a->rate};
    enum err e = tracking_settings_change(env, &c, (int64_t)time(NULL), &eb);
    memset(key, 0, sizeof key);
    memset(push, 0, sizeof push);
    if (e != ERR_OK)
        return tracking_fail("configure", &eb, e);
    cli_audit(env->db, "tracking.configure", a->provider != NULL ? a->provider : "settings", "ok",
              a->key_file ? "key stored" : "");
    struct tracking_settings s;
    e = tracking_settings_get(env->db, &s, &eb);
    if (e != ERR_OK)
        return tracking_fail("configure", &eb, e);
    printf("tracking provider: %s (%s, %lld requests a minute)\n", s.provider,
           s.enabled ? "on" : "off", (long long)s.rate_per_min);
    return CLI_OK;
}

static int tracking_refresh_cmd(const struct connect_env *env, const struct tracking_args *a)
{
    struct tracking_refresh_opts o = {
        .now = a->now, .connection_id = a->conn, .discover = !a->no_discover, .poll_all = a->all};
    struct tracking_refresh_result r;
    struct errbuf eb = {0};
    int64_t start = a->now > 0 ? a->now : (int64_t)time(NULL);
    enum err e = tracking_refresh(env, &o, &r, &eb);
    /* The parcels it changed, for the action center (also after a partial refresh). */
    actions_tracking_hook(env->db, start - 1, a->now > 0 ? a->now : (int64_t)time(NULL));
    printf("refresh: discovered=%lld registered=%lld refused=%lld polled=%lld changed=%lld "
           "failed=%lld listed=%lld missed=%lld flags_raised=%lld flags_cleared=%lld open=%lld\n",
           (long long)r.discovered, (long long)r.registered, (long long)r.refused,
           (long long)r.polled, (long long)r.changed, (long long)r.failed, (long long)r.listed,
           (long long)r.missed, (long long)r.flags_raised, (long long)r.flags_cleared,
           (long long)r.open);
    return e == ERR_OK ? CLI_OK : tracking_fail("refresh", &eb, e);
}

static int tracking_status_cmd(const struct connect_env *env, const struct tracking_args *a)
{
    struct errbuf eb = {0};
    enum err e;
    if (a->json) {
        struct tracking_filter f = {
            .flag = a->flag, .connection_id = a->conn, .limit = TRACKING_LIST_MAX};
        json_t *j = NULL;
        e = tracking_shipments_list(env->db, &f, &j, &eb);
        return e == ERR_OK ? tracking_print(j) : tracking_fail("status", &eb, e);
    }
    struct tracking_summary s;
    e = tracking_summary_get(env, &s, &eb);
    if (e != ERR_OK)
        return tracking_fail("status", &eb, e);
    printf("provider: %s%s\nparcels: %lld (open %lld)\norders with flags: %lld",
           s.settings.provider,
           strcmp(s.settings.provider, "17track") == 0 && !s.key_present ? " (no key stored)" : "",
           (long long)s.parcels, (long long)s.open, (long long)s.flagged);
    for (size_t i = 0; i < 3 && s.flagged_orders[i][0]; i++)
        printf("%s%s", i == 0 ? " (" : ", ", s.flagged_orders[i]);
    printf("%s\nlast success: %lld\nlast error: %s\n", s.flagged_orders[0][0] ? ")" : "",
           (long long)s.settings.last_ok_at, s.settings.last_error);
    if (s.unmapped > 0)
        printf("open parcels whose carrier is not mapped: %lld (aicos tracking carriers)\n",
               (long long)s.unmapped);
    return CLI_OK;
}

static int tracking_add_cmd(const struct connect_env *env, const struct tracking_args *a)
{
    struct tracking_settings s;
    struct errbuf eb = {0};
    char id[TRACKING_ID_LEN + 1];
    bool created = false;
    enum err e = tracking_settings_get(env->db, &s, &eb);
    struct tracking_add ad = {.number = a->number,
                              .carrier = a->carrier,
                              .carrier_name = a->carrier_name,
                              .parent_order_sn = a->order,
                              .shipped_at = a->shipped_at,
                              .promise_at = a->promise};
    if (e == ERR_OK)
        e = tracking_shipment_add(env->db, s.provider, &ad, a->now > 0 ? a->now : time(NULL), id,
                                  &created, &eb);
    if (e != ERR_OK)
        return tracking_fail("add", &eb, e);
    if (created)
        actions_parcels_hook(env->db, &a->number, 1, a->now > 0 ? a->now : (int64_t)time(NULL));
    printf("%s %s\n", id, created ? "added" : "exists");
    return CLI_OK;
}

static int tracking_lane_cmd(const struct connect_env *env, const struct tracking_args *a)
{
    enum tracking_lane lane;
    struct errbuf eb = {0};
    if (!tracking_lane_parse(a->lane, &lane)) {
        fprintf(stderr, "aicos tracking lane: --lane is domestic, express, line or postal.\n");
        return CLI_USAGE;
    }
    struct tracking_thresholds t = {a->days[0] * TRACKING_DAY_S, a->days[1] * TRACKING_DAY_S,
                                    a->days[2] * TRACKING_DAY_S, a->days[3] * TRACKING_DAY_S};
    enum err e = tracking_lane_set(env->db, a->conn != NULL ? a->conn : "", lane, &t, &eb);
    if (e != ERR_OK)
        return tracking_fail("lane", &eb, e);
    cli_audit(env->db, "tracking.lane", a->lane, "ok", a->conn != NULL ? a->conn : "");
    printf("lane %s thresholds set\n", a->lane);
    return CLI_OK;
}

static int tracking_run(const struct connect_env *env, const struct tracking_args *a)
{
    struct errbuf eb = {0};
    json_t *j = NULL;
    enum err e = ERR_OK;
    if (strcmp(a->verb, "configure") == 0)
        return tracking_configure_cmd(env, a);
    if (strcmp(a->verb, "refresh") == 0)
        return tracking_refresh_cmd(env, a);
    if (strcmp(a->verb, "status") == 0)
        return tracking_status_cmd(env, a);
    if (strcmp(a->verb, "add") == 0)
        return tracking_add_cmd(env, a);
    if (strcmp(a->verb, "lane") == 0)
        return tracking_lane_cmd(env, a);
    if (strcmp(a->verb, "quota") == 0)
        e = tracking_quota_report(env, !a->no_fetch, &j, &eb);
    else if (strcmp(a->verb, "remote") == 0)
        e = tracking_remote_list(env, a->page > 0 ? a->page : 1, &j, &eb);
    else if (strcmp(a->verb, "show") != 0)
        e = tracking_manage(env, a->number, a->verb, a->carrier, (int64_t)time(NULL), &j, &eb);
    else
        e = tracking_shipment_get(env->db, a->number, &j, &eb);
    return e == ERR_OK ? tracking_print(j) : tracking_fail(a->verb, &eb, e);
}

int cmd_tracking(int argc, char **argv)
{
    static const char *const verbs[] = {"configure", "refresh", "status",  "quota",  "add", "show",
                                        "stop",      "retrack", "carrier", "remote", "lane"};
    bool help = cli_wants_help(argc, argv);
    if (help || argc < 2) {
        fputs(tracking_usage, help ? stdout : stderr);
        return help ? CLI_OK : CLI_USAGE;
    }
    if (strcmp(argv[1], "carriers") == 0)
        return cmd_tracking_carriers(argc - 1, argv + 1);
    struct tracking_args a = {.verb = argv[1], .enabled = -1};
    bool known = false;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        known = known || strcmp(a.verb, verbs[i]) == 0;
    if (!known)
        return cli_bad_option("tracking", a.verb);
    int rc = tracking_parse(argc - 1, argv + 1, &a);
    if (rc != CLI_OK)
        return rc;
    struct config cfg;
    struct db *db = NULL;
    struct vault *vault = NULL;
    /* Parcels and the status read without the vault; the provider needs it. */
    bool needs_vault =
        strcmp(a.verb, "show") != 0 && strcmp(a.verb, "add") != 0 && strcmp(a.verb, "lane") != 0;
    rc = cli_open_env("tracking", &cfg, &db, needs_vault ? &vault : NULL);
    if (rc != CLI_OK)
        return rc;
    struct connect_env env = {.cfg = &cfg, .db = db, .vault = vault};
    rc = tracking_run(&env, &a);
    vault_free(vault);
    db_close(db);
    return rc;
}
