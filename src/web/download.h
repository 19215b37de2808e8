/*
 * Downloads of tables (src/export): a page handler writes its list with export_open() on a
 * memory stream (web_download_begin), then answers it as an attachment (web_download_end) with
 * the content type of its format, so every CSV and XLSX download of the console is sent the
 * same way.
 */
#ifndef AICOS_WEB_DOWNLOAD_H
#define AICOS_WEB_DOWNLOAD_H

#include <stdio.h>

#include "base/err.h"
#include "export/export.h"
#include "http/http.h"

/* A download being written: write the file to out. */
struct web_download {
    FILE *out;
    char *data;
    size_t len;
};

/* Opens the memory stream; ERR_NOMEM. */
ERR_MUST_USE enum err web_download_begin(struct web_download *d, struct errbuf *eb);

/*
 * Closes the stream; when e is ERR_OK answers 200 with the bytes as "<base>.csv" or
 * "<base>.xlsx" (base: letters, digits, '-', '_'). Frees the bytes either way and returns the
 * first error (e itself when it is not ERR_OK).
 */
ERR_MUST_USE enum err web_download_end(struct web_download *d, enum err e,
                                       enum export_format format, const char *base,
                                       struct http_resp *resp, struct errbuf *eb);

/* An amount in minor units as a decimal cell ("-15.90"); an empty cell for an unknown currency. */
void web_download_amount(struct export *x, int64_t minor, const char *currency);

#endif
