/*
 * The LLM rewording (llm.h) on libcurl: one POST, a bounded answer, strict parsing of the
 * chat completion and of the JSON reply inside it, then the guards.
 */
#include "reply/llm.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/secure.h"

static pthread_once_t llm_once = PTHREAD_ONCE_INIT;
static bool llm_curl_ok;

static void llm_global_init(void)
{
    llm_curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

bool reply_llm_enabled(const struct reply_llm_cfg *cfg)
{
    return cfg != NULL && cfg->url != NULL && *cfg->url != '\0';
}

static size_t llm_write(char *p, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    size_t len = size * n;
    return buf_append(b, p, len) == ERR_OK ? len : 0;
}

/* The request body: the system rules, the draft and the facts, and the answer's schema. */
static char *llm_request(const struct reply_llm_cfg *cfg, const struct reply_draft *d,
                         const struct reply_facts *f)
{
    static const char rules[] =
        "You reword customer-service replies for a marketplace seller. Rewrite the draft in "
        "the language given, friendly and short. Use only the facts given: add no number, "
        "date, link, e-mail address or phone number, and promise no refund, compensation or "
        "replacement. Answer with JSON only.";
    json_t *facts = reply_facts_json(f);
    json_t *user = json_pack("{s:s, s:s, s:o}", "draft", d->text, "language", d->lang, "facts",
                             facts ? facts : json_object());
    char *user_text = user != NULL ? json_dumps(user, JSON_COMPACT) : NULL;
    json_t *schema =
        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s, s:{s:s}}}, s:[s,s,s], s:b}", "type", "object",
                  "properties", "reply", "type", "string", "language", "type", "string",
                  "used_facts", "type", "array", "items", "type", "string", "required", "reply",
                  "language", "used_facts", "additionalProperties", 0);
    json_t *body = user_text == NULL || schema == NULL
                       ? NULL
                       : json_pack("{s:s, s:i, s:[{s:s, s:s}, {s:s, s:s}], s:{s:s, s:{s:s, "
                                   "s:b, s:o}}}",
                                   "model", cfg->model ? cfg->model : "default", "temperature", 0,
                                   "messages", "role", "system", "content", rules, "role", "user",
                                   "content", user_text, "response_format", "type", "json_schema",
                                   "json_schema", "name", "reply", "strict", 1, "schema", schema);
    char *out = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    if (body == NULL)
        json_decref(schema);
    json_decref(body);
    json_decref(user);
    free(user_text);
    return out;
}

/* POSTs body to the endpoint; false with the reason when no 200 answer came back. */
static bool llm_post(const struct reply_llm_cfg *cfg, const char *body, struct buf *ans,
                     char *reason, size_t rn)
{
    char auth[512];
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (cfg->api_key != NULL && *cfg->api_key != '\0') {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->api_key);
        hdrs = curl_slist_append(hdrs, auth);
    }
    CURL *h = curl_easy_init();
    if (h == NULL || hdrs == NULL) {
        snprintf(reason, rn, "libcurl could not start");
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(h);
        return false;
    }
    curl_easy_setopt(h, CURLOPT_URL, cfg->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)REPLY_LLM_ANSWER_MAX);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, llm_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ans);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    secure_wipe(auth, sizeof auth);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(reason, rn, "timeout");
    else if (rc != CURLE_OK)
        snprintf(reason, rn, "transport: %s", curl_easy_strerror(rc));
    else if (status != 200)
        snprintf(reason, rn, "http %ld", status);
    return rc == CURLE_OK && status == 200;
}

/* The reply inside a chat completion answer: choices[0].message.content, itself the JSON of
 * the schema. False with the reason when any layer is malformed. */
static bool llm_parse(const struct buf *ans, const char *lang, char *text, size_t tn, char *reason,
                      size_t rn)
{
    json_t *doc = json_loadb(ans->data ? ans->data : "", ans->len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *msg =
        json_object_get(json_array_get(json_object_get(doc, "choices"), 0), "message");
    const char *content = json_string_value(json_object_get(msg, "content"));
    json_t *inner = content != NULL ? json_loads(content, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *reply = json_string_value(json_object_get(inner, "reply"));
    const char *got = json_string_value(json_object_get(inner, "language"));
    bool ok = false;
    if (content == NULL)
        snprintf(reason, rn, "malformed answer: no choices[0].message.content");
    else if (inner == NULL || !json_is_object(inner) || reply == NULL || got == NULL ||
             !json_is_array(json_object_get(inner, "used_facts")))
        snprintf(reason, rn, "malformed JSON reply");
    else if (strcmp(got, lang) != 0)
        snprintf(reason, rn, "language %.8s, want %s", got, lang);
    else if (strlen(reply) > REPLY_DRAFT_MAX)
        snprintf(reason, rn, "reply too long");
    else {
        snprintf(text, tn, "%s", reply);
        ok = true;
    }
    json_decref(inner);
    json_decref(doc);
    return ok;
}

void reply_llm_reword(const struct reply_llm_cfg *cfg, const struct reply_draft *d,
                      const struct reply_facts *f, struct reply_llm_result *out)
{
    struct buf ans = {.max = REPLY_LLM_ANSWER_MAX};
    char text[REPLY_DRAFT_MAX + 1];
    char *body = NULL;
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", d->text);
    pthread_once(&llm_once, llm_global_init);
    if (!reply_llm_enabled(cfg))
        snprintf(out->reason, sizeof out->reason, "off");
    else if (d->kind != REPLY_DRAFT_REPLY)
        snprintf(out->reason, sizeof out->reason, "no reply draft to reword");
    else if (!llm_curl_ok || (body = llm_request(cfg, d, f)) == NULL)
        snprintf(out->reason, sizeof out->reason, "out of memory");
    else if (llm_post(cfg, body, &ans, out->reason, sizeof out->reason) &&
             llm_parse(&ans, d->lang, text, sizeof text, out->reason, sizeof out->reason)) {
        const char *values[2 * REPLY_FACT__COUNT];
        struct reply_guard_in in;
        struct reply_guard_verdict v;
        reply_draft_guard_in(d, f, values, &in);
        if (reply_guard_check(text, &in, &v)) {
            out->used = true;
            snprintf(out->text, sizeof out->text, "%s", text);
        } else {
            snprintf(out->reason, sizeof out->reason, "guard %s: %.120s",
                     reply_guard_rule_name(v.rule), v.detail);
        }
    }
    free(body);
    buf_free(&ans);
    if (!out->used && reply_llm_enabled(cfg))
        log_kv(LOG_WARN, "reply.llm_fallback", "case", f->value[REPLY_FACT_CASE], "reason",
               out->reason, NULL);
}
