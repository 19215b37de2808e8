#include "web/widget.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
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

void widget_status_label(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL)
        html_tpl(h, "{} / {}", s->zh, s->en);
    else
        html_txt(h, code);
}

void widget_status(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL)
        html_tpl(h, "<span class=\"pill {}\">{} / {}</span>", s->cls, s->zh, s->en);
    else
        html_tpl(h, "<span class=\"pill unknown\">{}</span>", code);
}

void widget_status_badge(struct html *h, const char *code)
{
    const struct web_status *s = web_status_find(code);
    if (s != NULL)
        html_tpl(h, "<span class=\"status status-{}\" data-status=\"{}\">{} / {}</span>", s->code,
                 s->code, s->zh, s->en);
    else
        html_tpl(h, "<span class=\"status status-unknown\">{}</span>", code != NULL ? code : "?");
}

void widget_time(struct html *h, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[40];
    if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
        strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm) == 0) {
        html_raw(h, "—");
        return;
    }
    html_txt(h, s);
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
    char s[24];
    snprintf(s, sizeof s, "%.10s %.5s UTC", iso, iso + 11);
    html_txt(h, s);
}

void widget_money(struct html *h, const char *amount, const char *currency)
{
    html_txt(h, amount);
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
    long long pg = (long long)p->page, n = (long long)p->total;
    if (!p->total_estimated && p->page > 0)
        html_txtf(h, "第 %lld / %lld 页 · 共 %lld %s / Page %lld of %lld · %lld %s", pg,
                  (long long)pages, n, p->noun_zh, pg, (long long)pages, n, p->noun_en);
    else if (p->page > 0)
        html_txtf(h, "第 %lld 页 · 超过 %lld %s / Page %lld · more than %lld %s", pg, n, p->noun_zh,
                  pg, n, p->noun_en);
    else if (p->total_estimated)
        html_txtf(h, "超过 %lld %s / more than %lld %s", n, p->noun_zh, n, p->noun_en);
    else
        html_txtf(h, "共 %lld %s / %lld %s", n, p->noun_zh, n, p->noun_en);
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
        widget_pill(h, "label", json_string_value(l) ? json_string_value(l) : "");
        html_raw(h, " ");
    }
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

void widget_stream_status(struct html *h, const json_t *states, const char *stream)
{
    size_t i;
    const json_t *s;
    if (json_array_size(states) == 0) {
        html_tpl(h,
                 "<p class=\"muted\" id=\"stream-{}\">同步流 <code>{}</code> 尚未运行 / The "
                 "<code>{}</code> stream has not run yet.</p>",
                 stream, stream, stream);
        return;
    }
    json_array_foreach(states, i, s)
    {
        html_tpl(h,
                 "<p class=\"muted\">连接 / Connection <code>{}</code> · <code>{}</code> 最近成功 "
                 "/ last success: ",
                 widget_json_str(s, "connection_id"), stream);
        widget_time(h, widget_json_int(s, "last_success_at"));
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
