#include "api/ai_api.h"

#include <string.h>

#include "ai/classify.h"
#include "ai/labels.h"
#include "base/json.h"

enum err api_ai_classify(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const json_t *text = json_object_get(req->json, "text");
    const json_t *lang = json_object_get(req->json, "lang");
    const json_t *region = json_object_get(req->json, "region");
    if (!json_is_string(text) || json_string_length(text) == 0)
        return err_set(eb, ERR_INVAL, "bad_text", "text is required: the buyer's message.");
    if (json_string_length(text) > AI_TEXT_MAX)
        return err_set(eb, ERR_TOOBIG, "text_too_long", "text is longer than %d bytes.",
                       AI_TEXT_MAX);
    if (lang != NULL && !json_is_null(lang) &&
        (!json_is_string(lang) || !ai_lang_known(json_string_value(lang))))
        return err_set(eb, ERR_INVAL, "bad_lang", "lang is one of en, es, de, fr, it, zh.");
    if (region != NULL && !json_is_null(region) && !json_is_string(region))
        return err_set(eb, ERR_INVAL, "bad_region", "region is a string such as \"us\".");
    struct ai_result r;
    enum err e = ai_classify(json_string_value(text), json_string_length(text),
                             json_is_string(lang) ? json_string_value(lang) : NULL,
                             json_is_string(region) ? json_string_value(region) : NULL, &r, eb);
    if (e != ERR_OK)
        return e;
    json_t *doc = json_pack("{s:s,s:f,s:s,s:s,s:b}", "label", r.label, "confidence", r.confidence,
                            "band", ai_band_name(r.band), "lang", r.lang, "urgent", r.urgent);
    if (doc == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    return http_resp_json(resp, 200, doc);
}
