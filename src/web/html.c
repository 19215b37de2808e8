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
