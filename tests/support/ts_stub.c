#include "ts_stub.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "testsupport.h"

struct ts_upload {
    struct buf body;
};

static enum MHD_Result ts_stub_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                       const char *method, const char *version, const char *data,
                                       size_t *data_size, void **con_cls)
{
    struct ts_stub *s = cls;
    (void)version;
    if (*con_cls == NULL) {
        *con_cls = calloc(1, sizeof(struct ts_upload));
        return *con_cls != NULL ? MHD_YES : MHD_NO;
    }
    struct ts_upload *u = *con_cls;
    if (*data_size > 0) {
        if (buf_append(&u->body, data, *data_size) != ERR_OK)
            return MHD_NO;
        *data_size = 0;
        return MHD_YES;
    }
    return s->fn(s->ctx, conn, url, method, &u->body);
}

static void ts_stub_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    struct ts_upload *u = *con_cls;
    if (u != NULL) {
        buf_free(&u->body);
        free(u);
    }
    *con_cls = NULL;
}

void ts_stub_start(struct ts_stub *s, ts_stub_fn fn, void *ctx)
{
    s->fn = fn;
    s->ctx = ctx;
    s->d = NULL;
    for (int tries = 0; tries < 5 && s->d == NULL; tries++) {
        s->port = ts_free_port();
        s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                                (uint16_t)s->port, NULL, NULL, ts_stub_handler, s,
                                MHD_OPTION_NOTIFY_COMPLETED, ts_stub_completed, s, MHD_OPTION_END);
    }
    assert_non_null(s->d);
}

void ts_stub_stop(struct ts_stub *s)
{
    if (s->d != NULL)
        MHD_stop_daemon(s->d);
    s->d = NULL;
}

enum MHD_Result ts_stub_answer(struct MHD_Connection *conn, unsigned status, const char *text,
                               size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}
