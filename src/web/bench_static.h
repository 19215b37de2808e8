/*
 * The console benchmark's static answers (bench/run-console-bench), compiled only into a
 * build configured with -DAICOS_BENCH_STATIC_DIR=<dir>: <dir>/dashboard.html and
 * <dir>/orders.html, embedded like the stylesheet and served by the same server at
 * /static/bench/dashboard.html and /static/bench/orders.html, so each page is measured
 * against a static file of its own size. No other build has the route.
 */
#ifndef AICOS_WEB_BENCH_STATIC_H
#define AICOS_WEB_BENCH_STATIC_H

#include "http/http.h"

/* GET /static/bench/{name}: the embedded file (404 for another name). */
ERR_MUST_USE enum err page_bench_static(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);

#endif
