/*
 * http_reference: the smallest libmicrohttpd server that answers GET /healthz, used by the
 * benchmarks as the lower bound of what any MHD server costs on this machine.
 *
 * It starts the daemon exactly as src/http/server.c does (internal polling thread, epoll,
 * inter-thread channel, thread pool of the same size, the same connection limits from
 * base/limits.h) but answers every request from two responses built once at start-up:
 * 200 {"status":"ok"} for GET /healthz and 404 for anything else. No per-request
 * allocation, no routing table, no request id, no logging, no metrics.
 *
 * It listens on 127.0.0.1 only, prints "http_reference serving on http://127.0.0.1:PORT"
 * once ready, and stops on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

#define REF_THREADS_MAX 64

static const char ref_ok_body[] = "{\"status\":\"ok\"}";
static const char ref_missing_body[] = "{\"error\":{\"code\":\"unknown_route\"}}";

struct ref_state {
    struct MHD_Response *ok;
    struct MHD_Response *missing;
};

/* Marks a request whose headers have been seen; its address is all that matters. */
static int ref_started;

static enum MHD_Result ref_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    (void)version;
    (void)upload_data;
    struct ref_state *st = cls;
    /* Like the real server, answer on the second call, once any body has been read. */
    if (*con_cls == NULL) {
        *con_cls = &ref_started;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 && strcmp(url, "/healthz") == 0)
        return MHD_queue_response(conn, MHD_HTTP_OK, st->ok);
    return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, st->missing);
}

static struct MHD_Response *ref_response(const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (r != NULL &&
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES) {
        MHD_destroy_response(r);
        r = NULL;
    }
    return r;
}

static bool ref_parse_uint(const char *s, unsigned long max, unsigned *out)
{
    if (s == NULL || *s == '\0')
        return false;
    unsigned long v = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static void ref_usage(FILE *f)
{
    fputs("usage: http_reference [--port PORT] [--threads N]\n"
          "\n"
          "Serves GET /healthz on 127.0.0.1:PORT (0, the default, picks a free port) with a\n"
          "thread pool of N threads (default 4, like AICOS_HTTP_THREADS). SIGINT or SIGTERM\n"
          "stop it.\n",
          f);
}

int main(int argc, char **argv)
{
    unsigned port = 0, threads = 4;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            ref_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--port") == 0) {
            ok = ref_parse_uint(v, 65535, &port);
        } else if (strcmp(argv[i], "--threads") == 0) {
            ok = ref_parse_uint(v, REF_THREADS_MAX, &threads) && threads > 0;
        } else {
            fprintf(stderr, "http_reference: unknown option %s\n", argv[i]);
            ref_usage(stderr);
            return 2;
        }
        if (!ok) {
            fprintf(stderr, "http_reference: bad or missing value for %s\n", argv[i]);
            return 2;
        }
        i++;
    }

    struct ref_state st = {
        .ok = ref_response(ref_ok_body, sizeof ref_ok_body - 1),
        .missing = ref_response(ref_missing_body, sizeof ref_missing_body - 1),
    };
    if (st.ok == NULL || st.missing == NULL) {
        fputs("http_reference: out of memory\n", stderr);
        return 1;
    }

    /* Only the signal-waiting main thread may see SIGINT and SIGTERM. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, ref_on_request, &st, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sin, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_HTTP_CONN_TIMEOUT_S,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LIMIT_HTTP_PER_IP_CONNS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIMIT_HTTP_MAX_CONNS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HTTP_CONN_MEMORY, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "http_reference: cannot listen on 127.0.0.1:%u\n", port);
        MHD_destroy_response(st.ok);
        MHD_destroy_response(st.missing);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("http_reference serving on http://127.0.0.1:%u\n",
           di != NULL ? (unsigned)di->port : port);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(st.ok);
    MHD_destroy_response(st.missing);
    return 0;
}
