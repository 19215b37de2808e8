/*
 * A loopback HTTP stub for the tests of HTTP clients (libmicrohttpd): it collects each
 * request's body and hands the whole request to the test's handler, which answers with
 * ts_stub_answer (or any MHD response).
 */
#ifndef AICOS_TS_STUB_H
#define AICOS_TS_STUB_H

#include <microhttpd.h>
#include <stddef.h>

#include "base/buf.h"

typedef enum MHD_Result (*ts_stub_fn)(void *ctx, struct MHD_Connection *conn, const char *url,
                                      const char *method, const struct buf *body);

struct ts_stub {
    struct MHD_Daemon *d;
    unsigned port;
    ts_stub_fn fn;
    void *ctx;
};

/* Starts s on a free loopback port, a thread per connection, calling fn(ctx, ...) per request. */
void ts_stub_start(struct ts_stub *s, ts_stub_fn fn, void *ctx);

/* Stops s (a stub never started is left alone). */
void ts_stub_stop(struct ts_stub *s);

/* Answers status with the len bytes of text (copied) as application/json. */
enum MHD_Result ts_stub_answer(struct MHD_Connection *conn, unsigned status, const char *text,
                               size_t len);

#endif
