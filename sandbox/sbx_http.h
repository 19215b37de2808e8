/*
 * The libmicrohttpd plumbing the sandboxes' servers share: a request's state (its body,
 * bounded), the upload phase of an access handler, the completion callback that frees the
 * state, and starting a thread-per-connection daemon on an IPv4 listen address.
 */
#ifndef SBX_HTTP_H
#define SBX_HTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

/* One request's state: the body read so far (body.failed once it passed its bound). */
struct sbx_conn {
    struct sbuf body;
};

/*
 * The upload phase of an access handler: true when *ret is the answer for now (a new
 * request's state was made, or a body chunk was stored), false when the whole request is in
 * (*con_cls, a struct sbx_conn *). body_max bounds the body.
 */
bool sbx_http_upload(void **con_cls, size_t body_max, const char *data, size_t *size,
                     enum MHD_Result *ret);

/* MHD_OPTION_NOTIFY_COMPLETED: frees the request's state. */
void sbx_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe);

/*
 * Starts a daemon on host:port (IPv4; "localhost" is 127.0.0.1), a thread per connection,
 * at most conn_max connections idle for at most timeout_s, calling fn(cls, ...); NULL with
 * err when it cannot listen.
 */
struct MHD_Daemon *sbx_http_start(const char *host, unsigned port, MHD_AccessHandlerCallback fn,
                                  void *cls, unsigned conn_max, unsigned timeout_s, char *err,
                                  size_t errlen);

#endif
