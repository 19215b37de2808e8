#include "web/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/money.h"
#include "base/tz.h"
#include "web/msg.h"
#include "web/status.h"

const char *widget_json_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

int64_t widget_json_int(const json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

void widget_pill(struct html *h, const char *cls, const char *text)
{
    html_tpl(h, "<span class=\"pill {}\">{}</span>", cls, text);
}

void widget_pair(struct html *h, const char *zh, const char *en)
{
    if (h->lang == WEB_LANG_ZH)
        html_txt(h, zh);
    else if (h->lang == WEB_LANG_EN)
        html_txt(h, en);
    else
        html_tpl(h, "{} / {}", zh, en);
}

void widget_msg(struct html *h, int id)
{
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m != NULL)
        widget_pair(h, m->zh, m->en);
}

void widget_msgf_n(struct html *h, int id, const char *const *args, size_t nargs)
{
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m == NULL)
        return;
    if (h->lang != WEB_LANG_EN)
        html_txt_slots_n(h, m->zh, args, nargs);
    if (h->lang == WEB_LANG_BOTH)
        html_raw(h, " / ");
    if (h->lang != WEB_LANG_ZH)
        html_txt_slots_n(h, m->en, args, nargs);
}

/* A catalog message in the viewer's language with slots that differ per language. */
static void widget_msg_lang_n(struct html *h, int id, const char *const *zh, const char *const *en,
                              size_t nargs, bool both)
{
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m == NULL)
        return;
    if (h->lang != WEB_LANG_EN)
        html_txt_slots_n(h, m->zh, zh, nargs);
    if (both)
        html_raw(h, " / ");
    if (h->lang != WEB_LANG_ZH)
        html_txt_slots_n(h, m->en, en, nargs);
}

void widget_status_label(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL)
        widget_pair(h, s->zh, s->en);
    else
        html_txt(h, code);
}

void widget_word(struct html *h, const char *code)
{
    html_tpl(h, "<span class=\"word\" title=\"{}\">", code);
    widget_status_label(h, code);
    html_raw(h, "</span>");
}

void widget_status(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL) {
        html_tpl(h, "<span class=\"pill {}\" title=\"{}\">", s->cls, s->code);
        widget_pair(h, s->zh, s->en);
        html_raw(h, "</span>");
    } else {
        html_tpl(h, "<span class=\"pill unknown\">{}</span>", code);
    }
}

void widget_status_badge(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL) {
        html_tpl(h, "<span class=\"status status-{}\" data-status=\"{}\" title=\"{}\">", s->code,
                 s->code, s->code);
        widget_pair(h, s->zh, s->en);
        html_raw(h, "</span>");
    } else
        html_tpl(h, "<span class=\"status status-unknown\">{}</span>", code != NULL ? code : "?");
}

void widget_time(struct html *h, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm utc, tm;
    char iso[32], s[40], zone[16] = "UTC";
    if (t <= 0 || gmtime_r(&tt, &utc) == NULL || !tz_local(h->tz, t, &tm) ||
        strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0 ||
        strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm) == 0) {
        html_raw(h, "—");
        return;
    }
    int32_t off = tz_offset(h->tz, t);
    if (h->tz != NULL && off != 0) {
        int32_t a = off < 0 ? -off : off;
        snprintf(zone, sizeof zone, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600),
                 (int)(a % 3600 / 60));
    }
    html_tpl(h, "<time datetime=\"{}\">{} {}</time>", iso, s, zone);
}

void widget_time_ago(struct html *h, int64_t t, int64_t now)
{
    widget_time(h, t);
    if (t <= 0)
        return;
    int64_t d = now - t, a = d < 0 ? -d : d;
    char n[24];
    int id = a < 3600 ? MSG_W_AGO_MIN : a < 86400 ? MSG_W_AGO_HOUR : MSG_W_AGO_DAY;
    snprintf(n, sizeof n, "%lld",
             (long long)(a < 3600    ? a / 60
                         : a < 86400 ? a / 3600
                                     : a / 86400));
    html_raw(h, " <span class=\"muted ago\">(");
    if (a < 60)
        widget_msg(h, MSG_W_JUST_NOW);
    else if (d < 0)
        widget_msgf(h, MSG_W_IN_FUTURE, n);
    else
        widget_msgf(h, id, n);
    html_raw(h, ")</span>");
}

void widget_time_iso(struct html *h, const char *iso)
{
    static const char shape[] = "dddd-dd-ddTdd:dd";
    size_t i = 0;
    for (; iso != NULL && i < sizeof shape - 1; i++) {
        char c = iso[i];
        bool ok = shape[i] == 'd' ? (c >= '0' && c <= '9') : c == shape[i];
        if (!ok)
            break;
    }
    if (i != sizeof shape - 1) {
        html_raw(h, "—");
        return;
    }
    int v[6] = {0};
    static const int at[6] = {0, 5, 8, 11, 14, 17}, len[6] = {4, 2, 2, 2, 2, 2};
    for (int k = 0; k < 6; k++) {
        for (int j = 0; j < len[k]; j++) {
            char c = iso[at[k] + j];
            if (k == 5 && (c < '0' || c > '9'))
                break; /* seconds are optional */
            v[k] = v[k] * 10 + (c - '0');
        }
    }
    struct tm tm = {.tm_year = v[0] - 1900,
                    .tm_mon = v[1] - 1,
                    .tm_mday = v[2],
                    .tm_hour = v[3],
                    .tm_min = v[4],
                    .tm_sec = v[5]};
    widget_time(h, (int64_t)timegm(&tm)); /* timegm reads no TZ */
}

void widget_money(struct html *h, const char *amount, const char *currency)
{
    struct money m;
    char out[MONEY_FORMAT_MAX];
    if (amount != NULL && currency != NULL &&
        money_parse(amount, strlen(amount), currency, MONEY_STYLE_PLAIN, 0, &m, NULL, NULL) ==
            ERR_OK &&
        money_format(&m, MONEY_STYLE_EN, out, sizeof out) == ERR_OK) {
        html_tpl(h, "<span class=\"money\">{}</span>", out);
        return;
    }
    html_txt(h, amount);
    html_raw(h, " ");
    html_txt(h, currency);
}

void widget_money_minor(struct html *h, int64_t minor, const char *currency)
{
    struct money m = {.minor = minor};
    char out[MONEY_FORMAT_MAX];
    snprintf(m.currency, sizeof m.currency, "%s", currency != NULL ? currency : "");
    if (money_format(&m, MONEY_STYLE_EN, out, sizeof out) == ERR_OK) {
        html_tpl(h, "<span class=\"money\">{}</span>", out);
        return;
    }
    html_int(h, minor);
    html_raw(h, " ");
    html_txt(h, currency);
}

void widget_empty(struct html *h, const char *id, const char *text)
{
    if (id != NULL)
        html_tpl(h, "<div class=\"empty\" id=\"{}\">{}</div>", id, text);
    else
        html_tpl(h, "<div class=\"empty\">{}</div>", text);
}

void widget_empty_msg(struct html *h, const char *id, int msg)
{
    if (id != NULL)
        html_tpl(h, "<div class=\"empty\" id=\"{}\">", id);
    else
        html_raw(h, "<div class=\"empty\">");
    widget_msg(h, msg);
    html_raw(h, "</div>");
}

void widget_notice_msg(struct html *h, const char *kind, int msg)
{
    bool known = kind != NULL && (strcmp(kind, "ok") == 0 || strcmp(kind, "error") == 0);
    html_tpl(h, "<div class=\"notice {}\" id=\"notice\" role=\"status\">", known ? kind : "info");
    widget_msg(h, msg);
    html_raw(h, "</div>");
}

void widget_notice(struct html *h, const char *kind, const char *text)
{
    bool known = kind != NULL && (strcmp(kind, "ok") == 0 || strcmp(kind, "error") == 0);
    html_tpl(h, "<div class=\"notice {}\" id=\"notice\" role=\"status\">{}</div>",
             known ? kind : "info", text);
}

void widget_alert(struct html *h, const char *text)
{
    html_tpl(h, "<p class=\"notice error\" role=\"alert\">{}</p>", text);
}

void widget_page_head(struct html *h, const char *title, const char *lead)
{
    html_tpl(h, "<div class=\"page-head\"><h1>{}</h1><p>{}</p></div>", title, lead);
}

void widget_page_head_msg(struct html *h, const char *title, int lead)
{
    html_tpl(h, "<div class=\"page-head\"><h1>{}</h1><p>", title);
    widget_msg(h, lead);
    html_raw(h, "</p></div>");
}

void widget_table_begin(struct html *h, const char *id, const char *cls, const char *const *heads)
{
    html_raw(h, "<table");
    if (id != NULL) {
        html_raw(h, " id=\"");
        html_attr(h, id);
        html_raw(h, "\"");
    }
    if (cls != NULL) {
        html_raw(h, " class=\"");
        html_attr(h, cls);
        html_raw(h, "\"");
    }
    html_raw(h, "><thead><tr>");
    for (; *heads != NULL; heads++) {
        html_raw(h, "<th>");
        html_txt(h, *heads);
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
}

void widget_table_end(struct html *h)
{
    html_raw(h, "</tbody></table>");
}

void widget_csrf(struct html *h, const struct auth_principal *p)
{
    if (p == NULL || p->via != AUTH_VIA_SESSION)
        return; /* API tokens are exempt from CSRF: no field to leak or to confuse */
    html_tpl(h, "<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">", p->csrf);
}

/* The pager's link to page: path?name=value&amp;…page=N. */
/* The link to page (when > 0) or to cursor, keeping the args. */
static void widget_pager_href(struct html *h, const struct widget_pager *p, int64_t page,
                              const char *cursor)
{
    html_attr(h, p->path);
    html_raw(h, "?");
    for (size_t i = 0; i < p->nargs; i++) {
        const struct widget_arg *a = &p->args[i];
        if (a->value == NULL || *a->value == '\0')
            continue;
        html_attr(h, a->name);
        html_raw(h, "=");
        html_url(h, a->value);
        html_raw(h, "&amp;");
    }
    if (page > 0) {
        html_raw(h, "page=");
        html_int(h, page);
    } else {
        html_raw(h, "cursor=");
        html_url(h, cursor);
    }
}

static void widget_pager_info(struct html *h, const struct widget_pager *p)
{
    int64_t pages = p->pages > 0 ? p->pages : 1;
    char pg[24], pn[24], tot[24];
    snprintf(pg, sizeof pg, "%lld", (long long)p->page);
    snprintf(pn, sizeof pn, "%lld", (long long)pages);
    snprintf(tot, sizeof tot, "%lld", (long long)p->total);
    bool both = h->lang == WEB_LANG_BOTH;
    /* the nouns are given in both languages; a message takes the one of its language */
    if (!p->total_estimated && p->page > 0) {
        const char *zh[] = {pg, pn, tot, p->noun_zh}, *en[] = {pg, pn, tot, p->noun_en};
        widget_msg_lang_n(h, MSG_W_PAGER, zh, en, 4, both);
    } else if (p->page > 0) {
        const char *zh[] = {pg, tot, p->noun_zh}, *en[] = {pg, tot, p->noun_en};
        widget_msg_lang_n(h, MSG_W_PAGER_MORE, zh, en, 3, both);
    } else {
        const char *zh[] = {tot, p->noun_zh}, *en[] = {tot, p->noun_en};
        widget_msg_lang_n(h, p->total_estimated ? MSG_W_PAGER_MORE_ONLY : MSG_W_PAGER_TOTAL, zh, en,
                          2, both);
    }
}

void widget_pager(struct html *h, const struct widget_pager *p)
{
    html_raw(h, "<nav class=\"pager\" aria-label=\"分页 / Pages\"><span id=\"pager-info\">");
    widget_pager_info(h, p);
    html_raw(h, "</span>");
    if (p->page > 1 || (p->keyset && p->page == 0)) {
        html_raw(h, p->page > 1 ? " <a rel=\"prev\" href=\"" : " <a rel=\"first\" href=\"");
        widget_pager_href(h, p, p->page > 1 ? p->page - 1 : 1, NULL);
        html_raw(h, p->page > 1 ? "\">← 上一页 / Previous</a>" : "\">« 第一页 / First page</a>");
    }
    int64_t next = 0;
    const char *cursor = NULL;
    if (!p->keyset && p->page < p->pages && p->page < LIMIT_QUERY_PAGE_MAX)
        next = p->page + 1;
    else if (p->keyset && p->next_page > 0)
        next = p->next_page;
    else if (p->keyset)
        cursor = p->next_cursor;
    if (next > 0 || cursor != NULL) {
        html_raw(h, " <a rel=\"next\" href=\"");
        widget_pager_href(h, p, next, cursor);
        html_raw(h, "\">下一页 / Next →</a>");
    }
    html_raw(h, "</nav>");
}

static void widget_input(struct html *h, const struct widget_input *in)
{
    html_tpl(h,
             "<label>{}<input type=\"{}\" name=\"{}\" id=\"f-{}\" value=\"{}\" "
             "placeholder=\"{}\"></label>",
             in->label, in->type, in->name, in->name, in->value, in->placeholder);
}

void widget_filter_form(struct html *h, const struct widget_filter *f)
{
    html_tpl(h,
             "<form class=\"filters card\" method=\"get\" action=\"{}\" id=\"{}\"><label>状态 / "
             "Status<select name=\"{}\" id=\"f-{}\"><option value=\"\">全部 / all</option>",
             f->action, f->id, f->select, f->select);
    for (size_t i = 0; i < f->noptions; i++) {
        const struct widget_option *o = &f->options[i];
        bool on = f->selected != NULL && strcmp(f->selected, o->value) == 0;
        html_tpl(h, on ? "<option value=\"{}\" selected>" : "<option value=\"{}\">", o->value);
        widget_status_label(h, o->code);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></label>");
    for (size_t i = 0; i < f->ninputs; i++)
        widget_input(h, &f->inputs[i]);
    if (f->limit != NULL && *f->limit != '\0')
        html_tpl(h, "<input type=\"hidden\" name=\"limit\" value=\"{}\">", f->limit);
    if (f->connection_id != NULL && *f->connection_id != '\0')
        html_tpl(h, "<input type=\"hidden\" name=\"connection_id\" value=\"{}\">",
                 f->connection_id);
    html_tpl(h,
             "<div class=\"actions\"><button type=\"submit\">筛选 / Filter</button> <a "
             "class=\"button secondary\" href=\"{}\">清除 / Clear</a></div></form>",
             f->action);
}

void widget_labels(struct html *h, const json_t *labels)
{
    size_t i;
    const json_t *l;
    if (json_array_size(labels) == 0) {
        html_raw(h, "<span class=\"muted\">—</span>");
        return;
    }
    json_array_foreach(labels, i, l)
    {
        widget_label(h, json_string_value(l) ? json_string_value(l) : "");
        html_raw(h, " ");
    }
}

void widget_label(struct html *h, const char *name)
{
    /* The platform's name is the tooltip; a name the vocabulary lacks shows as sent. */
    const struct web_status *s = web_status_find(name);
    html_tpl(h, "<span class=\"pill label {}\" title=\"{}\">", s ? s->cls : "unknown", name);
    if (s != NULL)
        widget_pair(h, s->zh, s->en);
    else
        html_txt(h, name);
    html_raw(h, "</span>");
}

/* True for a fact whose name says it is a time (Unix seconds): "..._at", "..._time", "since". */
static bool widget_fact_is_time(const char *key)
{
    size_t n = strlen(key);
    return strcmp(key, "at") == 0 || strcmp(key, "since") == 0 || strcmp(key, "deadline") == 0 ||
           strcmp(key, "ship_by") == 0 || (n > 3 && strcmp(key + n - 3, "_at") == 0) ||
           (n > 5 && strcmp(key + n - 5, "_time") == 0);
}

void widget_facts(struct html *h, const json_t *facts)
{
    const char *key;
    const json_t *v;
    bool first = true;
    html_raw(h, "<span class=\"facts\">");
    json_object_foreach((json_t *)facts, key, v)
    {
        html_tpl(h,
                 first ? "<span class=\"mono\">{}</span>: " : " · <span class=\"mono\">{}</span>: ",
                 key);
        first = false;
        if (json_is_integer(v) && widget_fact_is_time(key)) {
            widget_time(h, (int64_t)json_integer_value(v));
        } else if (json_is_integer(v)) {
            html_int(h, (int64_t)json_integer_value(v));
        } else if (json_is_string(v)) {
            html_txt(h, json_string_value(v));
        } else {
            char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
            html_txt(h, t != NULL ? t : "");
            free(t);
        }
    }
    html_raw(h, "</span>");
}

void widget_order_status(struct html *h, int64_t status)
{
    const char *platform = NULL;
    const struct web_status *s = web_status_order((long long)status, &platform);
    char code[24];
    snprintf(code, sizeof code, "%lld", (long long)status);
    html_tpl(h, "<span class=\"pill {}\" title=\"parentOrderStatus {} · {}\">",
             s ? s->cls : "unknown", code, platform);
    if (s != NULL)
        widget_pair(h, s->zh, s->en);
    else
        html_txt(h, code);
    html_raw(h, "</span>");
}

void widget_order_link(struct html *h, const char *sn, const char *connection_id)
{
    html_raw(h, "<a class=\"mono\" href=\"/orders/");
    html_url(h, sn);
    html_raw(h, "?connection_id=");
    html_url(h, connection_id);
    html_raw(h, "\">");
    html_txt(h, sn);
    html_raw(h, "</a>");
}

/* A stream's name as a word of the vocabulary in the reader's language (the code when none). */
static const char *widget_stream_name(const struct html *h, const char *stream)
{
    const struct web_status *s = web_status_find(stream);
    if (s == NULL)
        return stream;
    return h->lang == WEB_LANG_EN ? s->en : s->zh;
}

void widget_stream_status(struct html *h, const json_t *states, const char *stream)
{
    size_t i;
    const json_t *s;
    if (json_array_size(states) == 0) {
        html_tpl(h, "<p class=\"muted\" id=\"stream-{}\">", stream);
        widget_msgf(h, MSG_W_STREAM_NOT_RUN, widget_stream_name(h, stream));
        html_raw(h, "</p>");
        return;
    }
    json_array_foreach(states, i, s)
    {
        html_raw(h, "<p class=\"muted\">");
        widget_msgf(h, MSG_W_STREAM_LAST, widget_json_str(s, "connection_id"),
                    widget_stream_name(h, stream));
        html_raw(h, " ");
        widget_time_ago(h, widget_json_int(s, "last_success_at"), (int64_t)time(NULL));
        html_raw(h, "</p>");
    }
}

bool widget_stream_synced(const json_t *states)
{
    size_t i;
    const json_t *s;
    json_array_foreach(states, i, s)
    {
        if (widget_json_int(s, "last_success_at") > 0)
            return true;
    }
    return false;
}

void widget_post_button(struct html *h, const char *action, const struct auth_principal *p,
                        const struct widget_arg *fields, size_t nfields, const char *cls,
                        const char *label)
{
    html_tpl(h, "<form class=\"inline\" method=\"post\" action=\"{}\">", action);
    widget_csrf(h, p);
    for (size_t i = 0; i < nfields; i++)
        html_tpl(h, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", fields[i].name,
                 fields[i].value);
    html_tpl(h, "<button class=\"{}\" type=\"submit\">{}</button></form>", cls, label);
}
