/*
 * Shops as people name them (shops.h).
 */
#include "web/shops.h"

#include <stdio.h>
#include <string.h>

#include "sync/settings.h"
#include "web/page.h"
#include "web/widget.h"

json_t *web_shops_load_db(struct db *db)
{
    json_t *doc = NULL;
    if (sync_shops_list(db, &doc, NULL) != ERR_OK || doc == NULL)
        doc = json_pack("{s:[]}", "shops");
    return doc;
}

json_t *web_shops_load(const struct http_req *req)
{
    const struct app *app = req->app;
    return web_shops_load_db(app->db);
}

const json_t *web_shop_find(const json_t *shops, const char *conn)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(shops, "shops"), i, s)
    {
        if (conn != NULL && strcmp(widget_json_str(s, "id"), conn) == 0)
            return s;
    }
    return NULL;
}

void web_shop_name(const json_t *s, char *out, size_t cap)
{
    const char *name = widget_json_str(s, "name");
    if (*name != '\0') {
        snprintf(out, cap, "%s", name);
        return;
    }
    char region[16];
    snprintf(region, sizeof region, "%s", widget_json_str(s, "region"));
    for (char *c = region; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    snprintf(out, cap, "Temu %s · %lld%s", region, (long long)widget_json_int(s, "mall_id"),
             strcmp(widget_json_str(s, "auth_mode"), "dev") == 0 ? " (sandbox)" : "");
}

void web_shop_label(struct html *h, const json_t *s)
{
    char name[SYNC_SHOP_NAME_MAX + 48];
    web_shop_name(s, name, sizeof name);
    html_txt(h, name);
}

void web_shop_cell(struct html *h, const json_t *shops, const char *conn)
{
    const json_t *s = web_shop_find(shops, conn);
    if (s == NULL) {
        html_tpl(h, "<span class=\"mono\">{}</span>", conn && *conn ? conn : "—");
        return;
    }
    html_tpl(h, "<span class=\"shop\" title=\"{}\">", conn);
    web_shop_label(h, s);
    html_raw(h, "</span>");
}

void web_shop_switcher(struct html *h, const json_t *shops, const char *current, const char *action)
{
    size_t i;
    const json_t *s;
    const json_t *list = json_object_get(shops, "shops");
    html_tpl(h,
             "<form class=\"filters card\" method=\"get\" action=\"{}\" id=\"shop-switcher\">"
             "<label>店铺 / Shop<select name=\"connection_id\" id=\"f-connection_id\"><option "
             "value=\"\">",
             action);
    widget_pair(h, "全部店铺", "All shops");
    html_raw(h, "</option>");
    json_array_foreach(list, i, s)
    {
        const char *id = widget_json_str(s, "id");
        bool on = current != NULL && strcmp(current, id) == 0;
        html_tpl(h, on ? "<option value=\"{}\" selected>" : "<option value=\"{}\">", id);
        web_shop_label(h, s);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></label><div class=\"actions\"><button type=\"submit\">");
    widget_pair(h, "查看", "Show");
    html_raw(h, "</button></div></form>");
}
