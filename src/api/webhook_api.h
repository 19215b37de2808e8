/*
 * POST /api/v1/integrations/temu/webhook (webhook_api.c, public): a Temu event push,
 * verified by its signature, stored, a targeted refresh scheduled (sync_webhook_receive);
 * 200 {"result":{}} also for a duplicate; 401 bad signature or unknown app, 400 malformed
 * (including eventData that does not decrypt under our secret).
 */
#ifndef AICOS_API_WEBHOOK_API_H
#define AICOS_API_WEBHOOK_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_temu_webhook(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);

#endif
