/*
 * The audited settlement use-cases (src/settlement does the work): import a statement file
 * (the console's upload form and the CLI's file) and run the reconciliation. POST
 * /settlements/import, POST /settlements/reconcile and POST /api/v1/settlements/reconcile call
 * these.
 */
#ifndef AICOS_APP_SETTLEMENT_H
#define AICOS_APP_SETTLEMENT_H

#include "app/app.h"
#include "settlement/expected.h"
#include "settlement/import.h"
#include "settlement/reconcile.h"

/*
 * Imports the len bytes of the file called name as who (settle_import_buffer: one
 * transaction, a re-import is a no-op); audited "settlement.import" with the file's SHA-256
 * and line count, or the error code.
 */
ERR_MUST_USE enum err app_settlement_import(const struct app *app, const struct app_actor *who,
                                            const char *name, const void *data, size_t len,
                                            const char *profile, const char *control_total,
                                            struct settle_import_result *r, struct errbuf *eb);

/* Reconciles as of now as who; audited "settlement.reconcile" with the counts. */
ERR_MUST_USE enum err app_settlement_reconcile(const struct app *app, const struct app_actor *who,
                                               int64_t now, struct settle_report *out,
                                               struct errbuf *eb);

/*
 * Reads the expected amounts of up to limit synced orders from Temu (settle_amounts_refresh,
 * connection conn or all, amounts older than a day read again; newest orders first when
 * newest_first); audited
 * "settlement.amounts" with the counts.
 */
ERR_MUST_USE enum err app_settlement_amounts(const struct app *app, const struct app_actor *who,
                                             const char *conn, int64_t limit, bool newest_first,
                                             struct settle_amounts_result *out, struct errbuf *eb);

#endif
