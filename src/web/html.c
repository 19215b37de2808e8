#include "web/html.h"

#include <string.h>

enum err html_escape(struct buf *b, const char *s)
{
    enum err e = ERR_OK;
    for (; *s && e == ERR_OK; s++) {
        switch (*s) {
        case '&':
            e = buf_puts(b, "&amp;");
            break;
        case '<':
            e = buf_puts(b, "&lt;");
            break;
        case '>':
            e = buf_puts(b, "&gt;");
            break;
        case '"':
            e = buf_puts(b, "&quot;");
            break;
        case '\'':
            e = buf_puts(b, "&#39;");
            break;
        default:
            e = buf_append(b, s, 1);
        }
    }
    return e;
}

enum err html_page_begin(struct buf *b, const char *title)
{
    enum err e = buf_puts(b, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                             "<meta name=\"viewport\" content=\"width=device-width, "
                             "initial-scale=1\"><title>");
    if (e == ERR_OK)
        e = html_escape(b, title);
    if (e == ERR_OK)
        e = buf_puts(b, " · AI Commerce OS</title><link rel=\"stylesheet\" "
                        "href=\"/static/app.css\"></head><body>\n");
    return e;
}

enum err html_page_end(struct buf *b)
{
    return buf_puts(b, "\n</body></html>\n");
}

const char html_stylesheet[] =
    "body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}"
    "main{max-width:960px;margin:0 auto;padding:24px}"
    "header{background:#1c2733;color:#fff;padding:12px 24px;display:flex;"
    "justify-content:space-between;align-items:center}"
    "header a,header button{color:#fff}"
    "form.card,section.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;"
    "padding:20px;margin:16px 0}"
    "label{display:block;margin:8px 0 4px}"
    "input{font:inherit;padding:6px 8px;width:100%;max-width:320px;box-sizing:border-box}"
    "button{font:inherit;padding:6px 14px;cursor:pointer}"
    ".error{color:#b00020}.muted{color:#5f6b7a}form.inline{display:inline}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e5e8eb;"
    "padding:6px 8px;text-align:left}";
