#include "sbx_http.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbx_args.h"

bool sbx_http_upload(void **con_cls, size_t body_max, const char *data, size_t *size,
                     enum MHD_Result *ret)
{
    struct sbx_conn *sc = *con_cls;
    if (sc == NULL) {
        sc = calloc(1, sizeof *sc);
        if (sc == NULL) {
            *ret = MHD_NO;
            return true;
        }
        sbuf_init(&sc->body, body_max);
        *con_cls = sc;
        *ret = MHD_YES;
        return true;
    }
    if (*size > 0) {
        sbuf_append(&sc->body, data, *size);
        *size = 0;
        *ret = MHD_YES;
        return true;
    }
    return false;
}

void sbx_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct sbx_conn *sc = *con_cls;
    if (sc != NULL) {
        sbuf_free(&sc->body);
        free(sc);
    }
    *con_cls = NULL;
}

struct MHD_Daemon *sbx_http_start(const char *host, unsigned port, MHD_AccessHandlerCallback fn,
                                  void *cls, unsigned conn_max, unsigned timeout_s, char *err,
                                  size_t errlen)
{
    struct sockaddr_in sa;
    if (!sbx_listen_addr(host, port, &sa, err, errlen))
        return NULL;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
        (uint16_t)port, NULL, NULL, fn, cls, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, conn_max, MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, sbx_http_completed, NULL, MHD_OPTION_END);
    if (d == NULL)
        snprintf(err, errlen, "cannot listen on %s:%u (%s)", host, port, strerror(errno));
    return d;
}
