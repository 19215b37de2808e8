#include "web/download.h"

#include <stdlib.h>
#include <string.h>

#include "base/money.h"

void web_download_amount(struct export *x, int64_t minor, const char *currency)
{
    struct money m = {.minor = minor};
    char s[MONEY_FORMAT_MAX];
    snprintf(m.currency, sizeof m.currency, "%s", currency);
    if (money_format(&m, MONEY_STYLE_PLAIN, s, sizeof s) != ERR_OK) {
        export_cell_text(x, NULL);
        return;
    }
    char *space = strchr(s, ' ');
    if (space != NULL)
        *space = '\0';
    export_cell_decimal(x, s);
}

enum err web_download_begin(struct web_download *d, struct errbuf *eb)
{
    memset(d, 0, sizeof *d);
    d->out = open_memstream(&d->data, &d->len);
    return d->out != NULL ? ERR_OK
                          : err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory exporting.");
}

enum err web_download_end(struct web_download *d, enum err e, enum export_format format,
                          const char *base, struct http_resp *resp, struct errbuf *eb)
{
    if (d->out != NULL && fclose(d->out) != 0 && e == ERR_OK)
        e = err_set(eb, ERR_NOMEM, "out_of_memory", "The export did not fit in memory.");
    d->out = NULL;
    bool xlsx = format == EXPORT_XLSX;
    char disposition[128];
    if (e == ERR_OK && (base == NULL || base[0] == '\0' || strlen(base) > 64 ||
                        strspn(base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_") != strlen(base)))
        e = err_set(eb, ERR_INTERNAL, "download_name", "A download needs a plain file name.");
    if (e == ERR_OK)
        e = http_resp_text(resp, 200,
                           xlsx
                               ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               : "text/csv; charset=utf-8",
                           d->data != NULL ? d->data : "", d->len);
    if (e == ERR_OK) {
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.%s\"", base,
                 xlsx ? "xlsx" : "csv");
        e = http_resp_header(resp, "Content-Disposition", disposition);
    }
    free(d->data);
    d->data = NULL;
    return e;
}
