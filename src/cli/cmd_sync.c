/* aicos sync: run a stream now, list the run history, resume a paused stream. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/actions.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "store/db.h"
#include "sync/sync.h"
#include "vault/vault.h"

static const char sync_usage[] =
    "usage: aicos sync run --connection ID --stream orders|products|buyer_cases|shipments [--since "
    "T]\n"
    "       aicos sync runs [--connection ID] [--stream orders] [--limit N]\n"
    "       aicos sync resume --connection ID --stream orders\n"
    "\n"
    "run     syncs one stream of one Temu connection now, until it has caught up: on the\n"
    "        first run a backfill by creation time from now back to T (Unix seconds or\n"
    "        YYYY-MM-DD, default 90 days ago), then every update since the last run. Safe to\n"
    "        kill at any moment: the next run continues from the last stored page. A progress\n"
    "        line is shown when standard error is a terminal. Exit 0 success, 1 failure\n"
    "        (Temu error, another process running the stream, paused), 2 bad usage.\n"
    "runs    prints the run history, newest first, as JSON.\n"
    "resume  clears a stream's pause after repeated failures.\n";

/* SIGTERM or SIGINT during `sync run`: the run stops after its page and ends "cancelled". */
static volatile sig_atomic_t sync_stop_signal;

static void sync_on_signal(int sig)
{
    sync_stop_signal = sig;
}

static bool sync_cli_should_stop(void *ctx)
{
    (void)ctx;
    return sync_stop_signal != 0;
}

/* Installs the handlers once; a second signal kills at once (SA_RESETHAND). */
static void sync_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sync_on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* Unix seconds or YYYY-MM-DD (UTC). */
static bool sync_parse_time(const char *s, int64_t *out)
{
    int y = 0, m = 0, d = 0;
    char tail = '\0';
    if (parse_int64(s, 1, INT64_C(253402300799), out) == ERR_OK)
        return true;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    *out = (int64_t)timegm(&tm);
    return true;
}

static void sync_cli_progress(void *ctx, const char *phase, int64_t lo, int64_t hi,
                              const struct sync_counts *n)
{
    (void)ctx;
    char a[32], b[32];
    time_t tl = (time_t)lo, th = (time_t)hi;
    struct tm ml, mh;
    gmtime_r(&tl, &ml);
    gmtime_r(&th, &mh);
    strftime(a, sizeof a, "%Y-%m-%d %H:%M", &ml);
    strftime(b, sizeof b, "%Y-%m-%d %H:%M", &mh);
    fprintf(stderr,
            "\r%-11s %s .. %s  pages %lld  added %lld  updated %lld  unchanged %lld  failed "
            "%lld   ",
            phase, a, b, (long long)n->pages, (long long)n->added, (long long)n->updated,
            (long long)n->unchanged, (long long)n->failed);
    fflush(stderr);
}

struct sync_cli_args {
    const char *verb, *conn, *stream_name;
    enum sync_stream stream;
    int64_t since, limit;
};

/* The options of verb (--since only for run, --limit only for runs) into a. */
static int sync_cli_parse(int argc, char **argv, struct sync_cli_args *a)
{
    static const struct option opts[] = {{"connection", required_argument, NULL, 'c'},
                                         {"stream", required_argument, NULL, 's'},
                                         {"since", required_argument, NULL, 'S'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {0}};
    struct option own[5];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        if ((opts[i].val != 'S' || strcmp(a->verb, "run") == 0) &&
            (opts[i].val != 'l' || strcmp(a->verb, "runs") == 0))
            own[n++] = opts[i];
    }
    own[n] = opts[4];
    const struct cli_getopt g = {"sync", own, false};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'c') {
            a->conn = optarg;
        } else if (c == 's') {
            a->stream_name = optarg;
        } else if (c == 'S' && !sync_parse_time(optarg, &a->since)) {
            fprintf(stderr, "aicos sync run: --since takes Unix seconds or YYYY-MM-DD.\n");
            return CLI_USAGE;
        } else if (c == 'l' && parse_int64(optarg, 1, SYNC_RUNS_LIST_MAX, &a->limit) != ERR_OK) {
            fprintf(stderr, "aicos sync runs: --limit takes 1..%d.\n", SYNC_RUNS_LIST_MAX);
            return CLI_USAGE;
        }
    }
    if (cli_no_operands("sync", argc, argv) != CLI_OK)
        return CLI_USAGE;
    if (!sync_stream_parse(a->stream_name, &a->stream)) {
        fprintf(stderr,
                "aicos sync: --stream must be orders, products, buyer_cases or shipments.\n");
        return CLI_USAGE;
    }
    if (strcmp(a->verb, "runs") != 0 && (a->conn == NULL || *a->conn == '\0')) {
        fprintf(stderr, "aicos sync %s: --connection ID is required.\n", a->verb);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int sync_cli_runs(struct db *db, const struct sync_cli_args *a)
{
    json_t *list = NULL;
    struct errbuf eb = {0};
    enum err e = sync_runs_list(db, a->conn, sync_stream_name(a->stream), a->limit, &list, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos sync runs: %s\n", errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    char *text = json_dumps(list, JSON_INDENT(2));
    json_decref(list);
    if (text != NULL)
        printf("%s\n", text);
    free(text);
    return text != NULL ? CLI_OK : CLI_FAIL;
}

static int sync_cli_resume(struct db *db, const struct sync_cli_args *a)
{
    struct errbuf eb = {0};
    enum err e = sync_resume(db, a->conn, a->stream, &eb);
    if (e != ERR_OK)
        fprintf(stderr, "aicos sync resume: %s\n", errbuf_message(&eb, e));
    else
        printf("resumed %s %s\n", a->conn, a->stream_name);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

static int sync_cli_run(const struct config *cfg, struct db *db, const struct sync_cli_args *a)
{
    struct vault *vault = NULL;
    struct errbuf eb = {0};
    if (!cli_open_vault("sync", cfg, db, &vault))
        return CLI_FAIL;
    struct connect_env env = {.cfg = cfg, .db = db, .vault = vault};
    struct sync_run_opts o = {.connection_id = a->conn,
                              .stream = a->stream,
                              .since = a->since,
                              .trigger = "cli",
                              .progress = isatty(STDERR_FILENO) ? sync_cli_progress : NULL,
                              .should_stop = sync_cli_should_stop};
    sync_catch_stop_signals();
    sync_set_page_hook(actions_sync_hook, NULL); /* the action center, page by page */
    struct sync_run_result r;
    enum err e = sync_run_stream(&env, &o, &r, &eb);
    if (o.progress != NULL)
        fputc('\n', stderr);
    if (r.run_id[0] != '\0')
        printf("run %s %s: pages=%lld added=%lld updated=%lld unchanged=%lld failed=%lld\n",
               r.run_id, r.outcome, (long long)r.counts.pages, (long long)r.counts.added,
               (long long)r.counts.updated, (long long)r.counts.unchanged,
               (long long)r.counts.failed);
    if (e != ERR_OK)
        fprintf(stderr, "aicos sync run: %s (%s)\n", errbuf_message(&eb, e), errbuf_code(&eb, e));
    vault_free(vault);
    return e == ERR_OK ? CLI_OK : CLI_FAIL;
}

int cmd_sync(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        bool help = cli_wants_help(argc, argv);
        fputs(sync_usage, help ? stdout : stderr);
        return help ? CLI_OK : CLI_USAGE;
    }
    struct sync_cli_args a = {.verb = argv[1], .stream_name = "orders", .limit = 50};
    if (strcmp(a.verb, "run") != 0 && strcmp(a.verb, "runs") != 0 && strcmp(a.verb, "resume") != 0)
        return cli_bad_option("sync", a.verb);
    int rc = sync_cli_parse(argc - 1, argv + 1, &a);
    if (rc != CLI_OK)
        return rc;
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (!cli_open_db("sync", &cfg, &db))
        return CLI_FAIL;
    if (strcmp(a.verb, "runs") == 0)
        rc = sync_cli_runs(db, &a);
    else if (strcmp(a.verb, "resume") == 0)
        rc = sync_cli_resume(db, &a);
    else
        rc = sync_cli_run(&cfg, db, &a);
    db_close(db);
    return rc;
}
