/* aicos worker: the sync scheduler and the action center's timer, without the HTTP server. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "actions/actions.h"
#include "actions/notify.h"
#include "actions/ticker.h"
#include "base/log.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/migrate.h"
#include "settlement/settle_worker.h"
#include "sync/sync.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

#define WORKER_DB_POOL                                                                             \
    4 /* the scheduler's run, its budget or cancel look-ups, the payout sync, the                  \
       * action center's timer */

static const char worker_usage[] =
    "usage: aicos worker [--help]\n"
    "\n"
    "Runs the sync scheduler without the HTTP server, using the database at\n"
    "AICOS_DATABASE_URL (migrations are applied first) and the vault master key: every active\n"
    "Temu connection's streams are synced every interval (AICOS_SYNC_ORDERS_INTERVAL_S, default\n"
    "600) plus a random jitter of 0..AICOS_SYNC_JITTER_S seconds. Any number of workers and\n"
    "servers may share one database: a lease per (connection, stream) keeps two of them from\n"
    "running the same stream, and all of them together stay within the app's request budget\n"
    "(AICOS_TEMU_RATE_LIMIT per second). SIGINT or SIGTERM stop it gracefully: a running sync\n"
    "stops after its current page (recorded as cancelled; the next run continues).\n"
    "\n"
    "It also runs the action center: every committed sync page re-evaluates its orders or\n"
    "cases, and a timer runs a full pass a minute after start, then a window pass every minute "
    "(ship-by\n"
    "moments crossed, snoozes ended, active items, integration health) and a full pass every\n"
    "30 minutes. Items are unique per (connection, kind, object) across workers.\n";

static int worker_run(const struct config *cfg)
{
    struct errbuf eb = {0};
    struct db *db = NULL;
    struct vault *vault = NULL;
    struct sync_scheduler *sched = NULL;
    struct settle_worker *settle = NULL;
    struct actions_ticker *ticker = NULL;
    struct tracking_scheduler *tsched = NULL;
    int rc = CLI_FAIL;
    enum err e = db_open(cfg->database_url, WORKER_DB_POOL, &db, &eb);
    if (e == ERR_OK)
        e = migrate_apply(db, NULL, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos worker: %s\n", errbuf_message(&eb, e));
        goto out;
    }
    if (!cli_open_vault("worker", cfg, db, &vault))
        goto out;
    struct connect_env env = {.cfg = cfg, .db = db, .vault = vault};
    /* Block the stop signals before the thread starts, so only sigwait() below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    sync_set_page_hook(actions_sync_hook, NULL);
    e = sync_scheduler_start(&env, &sched, &eb);
    if (e == ERR_OK)
        e = settle_worker_start(db, vault, cfg, &settle, &eb);
    if (e == ERR_OK)
        e = actions_ticker_start(db, ACTIONS_TICK_S, notify_tick, vault, &ticker, &eb);
    if (e == ERR_OK)
        e = tracking_scheduler_start(&env, 0, &tsched, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos worker: %s\n", errbuf_message(&eb, e));
        goto out;
    }
    printf("aicos worker running (database: %s)\n", db_driver_name(db));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    log_kv(LOG_INFO, "worker.stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
    actions_ticker_stop(ticker);
    ticker = NULL;
    sync_scheduler_stop(sched);
    sched = NULL;
    rc = CLI_OK;
out:
    actions_ticker_stop(ticker);
    tracking_scheduler_stop(tsched);
    settle_worker_stop(settle);
    sync_scheduler_stop(sched);
    vault_free(vault);
    db_close(db);
    if (rc == CLI_OK)
        log_kv(LOG_INFO, "worker.stopped", NULL);
    return rc;
}

int cmd_worker(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(worker_usage, stdout);
        return CLI_OK;
    }
    if (cli_no_options("worker", argc, argv) != CLI_OK)
        return CLI_USAGE;
    struct config cfg;
    if (!cli_load_config(&cfg))
        return CLI_USAGE;
    return worker_run(&cfg);
}
