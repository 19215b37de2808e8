/*
 * The audited use-cases of the sync engine (src/sync does the work): run a stream now,
 * resume a paused stream, cancel a run. POST /api/v1/sync/runs[/{id}/cancel] and the /sync
 * page's forms call these.
 */
#ifndef AICOS_APP_SYNC_H
#define AICOS_APP_SYNC_H

#include "app/app.h"
#include "sync/sync.h"

/* Runs stream o now, in the caller's thread; audited ("sync.run"). r as sync_run_stream. */
ERR_MUST_USE enum err app_sync_run(const struct app *app, const struct app_actor *who,
                                   const struct sync_run_opts *o, struct sync_run_result *r,
                                   struct errbuf *eb);

/* Resumes a paused stream of connection conn; audited ("sync.resume"). */
ERR_MUST_USE enum err app_sync_resume(const struct app *app, const struct app_actor *who,
                                      const char *conn, enum sync_stream s, struct errbuf *eb);

/* Asks run id to stop after its current page; audited ("sync.cancel"). */
ERR_MUST_USE enum err app_sync_cancel(const struct app *app, const struct app_actor *who,
                                      const char *id, struct errbuf *eb);

#endif
