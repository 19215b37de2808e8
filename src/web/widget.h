/*
 * The console's shared widgets, written through web/html.h (every value escaped): status
 * pill and badge (from the one vocabulary in web/status.h), plain pill, time, money, empty
 * state, notice banner, page head, table head, pager, filter form and the CSRF field. A page
 * composes these and its own rows; it never copies one. Also the two accessors pages use to
 * read the JSON documents the domain returns.
 */
#ifndef AICOS_WEB_WIDGET_H
#define AICOS_WEB_WIDGET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "web/html.h"

/* o[key] as a string; "" when absent or not a string. */
const char *widget_json_str(const json_t *o, const char *key);

/* o[key] as an integer; 0 when absent or not an integer. */
int64_t widget_json_int(const json_t *o, const char *key);

/* <span class="pill CLS">TEXT</span>; cls is one or more fixed class names. */
void widget_pill(struct html *h, const char *cls, const char *text);

/* A status pill from the vocabulary: "中文 / English" in the code's class; an unknown code
 * shows as itself in the "unknown" class. */
void widget_status(struct html *h, const char *code);

/* The deployment planner's badge for a status: <span class="status status-CODE"
 * data-status="CODE">label</span> (status-unknown and no data-status for unknown codes). */
void widget_status_badge(struct html *h, const char *code);

/* The label alone ("中文 / English"; the code itself when unknown), as text. */
void widget_status_label(struct html *h, const char *code);

/* A code of the vocabulary as its word, the code in the tooltip: <span title="CODE">word</span>
 * (the code itself when the vocabulary does not know it). */
void widget_word(struct html *h, const char *code);

/* A unix time as "YYYY-MM-DD HH:MM UTC" in the reader's time zone (h->tz; the suffix is
 * "UTC" or the offset, "UTC+08:00"), inside <time datetime="…Z">; "—" for 0 or an
 * unrepresentable time. */
void widget_time(struct html *h, int64_t t);

/* widget_time() followed by how long ago (or ahead) it is from now: " (3 h ago)". */
void widget_time_ago(struct html *h, int64_t t, int64_t now);

/* Catalog message id (web/msg.h) in the reader's language; both as "中文 / English" when the
 * language is unknown. */
void widget_msg(struct html *h, int id);

/* A catalog message with its "{}" slots filled (escaped) by the string arguments. */
#define widget_msgf(h, id, ...)                                                                    \
    widget_msgf_n((h), (id), (const char *const[]){__VA_ARGS__},                                   \
                  sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
void widget_msgf_n(struct html *h, int id, const char *const *args, size_t nargs);

/* A heading pair "中文 / English" as the reader's language wants it: one half, or both. */
void widget_pair(struct html *h, const char *zh, const char *en);

/* An ISO 8601 UTC timestamp ("2026-12-03T15:09:09.123Z") as "YYYY-MM-DD HH:MM UTC" ("—" when
 * empty or not one). */
void widget_time_iso(struct html *h, const char *iso);

/* An amount as the platform gave it (a decimal string) and its currency, grouped by base/money:
 * "1,234.50 USD" (a text that is not an amount of that currency is shown as it is). */
void widget_money(struct html *h, const char *amount, const char *currency);

/* An amount in minor units and its ISO code: "15.90 USD", "-0.05 USD", "1,500 JPY",
 * "1.234 KWD"; an unknown currency shows the minor units and the code. */
void widget_money_minor(struct html *h, int64_t minor, const char *currency);

/* <div class="empty" id="ID">TEXT</div> (no id when NULL). */
void widget_empty(struct html *h, const char *id, const char *text);

/* widget_empty() with the text from the catalog (message id, web/msg.h). */
void widget_empty_msg(struct html *h, const char *id, int msg);

/* widget_notice() with the text from the catalog. */
void widget_notice_msg(struct html *h, const char *kind, int msg);

/* <div class="notice KIND" id="notice" role="status">TEXT</div>; kind is "ok", "error" or
 * "info" (anything else is shown as "info"). */
void widget_notice(struct html *h, const char *kind, const char *text);

/* <p class="notice error" role="alert">TEXT</p>: a form's refusal at the top of the page. */
void widget_alert(struct html *h, const char *text);

/* <div class="page-head"><h1>TITLE</h1><p>LEAD</p></div> */
void widget_page_head(struct html *h, const char *title, const char *lead);

/* widget_page_head() with the lead from the catalog (message id, web/msg.h). */
void widget_page_head_msg(struct html *h, const char *title, int lead);

/* <table[ id][ class]><thead><tr><th>…</th></tr></thead><tbody>; heads ends with NULL. */
void widget_table_begin(struct html *h, const char *id, const char *cls, const char *const *heads);

/* </tbody></table> */
void widget_table_end(struct html *h);

/* A hidden csrf_token field for p's session (nothing for API-token callers or NULL). */
void widget_csrf(struct html *h, const struct auth_principal *p);

/* One query argument of a link: left out when value is NULL or "". */
struct widget_arg {
    const char *name; /* a fixed identifier */
    const char *value;
};

struct widget_pager {
    const char *path; /* "/orders" */
    const struct widget_arg *args;
    size_t nargs;
    int64_t page, pages, total;
    const char *noun_zh, *noun_en; /* "条", "orders" */
    /* A keyset list (sync/query.h query_orders_list): page 0 is a page reached by cursor,
     * total_estimated says total is a lower bound (pages unknown), and the next link is
     * next_page when > 0, else next_cursor when not NULL, else none. Without keyset the next
     * link is page + 1 while page < pages. */
    bool keyset, total_estimated;
    int64_t next_page;
    const char *next_cursor;
};

/* <nav class="pager">: "Page P of N · T nouns" (or "Page P · more than T nouns") and previous /
 * next links that keep the args; a page reached by cursor links back to the first page. */
void widget_pager(struct html *h, const struct widget_pager *p);

struct widget_option {
    const char *value; /* the form value */
    const char *code;  /* its status code, labelled from the vocabulary */
};

struct widget_input {
    const char *label, *type, *name; /* fixed strings; the input's id is f-NAME */
    const char *value;               /* the current value (data) */
    const char *placeholder;
};

struct widget_filter {
    const char *action, *id; /* "/orders", "order-filters" */
    const char *select;      /* the status select's field name */
    const struct widget_option *options;
    size_t noptions;
    const char *selected; /* the current value of the select */
    const struct widget_input *inputs;
    size_t ninputs;
    const char *limit;         /* kept as a hidden field when present */
    const char *connection_id; /* the shop switcher's choice, kept the same way */
};

/* An order's label pills as words of the vocabulary, the platform's name in the tooltip (a
 * name it does not know shows as sent); "—" when there are none. */
void widget_labels(struct html *h, const json_t *labels);

/* One label name as its pill (widget_labels' item). */
void widget_label(struct html *h, const char *name);

/* The facts of an object ({"ship_by": 1767225600, "status": 2, ...}) as "key: value" items:
 * a time-named fact ("…_at", "…_time", "since", "deadline", "ship_by") as widget_time, so no
 * raw Unix time is shown; other values as text. */
void widget_facts(struct html *h, const json_t *facts);

/* A parentOrderStatus / orderStatus as the buyer reads it ("已发货 / shipped"), the platform's
 * code and name in the tooltip ("parentOrderStatus 4 · SHIPPED"). */
void widget_order_status(struct html *h, int64_t status);

/* The link to an order's page: /orders/SN?connection_id=CONN, the number as its text. */
void widget_order_link(struct html *h, const char *sn, const char *connection_id);

/* What a sync stream's states (query_stream_states) say: per connection, its last success;
 * a "has not run yet" line when there is none. */
void widget_stream_status(struct html *h, const json_t *states, const char *stream);

/* True when some connection's stream has succeeded at least once. */
bool widget_stream_synced(const json_t *states);

/* A POST form with one small button: the CSRF field, hidden fields (name, value) and label. */
void widget_post_button(struct html *h, const char *action, const struct auth_principal *p,
                        const struct widget_arg *fields, size_t nfields, const char *cls,
                        const char *label);

/* The GET filter form of a list page: a status select, inputs, Filter and Clear. */
void widget_filter_form(struct html *h, const struct widget_filter *f);

#endif
