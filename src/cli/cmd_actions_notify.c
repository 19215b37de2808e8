/* aicos actions hook|outbox|notify: the action center's outbound webhooks from the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/notify.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"
#include "vault/vault.h"

static const char hook_usage[] =
    "usage: aicos actions hook add --kind K --url URL [--secret-stdin] [--min-severity N]\n"
    "                              [--no-brief]\n"
    "       aicos actions hook list\n"
    "       aicos actions hook delete|test|enable|disable ID\n"
    "       aicos actions outbox [--limit N]\n"
    "       aicos actions notify\n"
    "\n"
    "hook add     adds a webhook for new items of severity >= N (default 3, high) and the\n"
    "             daily brief (unless --no-brief). K is generic (signed JSON; needs a secret of\n"
    "             16+ characters), wecom, dingtalk (secret optional: signed URL), feishu\n"
    "             (secret optional: signed body) or slack. The secret is read from standard\n"
    "             input (--secret-stdin) and sealed in the vault.\n"
    "hook list    the hooks (URLs masked, secrets never shown). hook delete removes one and\n"
    "             its queue; hook test sends it a test event now; hook disable stops queueing\n"
    "             and sending to it, hook enable resumes.\n"
    "outbox       the queued and sent events, newest first, as JSON.\n"
    "notify       queues due events and delivers them now (the worker does it every minute).\n";

struct hook_cli {
    struct notify_hook_req req;
    bool secret_stdin;
    int64_t limit;
};

static int hook_cli_parse(int argc, char **argv, struct hook_cli *h)
{
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"url", required_argument, NULL, 'u'},
                                         {"secret-stdin", no_argument, NULL, 's'},
                                         {"min-severity", required_argument, NULL, 'm'},
                                         {"no-brief", no_argument, NULL, 'b'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {0}};
    const struct cli_getopt g = {"actions hook", opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'k')
            h->req.kind = optarg;
        else if (c == 'u')
            h->req.url = optarg;
        else if (c == 's')
            h->secret_stdin = true;
        else if (c == 'b')
            h->req.brief = false;
        else if ((c == 'm' && parse_int64(optarg, 1, 3, &h->req.min_severity) != ERR_OK) ||
                 (c == 'l' && parse_int64(optarg, 1, 1000, &h->limit) != ERR_OK)) {
            fprintf(stderr, "aicos actions: --min-severity takes 1..3, --limit 1..1000.\n");
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

static int print_json(json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    return text != NULL ? CLI_OK : CLI_FAIL;
}

static int hook_add(const struct config *cfg, struct db *db, struct hook_cli *h)
{
    char secret[512] = "", id[32];
    struct vault *v = NULL;
    struct errbuf eb = {{0}, {0}};
    if (h->secret_stdin && fgets(secret, sizeof secret, stdin) != NULL)
        secret[strcspn(secret, "\r\n")] = '\0';
    h->req.secret = secret;
    if (secret[0] != '\0' && !cli_open_vault("actions", cfg, db, &v))
        return CLI_FAIL;
    enum err e = notify_hook_add(db, v, &h->req, "cli", (int64_t)time(NULL), id, &eb);
    vault_free(v);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos actions hook add: %s\n", errbuf_message(&eb, e));
        return e == ERR_INVAL ? CLI_USAGE : CLI_FAIL;
    }
    printf("%s\n", id);
    return CLI_OK;
}

static int hook_run(const struct config *cfg, struct db *db, const char *verb, const char *arg,
                    struct hook_cli *h)
{
    struct errbuf eb = {{0}, {0}};
    json_t *doc = NULL;
    struct vault *v = NULL;
    enum err e = ERR_OK;
    int sent = 0, failed = 0;
    if (strcmp(verb, "add") == 0)
        return hook_add(cfg, db, h);
    if ((strcmp(verb, "delete") == 0 || strcmp(verb, "notify") == 0 || strcmp(verb, "test") == 0) &&
        !cli_open_vault("actions", cfg, db, &v))
        return CLI_FAIL;
    if (strcmp(verb, "list") == 0)
        e = notify_hooks_list(db, &doc, &eb);
    else if (strcmp(verb, "delete") == 0)
        e = notify_hook_delete(db, v, arg, &eb);
    else if (strcmp(verb, "test") == 0)
        e = notify_hook_test(db, v, arg, (int64_t)time(NULL), &eb);
    else if (strcmp(verb, "enable") == 0 || strcmp(verb, "disable") == 0)
        e = notify_hook_enable(db, arg, strcmp(verb, "enable") == 0, &eb);
    else if (strcmp(verb, "outbox") == 0)
        e = notify_outbox_list(db, h->limit, &doc, &eb);
    else if ((e = notify_enqueue(db, (int64_t)time(NULL), &eb)) == ERR_OK)
        e = notify_deliver(db, v, (int64_t)time(NULL), &sent, &failed, &eb);
    vault_free(v);
    if (arg != NULL) { /* a change of one hook */
        char action[40];
        snprintf(action, sizeof action, "notify.hook.%s", verb);
        cli_audit(db, action, arg, e == ERR_OK ? "success" : "failure",
                  e == ERR_OK ? "" : errbuf_code(&eb, e));
    }
    if (e != ERR_OK) {
        fprintf(stderr, "aicos actions %s: %s\n", verb, errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    if (strcmp(verb, "notify") == 0)
        printf("sent=%d failed=%d\n", sent, failed);
    else if (arg != NULL)
        printf("%s %s\n", strcmp(verb, "delete") == 0 ? "deleted" : verb, arg);
    return doc != NULL ? print_json(doc) : CLI_OK;
}

int cmd_actions_notify(int argc, char **argv)
{
    /* argv[0] is "hook", "outbox" or "notify"; a hook's verb follows. */
    bool hook = strcmp(argv[0], "hook") == 0;
    const char *verb = hook ? (argc > 1 ? argv[1] : "") : argv[0];
    if (cli_wants_help(argc, argv)) {
        fputs(hook_usage, stdout);
        return CLI_OK;
    }
    bool del = hook && (strcmp(verb, "delete") == 0 || strcmp(verb, "test") == 0 ||
                        strcmp(verb, "enable") == 0 || strcmp(verb, "disable") == 0);
    if (hook && !del && strcmp(verb, "add") != 0 && strcmp(verb, "list") != 0) {
        fputs(hook_usage, stderr);
        return CLI_USAGE;
    }
    if (del && (argc != 3 || argv[2][0] == '-')) {
        fprintf(stderr, "aicos actions hook %s: give one hook id.\n", verb);
        return CLI_USAGE;
    }
    struct hook_cli h = {.req = {.min_severity = 3, .brief = true}, .limit = 50};
    int skip = hook ? 1 : 0;
    if (!del && hook_cli_parse(argc - skip, argv + skip, &h) != CLI_OK)
        return CLI_USAGE;
    if (!del && cli_no_operands("actions", argc - skip, argv + skip) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("actions", &cfg, &db))
        return CLI_FAIL;
    int rc = hook_run(&cfg, db, verb, del ? argv[2] : NULL, &h);
    db_close(db);
    return rc;
}
