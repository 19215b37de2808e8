/* Unit tests for web/widget and web/status: the shared widgets and the one status vocabulary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "web/msg.h"
#include "web/status.h"
#include "web/widget.h"

static struct buf out;
static struct html h;

static int fresh(void **state)
{
    (void)state;
    buf_free(&out);
    html_init(&h, &out);
    return 0;
}

static const char *text(void)
{
    assert_int_equal(html_err(&h), ERR_OK);
    return out.data != NULL ? out.data : "";
}

static void test_vocabulary_is_one_table(void **state)
{
    (void)state;
    unsigned n = web_status_count();
    assert_true(n > 20);
    for (unsigned i = 0; i < n; i++) {
        const struct web_status *s = web_status_at(i);
        assert_non_null(s);
        assert_true(*s->zh != '\0' && *s->en != '\0' && *s->cls != '\0');
        assert_ptr_equal(web_status_find(s->code), s); /* codes are unique */
        for (const char *c = s->cls; *c; c++)          /* a class name, never markup */
            assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *c));
    }
    assert_null(web_status_at(n));
    assert_null(web_status_find("no_such_status"));
    assert_null(web_status_find(NULL));
}

static void test_status_renders_one_way(void **state)
{
    (void)state;
    widget_status(&h, "pending");
    assert_string_equal(text(),
                        "<span class=\"pill pending\" title=\"pending\">待处理 / pending</span>");
    buf_reset(&out);
    widget_status_badge(&h, "pending");
    assert_string_equal(text(), "<span class=\"status status-pending\" data-status=\"pending\" "
                                "title=\"pending\">待处理 / pending</span>");
    buf_reset(&out);
    widget_status(&h, "success"); /* the class comes from the table, not the code */
    assert_string_equal(text(),
                        "<span class=\"pill pass\" title=\"success\">成功 / success</span>");
    buf_reset(&out);
    widget_status(&h, "un_shipping");
    assert_string_equal(
        text(), "<span class=\"pill un_shipping\" title=\"un_shipping\">待发货 / to ship</span>");
    buf_reset(&out);
    h.lang = WEB_LANG_EN; /* one language: one half of the pair */
    widget_status(&h, "un_shipping");
    assert_string_equal(text(),
                        "<span class=\"pill un_shipping\" title=\"un_shipping\">to ship</span>");
    h.lang = WEB_LANG_BOTH;
    buf_reset(&out);
    widget_word(&h, "buyer_cases"); /* a stream name as a word, its code in the tooltip */
    assert_string_equal(text(),
                        "<span class=\"word\" title=\"buyer_cases\">买家请求 / buyer cases</span>");
}

static void test_unknown_status_is_escaped(void **state)
{
    (void)state;
    widget_status(&h, "<x\"y>");
    assert_string_equal(text(), "<span class=\"pill unknown\">&lt;x&quot;y&gt;</span>");
    buf_reset(&out);
    widget_status_badge(&h, "<x>");
    assert_string_equal(text(), "<span class=\"status status-unknown\">&lt;x&gt;</span>");
    buf_reset(&out);
    widget_status_badge(&h, NULL);
    assert_string_equal(text(), "<span class=\"status status-unknown\">?</span>");
}

static void test_pill_time_money_empty(void **state)
{
    (void)state;
    widget_pill(&h, "label", "a<b");
    assert_string_equal(text(), "<span class=\"pill label\">a&lt;b</span>");
    buf_reset(&out);
    widget_time(&h, 0);
    html_raw(&h, "|");
    widget_time(&h, 1700000000);
    assert_string_equal(text(),
                        "—|<time datetime=\"2023-11-14T22:13:20Z\">2023-11-14 22:13 UTC</time>");
    buf_reset(&out);
    widget_time_iso(&h, "2026-12-03T15:09:09.123Z");
    html_raw(&h, "|");
    widget_time_iso(&h, NULL);
    html_raw(&h, "|");
    widget_time_iso(&h, "2026-12-03 <b>");
    html_raw(&h, "|");
    widget_time_iso(&h, "");
    assert_string_equal(
        text(), "<time datetime=\"2026-12-03T15:09:09Z\">2026-12-03 15:09 UTC</time>|—|—|—");
    buf_reset(&out);
    widget_money(&h, "12.50", "U<SD");
    assert_string_equal(text(), "12.50 U&lt;SD");
    buf_reset(&out);
    widget_empty(&h, "x-empty", "None & nothing");
    widget_empty(&h, NULL, "n");
    assert_string_equal(text(), "<div class=\"empty\" id=\"x-empty\">None &amp; nothing</div>"
                                "<div class=\"empty\">n</div>");
}

static void test_notice_kind_is_fixed(void **state)
{
    (void)state;
    widget_notice(&h, "ok", "<done>");
    widget_notice(&h, "\" onclick=\"x", "t");
    widget_notice(&h, NULL, "t");
    assert_string_equal(text(),
                        "<div class=\"notice ok\" id=\"notice\" role=\"status\">&lt;done"
                        "&gt;</div><div class=\"notice info\" id=\"notice\" role=\"status\">"
                        "t</div><div class=\"notice info\" id=\"notice\" role=\"status\">"
                        "t</div>");
}

static void test_table_head(void **state)
{
    (void)state;
    static const char *const heads[] = {"A / a", "B&b", "", NULL};
    widget_table_begin(&h, "list", "skus", heads);
    widget_table_end(&h);
    assert_string_equal(text(), "<table id=\"list\" class=\"skus\"><thead><tr><th>A / a</th><th>"
                                "B&amp;b</th><th></th></tr></thead><tbody></tbody></table>");
}

static void test_csrf_field(void **state)
{
    (void)state;
    struct auth_principal s = {.via = AUTH_VIA_SESSION};
    struct auth_principal t = {.via = AUTH_VIA_TOKEN};
    snprintf(s.csrf, sizeof s.csrf, "abc\"def");
    snprintf(t.csrf, sizeof t.csrf, "not-shown");
    widget_csrf(&h, &s);
    widget_csrf(&h, &t);
    widget_csrf(&h, NULL);
    assert_string_equal(text(),
                        "<input type=\"hidden\" name=\"csrf_token\" value=\"abc&quot;def\">");
}

static void test_pager(void **state)
{
    (void)state;
    const struct widget_arg args[] = {{"q", "<a&b>"}, {"status", ""}, {"limit", "5"}};
    struct widget_pager p = {"/orders", args, 3, 2, 3, 12, "条", "orders", false, false, 0, NULL};
    widget_pager(&h, &p);
    const char *s = text();
    assert_non_null(strstr(s, "<span id=\"pager-info\">第 2 / 3 页 · 共 12 条 / Page 2 of 3 · "
                              "12 orders</span>"));
    assert_non_null(
        strstr(s, "rel=\"prev\" href=\"/orders?q=%3Ca%26b%3E&amp;limit=5&amp;page=1\""));
    assert_non_null(
        strstr(s, "rel=\"next\" href=\"/orders?q=%3Ca%26b%3E&amp;limit=5&amp;page=3\""));
    buf_reset(&out);
    struct widget_pager first = {"/products", NULL,       0,     1,     0, 0,
                                 "个",        "products", false, false, 0, NULL};
    widget_pager(&h, &first); /* no pages: "1 of 1", no links */
    assert_non_null(strstr(text(), "Page 1 of 1 · 0 products"));
    assert_null(strstr(text(), "rel="));
    buf_reset(&out);
    struct widget_pager last = {
        "/x",  NULL, 0,   LIMIT_QUERY_PAGE_MAX, LIMIT_QUERY_PAGE_MAX + 5, 1, "条", "x", false,
        false, 0,    NULL};
    widget_pager(&h, &last); /* never past the highest page a list accepts */
    assert_null(strstr(text(), "rel=\"next\""));
    assert_non_null(strstr(text(), "rel=\"prev\""));
}

static void test_pager_keyset(void **state)
{
    (void)state;
    const struct widget_arg args[] = {{"status", "2"}};
    /* A long list: the total is a lower bound, the next page by number while cheap. */
    struct widget_pager p = {"/orders", args, 1, 3, 0, 1000, "条", "orders", true, true, 4, "c1"};
    widget_pager(&h, &p);
    assert_non_null(strstr(text(), "第 3 页 · 超过 1000 条 / Page 3 · more than 1000 orders"));
    assert_non_null(strstr(text(), "rel=\"next\" href=\"/orders?status=2&amp;page=4\""));
    assert_non_null(strstr(text(), "rel=\"prev\" href=\"/orders?status=2&amp;page=2\""));
    buf_reset(&out);
    /* Past the cheap pages: the cursor (URL-escaped), and a link back to the first page. */
    struct widget_pager c = {"/orders", args,     1,    0,    0, 1000,
                             "条",      "orders", true, true, 0, "t1.a+b"};
    widget_pager(&h, &c);
    assert_non_null(strstr(text(), "超过 1000 条 / more than 1000 orders"));
    assert_non_null(strstr(text(), "rel=\"next\" href=\"/orders?status=2&amp;cursor=t1.a%2Bb\""));
    assert_non_null(strstr(text(), "rel=\"first\" href=\"/orders?status=2&amp;page=1\""));
    assert_null(strstr(text(), "rel=\"prev\""));
    buf_reset(&out);
    /* The last page: no next link at all. */
    struct widget_pager e = {"/orders", NULL, 0, 2, 2, 60, "条", "orders", true, false, 0, NULL};
    widget_pager(&h, &e);
    assert_non_null(strstr(text(), "Page 2 of 2 · 60 orders"));
    assert_null(strstr(text(), "rel=\"next\""));
}

static void test_filter_form(void **state)
{
    (void)state;
    static const struct widget_option opts[] = {{"1", "pending"}, {"2", "un_shipping"}};
    const struct widget_input inputs[] = {{"Q", "search", "q", "\"><script>", "PO-…"}};
    const struct widget_filter f = {"/orders", "order-filters", "status", opts,   2,
                                    "2",       inputs,          1,        "5\"x", "c\"1"};
    widget_filter_form(&h, &f);
    const char *s = text();
    assert_non_null(strstr(s, "<select name=\"status\" id=\"f-status\"><option value=\"\">全部 / "
                              "all</option><option value=\"1\">待处理 / pending</option><option "
                              "value=\"2\" selected>待发货 / to ship</option></select>"));
    assert_non_null(strstr(s, "<label>Q<input type=\"search\" name=\"q\" id=\"f-q\" value=\"&quot;"
                              "&gt;&lt;script&gt;\" placeholder=\"PO-…\"></label>"));
    assert_non_null(strstr(s, "<input type=\"hidden\" name=\"limit\" value=\"5&quot;x\">"));
    /* The shop switcher's choice survives a filter (escaped like every value). */
    assert_non_null(strstr(s, "<input type=\"hidden\" name=\"connection_id\" value=\"c&quot;1\">"));
    assert_non_null(strstr(s, "<a class=\"button secondary\" href=\"/orders\">清除 / Clear</a>"));
    assert_null(strstr(s, "<script"));
}

static void test_post_button_and_links(void **state)
{
    (void)state;
    const struct widget_arg fields[] = {{"stream", "a\"b"}};
    widget_post_button(&h, "/sync/retry", NULL, fields, 1, "small", "Retry <now>");
    assert_string_equal(text(),
                        "<form class=\"inline\" method=\"post\" action=\"/sync/retry\">"
                        "<input type=\"hidden\" name=\"stream\" value=\"a&quot;b\"><button "
                        "class=\"small\" type=\"submit\">Retry &lt;now&gt;</button></form>");
    buf_reset(&out);
    widget_order_link(&h, "PO 1<", "c&d");
    assert_string_equal(text(), "<a class=\"mono\" href=\"/orders/PO%201%3C?connection_id=c%26d\">"
                                "PO 1&lt;</a>");
}

static void test_labels_and_streams(void **state)
{
    (void)state;
    json_t *labels = json_pack("[ss]", "past_due", "<x>");
    widget_labels(&h, labels);
    widget_labels(&h, NULL);
    /* A known label is its word with the platform's name as the tooltip; an unknown one shows
     * as sent (escaped). */
    assert_string_equal(text(),
                        "<span class=\"pill label failed\" title=\"past_due\">已逾期 / "
                        "past due</span> <span class=\"pill label unknown\" "
                        "title=\"&lt;x&gt;\">&lt;x&gt;</span> <span class=\"muted\">—</span>");
    fresh(NULL);
    widget_order_status(&h, 2);
    widget_order_status(&h, 77);
    assert_string_equal(text(), "<span class=\"pill un_shipping\" title=\"parentOrderStatus 2 · "
                                "UN_SHIPPING\">待发货 / awaiting shipment</span><span class=\"pill "
                                "unknown\" title=\"parentOrderStatus 77 · UNKNOWN\">77</span>");
    json_decref(labels);
    buf_reset(&out);
    json_t *none = json_array();
    json_t *states = json_pack("[{s:s,s:i}]", "connection_id", "c1", "last_success_at", 0);
    assert_false(widget_stream_synced(none));
    assert_false(widget_stream_synced(states));
    widget_stream_status(&h, none, "products");
    assert_non_null(strstr(text(), "id=\"stream-products\""));
    json_object_set_new(json_array_get(states, 0), "last_success_at", json_integer(1700000000));
    assert_true(widget_stream_synced(states));
    assert_string_equal(widget_json_str(json_array_get(states, 0), "connection_id"), "c1");
    assert_string_equal(widget_json_str(json_array_get(states, 0), "missing"), "");
    assert_int_equal(widget_json_int(json_array_get(states, 0), "last_success_at"), 1700000000);
    json_decref(none);
    json_decref(states);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_vocabulary_is_one_table, fresh),
        cmocka_unit_test_setup(test_status_renders_one_way, fresh),
        cmocka_unit_test_setup(test_unknown_status_is_escaped, fresh),
        cmocka_unit_test_setup(test_pill_time_money_empty, fresh),
        cmocka_unit_test_setup(test_notice_kind_is_fixed, fresh),
        cmocka_unit_test_setup(test_table_head, fresh),
        cmocka_unit_test_setup(test_csrf_field, fresh),
        cmocka_unit_test_setup(test_pager, fresh),
        cmocka_unit_test_setup(test_pager_keyset, fresh),
        cmocka_unit_test_setup(test_filter_form, fresh),
        cmocka_unit_test_setup(test_post_button_and_links, fresh),
        cmocka_unit_test_setup(test_labels_and_streams, fresh),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    buf_free(&out);
    return rc;
}
