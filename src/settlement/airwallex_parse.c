/* The strict parsers of the Airwallex client: settlements, balance history, times, money. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/limits.h"
#include "settlement/airwallex.h"

#define AWX_JSON_DEPTH 8

void airwallex_page_clear(struct airwallex_page *p)
{
    free(p->lines);
    memset(p, 0, sizeof *p);
}

/* Reads exactly n digits at s into *out. */
static bool awx_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* The UTC offset at s ("Z", "+HHMM", "+HH:MM", "-…") in seconds; false when malformed. */
static bool awx_offset(const char *s, int64_t *off)
{
    int h = 0, m = 0;
    if (strcmp(s, "Z") == 0) {
        *off = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || !awx_digits(s + 1, 2, &h))
        return false;
    const char *mm = s[3] == ':' ? s + 4 : s + 3;
    if (!awx_digits(mm, 2, &m) || mm[2] != '\0' || h > 23 || m > 59)
        return false;
    *off = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
    return true;
}

enum err airwallex_time_parse(const char *s, int64_t *out, struct errbuf *eb)
{
    int y, mo, d, h, mi, se;
    int64_t off = 0;
    bool ok = s != NULL && strlen(s) >= 20 && awx_digits(s, 4, &y) && s[4] == '-' &&
              awx_digits(s + 5, 2, &mo) && s[7] == '-' && awx_digits(s + 8, 2, &d) &&
              s[10] == 'T' && awx_digits(s + 11, 2, &h) && s[13] == ':' &&
              awx_digits(s + 14, 2, &mi) && s[16] == ':' && awx_digits(s + 17, 2, &se);
    const char *rest = ok ? s + 19 : NULL;
    if (ok && *rest == '.') {
        rest++;
        while (isdigit((unsigned char)*rest))
            rest++;
    }
    ok = ok && awx_offset(rest, &off) && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 &&
         h <= 23 && mi <= 59 && se <= 60;
    if (!ok)
        return err_set(eb, ERR_PARSE, "airwallex_time", "\"%.40s\" is not an ISO 8601 time.",
                       s != NULL ? s : "");
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    *out = (int64_t)timegm(&tm) - off;
    return ERR_OK;
}

/*
 * The decimal text of a JSON number: integers as digits, reals as the shortest fixed-point
 * text (0 to 6 decimals) that reads back as the same double, which is what the provider wrote
 * for any amount below 10^15; no arithmetic is done on the double.
 */
static bool awx_number_text(const json_t *v, char *out, size_t len)
{
    if (json_is_integer(v)) {
        snprintf(out, len, "%lld", (long long)json_integer_value(v));
        return true;
    }
    if (!json_is_real(v))
        return false;
    double d = json_real_value(v);
    if (!(d > -1e15 && d < 1e15))
        return false;
    for (int decimals = 0; decimals <= 6; decimals++) {
        snprintf(out, len, "%.*f", decimals, d);
        if (strtod(out, NULL) == d)
            return true;
    }
    return false;
}

/* Reads member key of item as money in currency (absent or null: 0 when optional). */
ERR_MUST_USE static enum err awx_money(const json_t *item, const char *key, const char *currency,
                                       bool optional, size_t i, struct money *out,
                                       struct errbuf *eb)
{
    const json_t *v = json_object_get(item, key);
    char text[64];
    if ((v == NULL || json_is_null(v)) && optional) {
        *out = (struct money){0, ""};
        snprintf(out->currency, sizeof out->currency, "%s", currency);
        return ERR_OK;
    }
    if (!awx_number_text(v, text, sizeof text))
        return err_set(eb, ERR_PARSE, "airwallex_amount", "Item %zu: %s is not a decimal number.",
                       i, key);
    struct errbuf inner = {{0}, {0}};
    if (money_parse(text, strlen(text), currency, MONEY_STYLE_PLAIN, 0, out, NULL, &inner) !=
        ERR_OK)
        return err_set(eb, ERR_PARSE, "airwallex_amount", "Item %zu: %s %s: %s", i, key, text,
                       errbuf_message(&inner, ERR_INVAL));
    return ERR_OK;
}

/* Copies the string member key (required unless optional) into out. */
ERR_MUST_USE static enum err awx_str(const json_t *item, const char *key, bool optional, size_t i,
                                     char *out, size_t len, struct errbuf *eb)
{
    const json_t *v = json_object_get(item, key);
    out[0] = '\0';
    if ((v == NULL || json_is_null(v)) && optional)
        return ERR_OK;
    const char *s = json_string_value(v);
    if (s == NULL || (s[0] == '\0' && !optional) || strlen(s) >= len)
        return err_set(eb, ERR_PARSE, "airwallex_field",
                       "Item %zu: %s is missing, not a string or longer than %zu bytes.", i, key,
                       len - 1);
    memcpy(out, s, strlen(s) + 1);
    return ERR_OK;
}

/* Reads the time member key into *out (-1 when absent or null and optional). */
ERR_MUST_USE static enum err awx_time(const json_t *item, const char *key, bool optional, size_t i,
                                      int64_t *out, struct errbuf *eb)
{
    char text[64];
    *out = -1;
    enum err e = awx_str(item, key, optional, i, text, sizeof text, eb);
    if (e != ERR_OK || text[0] == '\0')
        return e;
    struct errbuf inner = {{0}, {0}};
    if (airwallex_time_parse(text, out, &inner) != ERR_OK)
        return err_set(eb, ERR_PARSE, "airwallex_time", "Item %zu: %s: %s", i, key,
                       errbuf_message(&inner, ERR_PARSE));
    return ERR_OK;
}

/* The currency member: an ISO 4217 code base/money knows. */
ERR_MUST_USE static enum err awx_currency(const json_t *item, size_t i, char *out,
                                          struct errbuf *eb)
{
    enum err e = awx_str(item, "currency", false, i, out, MONEY_CODE_LEN + 1, eb);
    if (e == ERR_OK && money_currency_exponent(out) < 0)
        e = err_set(eb, ERR_PARSE, "airwallex_currency", "Item %zu: unknown currency %s.", i, out);
    return e;
}

/* What a settlement and a history item share: an object with an id, a currency, an amount
   and an optional fee in that currency. */
ERR_MUST_USE static enum err awx_head(const json_t *item, size_t i, struct airwallex_line *l,
                                      struct errbuf *eb)
{
    char cur[MONEY_CODE_LEN + 1];
    enum err e = json_is_object(item)
                     ? ERR_OK
                     : err_set(eb, ERR_PARSE, "airwallex_item", "Item %zu is not an object.", i);
    if (e == ERR_OK)
        e = awx_str(item, "id", false, i, l->id, sizeof l->id, eb);
    if (e == ERR_OK)
        e = awx_currency(item, i, cur, eb);
    if (e == ERR_OK)
        e = awx_money(item, "amount", cur, false, i, &l->amount, eb);
    if (e == ERR_OK)
        e = awx_money(item, "fee", cur, true, i, &l->fee, eb);
    return e;
}

ERR_MUST_USE static enum err awx_settlement(const json_t *item, size_t i, struct airwallex_line *l,
                                            struct errbuf *eb)
{
    memset(l, 0, sizeof *l);
    snprintf(l->kind, sizeof l->kind, "settlement");
    enum err e = awx_head(item, i, l, eb);
    if (e == ERR_OK)
        e = awx_str(item, "status", false, i, l->status, sizeof l->status, eb);
    if (e == ERR_OK && strcmp(l->status, "SETTLED") != 0 && strcmp(l->status, "PENDING") != 0)
        e = err_set(eb, ERR_PARSE, "airwallex_status",
                    "Item %zu: status %s is not SETTLED or "
                    "PENDING.",
                    i, l->status);
    if (e == ERR_OK)
        e = awx_time(item, "created_at", false, i, &l->created_at, eb);
    if (e == ERR_OK)
        e = awx_time(item, "settled_at", strcmp(l->status, "PENDING") == 0, i, &l->settled_at, eb);
    if (e == ERR_OK)
        e = awx_time(item, "estimated_settled_at", true, i, &l->estimated_at, eb);
    return e;
}

/* Parses the top object: items (array, at most the page size limit) and its other members. */
ERR_MUST_USE static enum err awx_items(const char *body, size_t len, json_t **doc,
                                       const json_t **items, struct airwallex_page *out,
                                       struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct errbuf inner = {{0}, {0}};
    if (json_parse_strict(body, len, AWX_JSON_DEPTH, doc, &inner) != ERR_OK)
        return err_set(eb, ERR_PARSE, "airwallex_json", "The answer is not JSON: %s",
                       errbuf_message(&inner, ERR_PARSE));
    *items = json_object_get(*doc, "items");
    if (!json_is_object(*doc) || !json_is_array(*items) ||
        json_array_size(*items) > AIRWALLEX_PAGE_SIZE_MAX)
        return err_set(eb, ERR_PARSE, "airwallex_shape",
                       "The answer has no items array (or more than %d items).",
                       AIRWALLEX_PAGE_SIZE_MAX);
    out->lines = calloc(json_array_size(*items) + 1, sizeof *out->lines);
    if (out->lines == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory reading an answer.");
    return ERR_OK;
}

enum err airwallex_parse_settlements(const char *body, size_t len, bool list,
                                     struct airwallex_page *out, struct errbuf *eb)
{
    json_t *doc = NULL;
    const json_t *items = NULL;
    enum err e;
    if (!list) { /* one settlement: the object itself */
        memset(out, 0, sizeof *out);
        struct errbuf inner = {{0}, {0}};
        e = json_parse_strict(body, len, AWX_JSON_DEPTH, &doc, &inner);
        if (e != ERR_OK)
            e = err_set(eb, ERR_PARSE, "airwallex_json", "The answer is not JSON: %s",
                        errbuf_message(&inner, ERR_PARSE));
        out->lines = e == ERR_OK ? calloc(1, sizeof *out->lines) : NULL;
        if (e == ERR_OK && out->lines == NULL)
            e = err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory reading an answer.");
        if (e == ERR_OK && (e = awx_settlement(doc, 0, &out->lines[0], eb)) == ERR_OK)
            out->n = 1;
        goto out;
    }
    e = awx_items(body, len, &doc, &items, out, eb);
    const json_t *more = json_object_get(doc, "has_more");
    if (e == ERR_OK && !json_is_boolean(more))
        e = err_set(eb, ERR_PARSE, "airwallex_shape", "The answer has no has_more flag.");
    for (size_t i = 0; e == ERR_OK && i < json_array_size(items); i++)
        if ((e = awx_settlement(json_array_get(items, i), i, &out->lines[i], eb)) == ERR_OK)
            out->n++;
    if (e == ERR_OK)
        out->has_more = json_is_true(more);
out:
    json_decref(doc);
    if (e != ERR_OK)
        airwallex_page_clear(out);
    return e;
}

/* The optional client_rate: a positive decimal, kept as text. */
ERR_MUST_USE static enum err awx_rate(const json_t *item, size_t i, char *out, size_t len,
                                      struct errbuf *eb)
{
    const json_t *v = json_object_get(item, "client_rate");
    out[0] = '\0';
    if (v == NULL || json_is_null(v))
        return ERR_OK;
    bool ok = json_is_string(v) ? strlen(json_string_value(v)) < len &&
                                      snprintf(out, len, "%s", json_string_value(v)) > 0
                                : awx_number_text(v, out, len);
    ok = ok && out[0] != '-' && strspn(out, "0123456789.") == strlen(out) &&
         strchr(out, '.') == strrchr(out, '.') && isdigit((unsigned char)out[0]);
    if (!ok) {
        out[0] = '\0';
        return err_set(eb, ERR_PARSE, "airwallex_rate", "Item %zu: client_rate is not a rate.", i);
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err awx_history_item(const json_t *item, size_t i,
                                              struct airwallex_line *l, struct errbuf *eb)
{
    memset(l, 0, sizeof *l);
    snprintf(l->status, sizeof l->status, "POSTED");
    l->estimated_at = -1;
    enum err e = awx_head(item, i, l, eb);
    if (e == ERR_OK)
        e = awx_str(item, "transaction_type", false, i, l->kind, sizeof l->kind, eb);
    for (char *p = l->kind; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (e == ERR_OK)
        e = awx_time(item, "created_at", false, i, &l->created_at, eb);
    l->settled_at = l->created_at;
    if (e == ERR_OK)
        e = awx_str(item, "description", true, i, l->reference, sizeof l->reference, eb);
    if (e == ERR_OK)
        e = awx_str(item, "source", true, i, l->source, sizeof l->source, eb);
    if (e == ERR_OK)
        e = awx_rate(item, i, l->fx_rate, sizeof l->fx_rate, eb);
    return e;
}

enum err airwallex_parse_history(const char *body, size_t len, struct airwallex_page *out,
                                 struct errbuf *eb)
{
    json_t *doc = NULL;
    const json_t *items = NULL;
    enum err e = awx_items(body, len, &doc, &items, out, eb);
    const json_t *after = json_object_get(doc, "page_after");
    if (e == ERR_OK && after != NULL && !json_is_null(after) &&
        (!json_is_string(after) || json_string_length(after) == 0 ||
         json_string_length(after) >= sizeof out->page_after))
        e = err_set(eb, ERR_PARSE, "airwallex_shape", "page_after is not a cursor.");
    for (size_t i = 0; e == ERR_OK && i < json_array_size(items); i++)
        if ((e = awx_history_item(json_array_get(items, i), i, &out->lines[i], eb)) == ERR_OK)
            out->n++;
    if (e == ERR_OK && json_is_string(after)) {
        snprintf(out->page_after, sizeof out->page_after, "%s", json_string_value(after));
        out->has_more = true;
    }
    json_decref(doc);
    if (e != ERR_OK)
        airwallex_page_clear(out);
    return e;
}
