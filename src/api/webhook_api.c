/*
 * POST /api/v1/integrations/temu/webhook (temu-open-platform.md §9): Temu's event push.
 * Public: the caller proves itself by the §9.5 signature under our App Secret, not by a
 * session. The event is stored before we answer, and nothing here calls Temu, so the answer
 * comes well within the platform's 500 ms.
 */
#include "api/webhook_api.h"

#include <time.h>

#include "api/api.h"
#include "base/log.h"
#include "sync/sync.h"
#include "temu/webhook.h"

enum err api_temu_webhook(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    bool duplicate = false;
    struct temu_webhook_headers h = {
        .app_key = http_req_header(req, "x-tm-app-key"),
        .event_code = http_req_header(req, "x-tm-event-code"),
        .timestamp = http_req_header(req, "x-tm-timestamp"),
        .ext_param = http_req_header(req, "x-tm-ext-param"),
        .signature = http_req_header(req, "x-tm-signature"),
    };
    if (req->body == NULL)
        return err_set(eb, ERR_BADREQ, "webhook_malformed", "The event has no body.");
    enum err e = sync_webhook_receive(app->db, app->vault, &h, req->body, req->body_len,
                                      (int64_t)time(NULL), &duplicate, eb);
    if (e != ERR_OK) {
        log_kv(LOG_WARN, "temu.webhook.refused", "rid", req->rid, "code", errbuf_code(eb, e), NULL);
        return e;
    }
    log_kv(LOG_INFO, "temu.webhook", "rid", req->rid, "event", h.event_code, "duplicate",
           duplicate ? "1" : "0", NULL);
    /* The acknowledgement Temu's own sample returns (§9.6). */
    return http_resp_json(resp, 200, json_pack("{s:{}}", "result"));
}
