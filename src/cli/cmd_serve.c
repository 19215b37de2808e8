/* aicos serve: the HTTP server (API, console, callbacks, health, metrics). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "actions/actions.h"
#include "actions/notify.h"
#include "actions/ticker.h"
#include "api/auth_api.h"
#include "web/error_page.h"
#include "app/app.h"
#include "routes/routes.h"
#include "base/clock.h"
#include "base/log.h"
#include "cli/cli.h"
#include "http/server.h"
#include "store/db.h"
#include "store/migrate.h"
#include "settlement/settle_worker.h"
#include "sync/sync.h"
#include "tracking/tracking.h"
#include "vault/vault.h"
#include "base/secure.h"
#include "version.h"

static const char serve_usage[] =
    "usage: aicos serve [--check-config] [--no-migrate] [--no-worker] [--help]\n"
    "\n"
    "Serves the JSON API, health, readiness, metrics and OpenAPI on AICOS_LISTEN, using the\n"
    "database at AICOS_DATABASE_URL. Applies missing migrations first. SIGINT or SIGTERM\n"
    "stop it gracefully: it stops accepting, finishes in-flight requests, closes the database.\n"
    "\n"
    "  --check-config  validate the configuration (see `aicos config`) and exit:\n"
    "                  0 when valid, 2 naming the bad variable otherwise\n"
    "  --no-migrate    do not apply migrations; /readyz answers 503 while the schema is behind\n"
    "  --no-worker     do not run the sync scheduler in this process (API-only replica; also\n"
    "                  AICOS_SYNC_WORKER=0); `aicos worker` runs the scheduler alone\n";

/*
 * Opens the vault with the configured master key. Without one, production refuses to start
 * and development runs with the vault off (secrets cannot be stored) and says so.
 */
ERR_MUST_USE static enum err serve_open_vault(const struct config *cfg, struct db *db,
                                              struct vault **out, struct errbuf *eb)
{
    unsigned char key[32];
    enum err e = vault_master_key_load(cfg, key, eb);
    if (e == ERR_NOTFOUND && cfg->env != CONFIG_ENV_PRODUCTION) {
        log_kv(LOG_WARN, "vault.disabled", "reason",
               "no AICOS_MASTER_KEY or AICOS_MASTER_KEY_FILE; secrets cannot be stored", NULL);
        return ERR_OK;
    }
    if (e == ERR_NOTFOUND)
        return err_set(eb, ERR_CONFIG, "no_master_key",
                       "AICOS_ENV=production requires a vault master key: set "
                       "AICOS_MASTER_KEY_FILE (or AICOS_MASTER_KEY).");
    if (e == ERR_OK)
        e = vault_open(db, key, out, eb);
    secure_wipe(key, sizeof key);
    return e;
}

/* The database with a pool for the HTTP threads (and the scheduler), its schema current. */
ERR_MUST_USE static enum err serve_open_db(const struct config *cfg, bool migrate, bool worker,
                                           struct db **db)
{
    struct errbuf eb = {0};
    /* One more connection for the scheduler's run and its budget look-ups. */
    enum err e =
        db_open(cfg->database_url, (unsigned)cfg->http_threads + (worker ? 5 : 1), db, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos serve: %s\n", eb.msg);
        return e;
    }
    if (migrate)
        e = migrate_apply(*db, NULL, &eb);
    else {
        int current = 0;
        e = migrate_current(*db, &current, &eb);
        if (e == ERR_OK && current > migrate_latest())
            e = migrate_check_current(*db, NULL, &eb);
    }
    if (e != ERR_OK)
        fprintf(stderr, "aicos serve: %s\n", errbuf_message(&eb, e));
    return e;
}

/* The listening line in the log and on standard output. */
static void serve_announce(const struct config *cfg, struct http_server *srv, struct db *db)
{
    char port[8], threads[8];
    snprintf(port, sizeof port, "%u", http_server_port(srv));
    snprintf(threads, sizeof threads, "%ld", cfg->http_threads);
    log_kv(LOG_INFO, "serve.listening", "host", cfg->listen_host, "port", port, "threads", threads,
           "database", db_driver_name(db), "version", AICOS_VERSION, NULL);
    bool v6 = strchr(cfg->listen_host, ':') != NULL;
    printf("aicos %s serving on http://%s%s%s:%s (database: %s)\n", AICOS_VERSION, v6 ? "[" : "",
           cfg->listen_host, v6 ? "]" : "", port, db_driver_name(db));
    fflush(stdout);
}

/* Blocks the stop signals before any thread starts, so only sigwait() sees them. */
static void serve_block_signals(sigset_t *stop)
{
    sigemptyset(stop);
    sigaddset(stop, SIGINT);
    sigaddset(stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, stop, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The background threads of serve. */
struct serve_workers {
    struct sync_scheduler *sync;
    struct settle_worker *settle;
    struct tracking_scheduler *tracking;
    struct actions_ticker *ticker;
};

/* The action center's page hook always; with the worker its timer, and the sync scheduler,
 * the payout worker and the tracking scheduler (all need the vault to read credentials). */
ERR_MUST_USE static enum err serve_workers_start(const struct config *cfg, struct db *db,
                                                 struct vault *vault, bool worker,
                                                 struct serve_workers *w, struct errbuf *eb)
{
    sync_set_page_hook(actions_sync_hook, NULL);
    if (!worker)
        return ERR_OK;
    enum err e = actions_ticker_start(db, ACTIONS_TICK_S, notify_tick, vault, &w->ticker, eb);
    if (e != ERR_OK)
        return e;
    if (vault == NULL) {
        log_kv(LOG_WARN, "sync.scheduler_off", "reason",
               "the vault is off, so no token can be read", NULL);
        return ERR_OK;
    }
    /* The scheduler keeps env's address: it lives as long as the process serves. */
    static struct connect_env sched_env;
    sched_env = (struct connect_env){.cfg = cfg, .db = db, .vault = vault};
    e = sync_scheduler_start(&sched_env, &w->sync, eb);
    if (e == ERR_OK)
        e = settle_worker_start(db, vault, cfg, &w->settle, eb);
    return e == ERR_OK ? tracking_scheduler_start(&sched_env, 0, &w->tracking, eb) : e;
}

static void serve_workers_stop(struct serve_workers *w)
{
    actions_ticker_stop(w->ticker);
    tracking_scheduler_stop(w->tracking);
    settle_worker_stop(w->settle);
    sync_scheduler_stop(w->sync);
    *w = (struct serve_workers){0};
}

static int serve_run(const struct config *cfg, bool migrate, bool worker)
{
    struct serve_workers workers = {0};
    struct errbuf eb = {0};
    struct db *db = NULL;
    struct metrics *metrics = NULL;
    struct http_server *srv = NULL;
    struct vault *vault = NULL;
    int rc = CLI_FAIL;
    enum err e = serve_open_db(cfg, migrate, worker, &db);
    if (e != ERR_OK)
        goto out;
    e = serve_open_vault(cfg, db, &vault, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos serve: %s\n", errbuf_message(&eb, e));
        goto out;
    }
    metrics = metrics_new(api_routes, api_routes_count);
    if (metrics == NULL)
        goto out;
    struct app app = {
        .cfg = cfg,
        .db = db,
        .metrics = metrics,
        .started_ns = clock_mono_ns(),
        .vault = vault,
        .routes = api_routes,
        .nroutes = api_routes_count,
    };
    struct http_server_opts opts = {
        .host = cfg->listen_host,
        .port = cfg->listen_port,
        .threads = (unsigned)cfg->http_threads,
        .body_max = (size_t)cfg->http_body_max,
        .upload_max = (size_t)cfg->http_upload_max,
        .routes = api_routes,
        .nroutes = api_routes_count,
        .app = &app,
        .metrics = metrics,
        .auth = api_authorize,
        .error_page = web_error_page,
        .trusted_proxies = cfg->trusted_proxies,
        .per_client = (unsigned)cfg->http_per_client,
    };
    sigset_t stop;
    serve_block_signals(&stop);
    e = http_server_start(&opts, &srv, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos serve: %s\n", eb.msg);
        goto out;
    }
    e = serve_workers_start(cfg, db, vault, worker, &workers, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos serve: %s\n", errbuf_message(&eb, e));
        goto out;
    }
    serve_announce(cfg, srv, db);
    int sig = 0;
    sigwait(&stop, &sig);
    log_kv(LOG_INFO, "serve.stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
    serve_workers_stop(&workers);
    http_server_stop(srv);
    srv = NULL;
    rc = CLI_OK;
out:
    serve_workers_stop(&workers);
    http_server_stop(srv);
    metrics_free(metrics);
    vault_free(vault);
    db_close(db);
    if (rc == CLI_OK)
        log_kv(LOG_INFO, "serve.stopped", NULL);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    bool check_only = false, migrate = true, worker = true;
    if (cli_wants_help(argc, argv)) {
        fputs(serve_usage, stdout);
        return CLI_OK;
    }
    static const struct option opts[] = {{"check-config", no_argument, NULL, 'c'},
                                         {"no-migrate", no_argument, NULL, 'm'},
                                         {"no-worker", no_argument, NULL, 'w'},
                                         {0}};
    const struct cli_getopt g = {"serve", opts, false};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        check_only = check_only || c == 'c';
        migrate = migrate && c != 'm';
        worker = worker && c != 'w';
    }
    if (cli_no_operands("serve", argc, argv) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    if (check_only) {
        printf("configuration is valid\n");
        return CLI_OK;
    }
    return serve_run(&cfg, migrate, worker && cfg.sync_worker != 0);
}
