/*
 * The sync engine over JSON (issue 7, sync_api.c): GET /api/v1/sync/runs lists the run history
 * (filters connection_id, stream, limit); POST /api/v1/sync/runs {connection_id, stream,
 * since?} runs a stream now and answers 201 with the run, 502 with the run when Temu failed,
 * 409 when another process runs it or it is paused (audited).
 */
#ifndef AICOS_API_SYNC_API_H
#define AICOS_API_SYNC_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_sync_runs_list(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_sync_runs_create(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
/* POST /api/v1/sync/runs/{id}/cancel: 202 {run_id, cancel_requested: true}; 404, 409. */
ERR_MUST_USE enum err api_sync_runs_cancel(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);

#endif
