/*
 * The products page: the shop's products with their SKUs (bg.local.goods.list.query), with a
 * goods-status filter, search and paging, shown only once the products stream has succeeded.
 * Data comes from src/sync/query.h; no SQL here.
 */
#include "web/products_page.h"

#include "sync/query.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

static void products_filters(struct html *h, const struct query_products_args *a)
{
    static const struct widget_option buckets[] = {
        {"1", "on_off_sale"}, {"4", "not_published"}, {"5", "draft"}, {"6", "deleted"}};
    const struct widget_input inputs[] = {
        {"名称或编号 / Name or number", "search", "q", a->q, "goods id, SKU-…"},
    };
    const struct widget_filter f = {
        .action = "/products",
        .id = "product-filters",
        .select = "bucket",
        .options = buckets,
        .noptions = sizeof buckets / sizeof buckets[0],
        .selected = a->bucket,
        .inputs = inputs,
        .ninputs = 1,
        .limit = a->limit,
    };
    widget_filter_form(h, &f);
}

/* The SKUs of one product as a nested table in its row. */
static void products_skus(struct html *h, const json_t *skus, const char *currency)
{
    static const char *const heads[] = {"SKU ID",       "货号 / SKU number", "规格 / Spec",
                                        "价格 / Price", "库存 / Stock",      NULL};
    size_t i;
    const json_t *k;
    if (json_array_size(skus) == 0) {
        html_raw(h, "<span class=\"muted\">—</span>");
        return;
    }
    widget_table_begin(h, NULL, "skus", heads);
    json_array_foreach(skus, i, k)
    {
        html_raw(h, "<tr class=\"sku\"><td class=\"mono\">");
        html_int(h, widget_json_int(k, "sku_id"));
        html_tpl(h, "</td><td class=\"mono\">{}</td><td>{}</td><td>",
                 widget_json_str(k, "out_sku_sn"), widget_json_str(k, "spec_name"));
        widget_money(h, widget_json_str(k, "price"), currency);
        html_raw(h, "</td><td>");
        html_int(h, widget_json_int(k, "quantity"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
}

static void products_row(struct html *h, const json_t *p)
{
    html_raw(h, "<tr class=\"product\"><td class=\"mono\">");
    html_int(h, widget_json_int(p, "goods_id"));
    html_tpl(h, "</td><td>{}</td><td class=\"mono\">{}</td><td>", widget_json_str(p, "goods_name"),
             widget_json_str(p, "out_goods_sn"));
    widget_status(h, widget_json_str(p, "bucket_name"));
    html_raw(h, "</td><td>");
    widget_money(h, widget_json_str(p, "price"), widget_json_str(p, "currency"));
    html_raw(h, "</td><td>");
    html_int(h, widget_json_int(p, "quantity"));
    html_raw(h, "</td><td>");
    products_skus(h, json_object_get(p, "skus"), widget_json_str(p, "currency"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(p, "synced_at"));
    html_raw(h, "</td></tr>");
}

static void products_table(struct html *h, const struct query_products_args *a, const json_t *doc,
                           bool filtered)
{
    static const char *const heads[] = {
        "商品 ID / Goods ID",
        "名称 / Name",
        "商品编号 / Goods number",
        "状态 / Status",
        "价格 / Price",
        "库存 / Stock",
        "SKU",
        "同步 / Synced",
        NULL,
    };
    const json_t *products = json_object_get(doc, "products");
    const struct widget_arg args[] = {
        {"connection_id", a->connection_id},
        {"bucket", a->bucket},
        {"q", a->q},
        {"limit", a->limit},
    };
    const struct widget_pager pager = {
        .path = "/products",
        .args = args,
        .nargs = sizeof args / sizeof args[0],
        .page = widget_json_int(doc, "page"),
        .pages = widget_json_int(doc, "pages"),
        .total = widget_json_int(doc, "total"),
        .noun_zh = "个",
        .noun_en = "products",
    };
    size_t i;
    const json_t *p;
    if (json_array_size(products) == 0 && (filtered || pager.page > 1)) {
        widget_empty_msg(h, "products-empty", MSG_P_PRODUCTS_PAGE_8);
    } else if (json_array_size(products) == 0) {
        widget_empty_msg(h, "products-empty", MSG_P_PRODUCTS_PAGE_9);
    } else {
        widget_table_begin(h, "product-list", NULL, heads);
        json_array_foreach(products, i, p) products_row(h, p);
        widget_table_end(h);
        if (json_is_true(json_object_get(doc, "skus_truncated")))
            html_raw(h, "<p class=\"muted\" id=\"skus-truncated\">本页 SKU 过多,部分未显示;"
                        "请缩小每页数量。/ This page has too many SKUs to show them all; "
                        "choose a smaller page size.</p>");
    }
    widget_pager(h, &pager);
}

enum err page_products(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_products_args a;
    struct query_products_filter f;
    struct errbuf why = {0};
    json_t *states = NULL, *doc = NULL;
    struct html h;
    query_products_args_read(http_req_query_arg, req, &a);
    enum err bad = query_products_filter_parse(&a, &f, &why);
    enum err e = query_stream_states(app->db, "products", &states, eb);
    if (e != ERR_OK)
        goto out;
    /* Until the stream has succeeded once the stored rows are a partial walk at best: the page
     * says so and lists nothing rather than show a shop's catalogue half-read. */
    bool synced = widget_stream_synced(states);
    if (bad == ERR_OK && synced && (e = query_products_list(app->db, &f, &doc, eb)) != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "商品 / Products", "products", req->auth);
    widget_page_head_msg(&h, "商品 / Products", MSG_P_PRODUCTS_PAGE_11);
    if (bad != ERR_OK)
        widget_notice(&h, "error", errbuf_message(&why, bad));
    products_filters(&h, &a);
    html_raw(&h, "<section class=\"card\" id=\"products\">");
    if (!synced)
        widget_empty_msg(&h, "products-empty", MSG_P_PRODUCTS_PAGE_10);
    else if (bad == ERR_OK)
        products_table(&h, &a, doc, f.bucket != 0 || f.q || f.connection_id);
    widget_stream_status(&h, states, "products");
    html_raw(&h, "<p><a href=\"/sync\">同步状态 / Sync state →</a></p></section>");
    e = web_page_end(&h, resp, bad ? http_status_for_err(bad) : 200);
out:
    json_decref(states);
    json_decref(doc);
    return e;
}
