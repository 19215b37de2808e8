/* aicos tracking carriers: the carrier mapping (Temu carrier -> 17TRACK code), listed and edited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"
#include "tracking/tracking.h"

static const char carriers_usage[] =
    "usage: aicos tracking carriers [--json]\n"
    "       aicos tracking carriers set (--temu-id N | --carrier-name NAME) --code C [--lane L]\n"
    "       aicos tracking carriers delete (--temu-id N | --carrier-name NAME)\n"
    "\n"
    "Without a verb: the mapping (Temu carrier id or name -> 17TRACK carrier code and lane;\n"
    "source seed, operator or detected) and the Temu carriers of parcels that no mapping names\n"
    "(registration then relies on 17TRACK's auto-detection). set adds or replaces a mapping\n"
    "and applies it to the parcels not registered yet; delete removes one. --lane is domestic,\n"
    "express, line or postal (default: the code's lane).\n";

struct carriers_args {
    const char *verb, *name, *lane;
    int64_t temu_id, code;
    bool json;
};

static int carriers_parse(int argc, char **argv, struct carriers_args *a)
{
    static const struct option opts[] = {
        {"temu-id", required_argument, NULL, 'i'}, {"carrier-name", required_argument, NULL, 'n'},
        {"code", required_argument, NULL, 'c'},    {"lane", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},          {0}};
    const struct cli_getopt g = {"tracking carriers", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'n')
            a->name = optarg;
        else if (c == 'l')
            a->lane = optarg;
        else if (c == 'j')
            a->json = true;
        else if (parse_int64(optarg, 1, TRACKING_CARRIER_CODE_MAX,
                             c == 'i' ? &a->temu_id : &a->code) != ERR_OK) {
            fprintf(stderr, "aicos tracking carriers: --%s takes an integer from 1 to %d.\n",
                    c == 'i' ? "temu-id" : "code", TRACKING_CARRIER_CODE_MAX);
            return CLI_USAGE;
        }
    }
    if (optind < argc && (strcmp(argv[optind], "set") == 0 || strcmp(argv[optind], "delete") == 0))
        a->verb = argv[optind++];
    return cli_no_operands("tracking carriers", argc, argv);
}

static void carriers_print(json_t *doc)
{
    size_t i;
    json_t *x;
    printf("%-10s %-24s %-9s %-9s %s\n", "temu id", "name", "code", "lane", "source");
    json_array_foreach(json_object_get(doc, "carriers"), i, x)
    {
        printf("%-10lld %-24s %-9lld %-9s %s\n",
               (long long)json_integer_value(json_object_get(x, "temu_carrier_id")),
               json_string_value(json_object_get(x, "name")),
               (long long)json_integer_value(json_object_get(x, "code")),
               json_string_value(json_object_get(x, "lane")),
               json_string_value(json_object_get(x, "source")));
    }
    json_array_foreach(json_object_get(doc, "unknown"), i, x)
    {
        printf("%sunknown: %s (temu id %lld), %lld parcels\n", i == 0 ? "\n" : "",
               json_string_value(json_object_get(x, "name")),
               (long long)json_integer_value(json_object_get(x, "temu_carrier_id")),
               (long long)json_integer_value(json_object_get(x, "parcels")));
    }
}

static int carriers_run(struct db *db, const struct carriers_args *a)
{
    struct errbuf eb = {0};
    enum err e = ERR_OK;
    char target[96];
    snprintf(target, sizeof target, "%lld:%s", (long long)a->temu_id, a->name ? a->name : "");
    if (a->verb == NULL) {
        json_t *doc = NULL;
        e = tracking_carriers_list(db, &doc, &eb);
        if (e == ERR_OK && a->json) {
            char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
            printf("%s\n", text != NULL ? text : "");
            free(text);
        } else if (e == ERR_OK) {
            carriers_print(doc);
        }
        json_decref(doc);
    } else if (strcmp(a->verb, "set") == 0) {
        struct tracking_carrier_map m = {a->temu_id, a->name, a->code, a->lane};
        int64_t applied = 0;
        e = tracking_carrier_set(db, &m, (int64_t)time(NULL), &applied, &eb);
        if (e == ERR_OK) {
            cli_audit(db, "tracking.carrier.set", target, "ok", "");
            printf("mapping set; %lld waiting parcels take it\n", (long long)applied);
        }
    } else {
        e = tracking_carrier_delete(db, a->temu_id, a->name, &eb);
        if (e == ERR_OK) {
            cli_audit(db, "tracking.carrier.delete", target, "ok", "");
            printf("mapping deleted\n");
        }
    }
    if (e == ERR_OK)
        return CLI_OK;
    fprintf(stderr, "aicos tracking carriers: %s (%s)\n", errbuf_message(&eb, e),
            errbuf_code(&eb, e));
    return e == ERR_INVAL || e == ERR_NOTFOUND ? CLI_USAGE : CLI_FAIL;
}

int cmd_tracking_carriers(int argc, char **argv)
{
    bool help = cli_wants_help(argc, argv);
    if (help) {
        fputs(carriers_usage, stdout);
        return CLI_OK;
    }
    struct carriers_args a = {0};
    int rc = carriers_parse(argc, argv, &a);
    if (rc != CLI_OK)
        return rc;
    struct config cfg;
    struct db *db = NULL;
    rc = cli_open_env("tracking", &cfg, &db, NULL);
    if (rc != CLI_OK)
        return rc;
    rc = carriers_run(db, &a);
    db_close(db);
    return rc;
}
