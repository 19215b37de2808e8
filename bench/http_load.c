/*
 * http_load: a small closed-loop HTTP/1.1 load generator for the benchmarks.
 *
 * It opens N keep-alive connections to 127.0.0.1:PORT, spread over T threads, and on each
 * connection sends one GET, waits for the whole response, and sends the next, until the
 * duration is over. Each request is timed from just before send() to the last byte of the
 * response; latencies go into a log-linear histogram (under 1% relative error), so memory
 * stays fixed however many requests are made. It only ever talks to the loopback address,
 * and every loop ends by the deadline.
 *
 * Output: one line of key=value pairs on stdout (see load_report()). Exit status 0 when at
 * least one request succeeded and every response had the expected status, 1 otherwise,
 * 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOAD_CONNS_MAX     1024
#define LOAD_THREADS_MAX   64
#define LOAD_DURATION_MAX  600
#define LOAD_WARMUP_MAX_MS 60000
#define LOAD_PATH_MAX      1024
#define LOAD_REQ_MAX       (LOAD_PATH_MAX + 512)
#define LOAD_HEAD_MAX      (16 * 1024) /* response status line and headers */
#define LOAD_DISCARD       (64 * 1024) /* scratch buffer for response bodies */
#define LOAD_BODY_MAX      (64ull * 1024 * 1024)
#define LOAD_IO_TIMEOUT_MS 1000 /* connect() and send() on a blocking socket */
#define LOAD_POLL_MAX_MS   100

/*
 * Log-linear histogram of nanoseconds: values below 2^(SUB_BITS+1) have their own bucket;
 * above that, each power of two is split into 2^SUB_BITS buckets.
 */
#define HIST_SUB_BITS 7
#define HIST_SUB      (1u << HIST_SUB_BITS)
#define HIST_MAX_EXP  40 /* 2^(40+8) ns is days: far beyond any run */
#define HIST_BUCKETS  ((HIST_MAX_EXP + 2) * HIST_SUB)

struct hist {
    uint64_t count[HIST_BUCKETS];
    uint64_t total;
    uint64_t max;
};

struct load_opts {
    unsigned port;
    const char *path;
    unsigned connections;
    unsigned threads;
    unsigned duration_s;
    unsigned warmup_ms;
    unsigned expect_status;
    const char *bearer; /* Authorization: Bearer, or NULL */
};

/* One keep-alive connection and the request in flight on it. */
struct load_conn {
    int fd;
    uint64_t sent_ns;
    size_t head_len;     /* bytes of status line and headers received so far */
    uint64_t body_left;  /* body bytes still expected, once the headers are in */
    uint64_t resp_bytes; /* bytes of the current response, headers included */
    bool in_body;
    bool close_after; /* the server said Connection: close */
    unsigned status;
    char head[LOAD_HEAD_MAX];
};

struct load_stats {
    struct hist hist;
    uint64_t completed;  /* every response, the warm-up's included */
    uint64_t ok;         /* responses with the expected status */
    uint64_t other;      /* responses with any other status */
    uint64_t errors;     /* connect, send, receive or parse failures */
    uint64_t reconnects; /* reopenings after the first connect of each connection */
    uint64_t resp_bytes;
};

struct load_thread {
    pthread_t tid;
    const struct load_opts *opts;
    unsigned nconns;
    uint64_t record_from_ns; /* responses before this (the warm-up) are not counted */
    uint64_t stop_ns;
    const char *request;
    size_t request_len;
    struct load_conn *conns;
    struct load_stats stats;
    char discard[LOAD_DISCARD];
};

static uint64_t load_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned hist_bucket(uint64_t v)
{
    if (v < 2 * HIST_SUB)
        return (unsigned)v;
    unsigned bits = 64u - (unsigned)__builtin_clzll(v); /* v >= 256, so bits >= 9 */
    unsigned shift = bits - (HIST_SUB_BITS + 1);
    if (shift > HIST_MAX_EXP)
        return HIST_BUCKETS - 1;
    unsigned mantissa = (unsigned)(v >> shift); /* in [HIST_SUB, 2 * HIST_SUB) */
    return (shift + 1) * HIST_SUB + (mantissa - HIST_SUB);
}

/* The middle of a bucket's range, in nanoseconds. */
static double hist_value(unsigned idx)
{
    if (idx < 2 * HIST_SUB)
        return (double)idx;
    unsigned shift = idx / HIST_SUB - 1;
    uint64_t lo = (uint64_t)(HIST_SUB + idx % HIST_SUB) << shift;
    uint64_t width = (uint64_t)1 << shift;
    return (double)lo + (double)width / 2.0;
}

static void hist_add(struct hist *h, uint64_t v)
{
    h->count[hist_bucket(v)]++;
    h->total++;
    if (v > h->max)
        h->max = v;
}

static void hist_merge(struct hist *dst, const struct hist *src)
{
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        dst->count[i] += src->count[i];
    dst->total += src->total;
    if (src->max > dst->max)
        dst->max = src->max;
}

/* The q-quantile (0 < q <= 1), in nanoseconds; 0 for an empty histogram. */
static double hist_quantile(const struct hist *h, double q)
{
    if (h->total == 0)
        return 0.0;
    uint64_t rank = (uint64_t)(q * (double)h->total + 0.5);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= rank) {
            double v = hist_value(i);
            return v > (double)h->max ? (double)h->max : v;
        }
    }
    return (double)h->max;
}

static void load_close(struct load_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Connects to 127.0.0.1:port and registers the socket; false on failure. */
static bool load_connect(struct load_conn *c, int epfd, unsigned port)
{
    load_close(c);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    /* On Linux SO_SNDTIMEO also bounds connect(), so a full backlog cannot hang us. */
    struct timeval tv = {LOAD_IO_TIMEOUT_MS / 1000, (LOAD_IO_TIMEOUT_MS % 1000) * 1000};
    int one = 1;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        connect(fd, (const struct sockaddr *)&sin, sizeof sin) != 0) {
        close(fd);
        return false;
    }
    int fl = fcntl(fd, F_GETFL);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        return false;
    }
    c->fd = fd;
    return true;
}

/* Sends the request; the socket buffer is empty, so a short request goes out whole. */
static bool load_send(struct load_thread *t, struct load_conn *c)
{
    c->head_len = 0;
    c->body_left = 0;
    c->resp_bytes = 0;
    c->in_body = false;
    c->close_after = false;
    c->status = 0;
    c->sent_ns = load_now_ns();
    ssize_t n = send(c->fd, t->request, t->request_len, MSG_NOSIGNAL);
    return n == (ssize_t)t->request_len;
}

/* Parses a decimal unsigned integer of at most 19 digits, ending at a CR or space. */
static bool load_parse_u64(const char *s, const char *end, uint64_t *out)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    uint64_t v = 0;
    unsigned digits = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (++digits > 19)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        s++;
    }
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (digits == 0 || s != end)
        return false;
    *out = v;
    return true;
}

static bool load_header_is(const char *line, size_t len, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    *value = line + n + 1;
    return true;
}

/*
 * Parses the status line and headers in c->head[0..end), where end is just past the blank
 * line. Only Content-Length bodies are supported: libmicrohttpd sends one for buffer
 * responses, which is what every benchmarked route answers.
 */
static bool load_parse_head(struct load_conn *c, size_t end)
{
    const char *p = c->head, *stop = c->head + end;
    const char *eol = memchr(p, '\r', (size_t)(stop - p));
    if (eol == NULL || eol - p < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
        return false;
    uint64_t status;
    if (!load_parse_u64(p + 9, p + 12, &status) || status < 100 || status > 599)
        return false;
    c->status = (unsigned)status;
    bool have_length = false;
    for (p = eol + 2; p < stop; p = eol + 2) {
        eol = memchr(p, '\r', (size_t)(stop - p));
        if (eol == NULL || eol == p)
            break;
        size_t len = (size_t)(eol - p);
        const char *v;
        if (load_header_is(p, len, "Content-Length", &v)) {
            if (have_length || !load_parse_u64(v, eol, &c->body_left) ||
                c->body_left > LOAD_BODY_MAX)
                return false;
            have_length = true;
        } else if (load_header_is(p, len, "Transfer-Encoding", &v)) {
            return false;
        } else if (load_header_is(p, len, "Connection", &v)) {
            while (*v == ' ')
                v++;
            if ((size_t)(eol - v) >= 5 && strncasecmp(v, "close", 5) == 0)
                c->close_after = true;
        }
    }
    return have_length;
}

static const char *load_find_blank_line(const char *s, size_t len)
{
    for (size_t i = 3; i < len; i++) {
        if (s[i] == '\n' && s[i - 1] == '\r' && s[i - 2] == '\n' && s[i - 3] == '\r')
            return s + i + 1;
    }
    return NULL;
}

enum load_step { LOAD_MORE, LOAD_DONE, LOAD_FAIL };

/* Reads what is available; LOAD_DONE once the whole response is in. */
static enum load_step load_read(struct load_thread *t, struct load_conn *c)
{
    for (unsigned spins = 0; spins < 1024; spins++) {
        char *dst;
        size_t room;
        if (!c->in_body) {
            dst = c->head + c->head_len;
            room = sizeof c->head - c->head_len;
            if (room == 0)
                return LOAD_FAIL; /* headers larger than we accept */
        } else {
            dst = t->discard;
            room = c->body_left < sizeof t->discard ? (size_t)c->body_left : sizeof t->discard;
        }
        ssize_t n = recv(c->fd, dst, room, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return LOAD_MORE;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return LOAD_FAIL; /* error, or the server closed mid-response */
        c->resp_bytes += (uint64_t)n;
        if (c->in_body) {
            c->body_left -= (uint64_t)n;
        } else {
            c->head_len += (size_t)n;
            const char *body = load_find_blank_line(c->head, c->head_len);
            if (body == NULL)
                continue;
            size_t head_end = (size_t)(body - c->head);
            if (!load_parse_head(c, head_end))
                return LOAD_FAIL;
            size_t extra = c->head_len - head_end;
            if (extra > c->body_left)
                return LOAD_FAIL; /* bytes after the response: we never pipeline */
            c->body_left -= extra;
            c->in_body = true;
        }
        if (c->in_body && c->body_left == 0)
            return LOAD_DONE;
    }
    return LOAD_MORE;
}

/* Opens (or reopens) a connection and sends a request on it; counts a failure. */
static void load_restart(struct load_thread *t, struct load_conn *c, int epfd)
{
    t->stats.reconnects++;
    if (!load_connect(c, epfd, t->opts->port) || !load_send(t, c)) {
        t->stats.errors++;
        load_close(c);
    }
}

static void load_complete(struct load_thread *t, struct load_conn *c, uint64_t now)
{
    t->stats.completed++;
    if (now < t->record_from_ns)
        return;
    if (c->status == t->opts->expect_status) {
        t->stats.ok++;
        hist_add(&t->stats.hist, now - c->sent_ns);
    } else {
        t->stats.other++;
    }
    t->stats.resp_bytes += c->resp_bytes;
}

static void *load_thread_main(void *arg)
{
    struct load_thread *t = arg;
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        t->stats.errors++;
        return NULL;
    }
    for (unsigned i = 0; i < t->nconns; i++) {
        struct load_conn *c = &t->conns[i];
        c->fd = -1;
        if (!load_connect(c, epfd, t->opts->port) || !load_send(t, c)) {
            t->stats.errors++;
            load_close(c);
        }
    }
    struct epoll_event evs[64];
    uint64_t now = load_now_ns();
    while (now < t->stop_ns) {
        uint64_t left_ms = (t->stop_ns - now + 999999) / 1000000;
        int timeout = left_ms < LOAD_POLL_MAX_MS ? (int)left_ms : LOAD_POLL_MAX_MS;
        int n = epoll_wait(epfd, evs, (int)(sizeof evs / sizeof evs[0]), timeout);
        if (n < 0 && errno != EINTR) {
            t->stats.errors++;
            break;
        }
        for (int i = 0; i < n; i++) {
            struct load_conn *c = evs[i].data.ptr;
            enum load_step st = load_read(t, c);
            if (st == LOAD_MORE)
                continue;
            now = load_now_ns();
            if (st == LOAD_FAIL) {
                if (now >= t->record_from_ns)
                    t->stats.errors++;
                load_close(c);
                if (now < t->stop_ns)
                    load_restart(t, c, epfd);
                continue;
            }
            load_complete(t, c, now);
            if (now >= t->stop_ns)
                continue;
            if (c->close_after)
                load_restart(t, c, epfd);
            else if (!load_send(t, c)) {
                t->stats.errors++;
                load_close(c);
                load_restart(t, c, epfd);
            }
        }
        /* Connections that failed to reopen are retried here, at most once per poll. */
        now = load_now_ns();
        for (unsigned i = 0; i < t->nconns && now < t->stop_ns; i++) {
            if (t->conns[i].fd < 0)
                load_restart(t, &t->conns[i], epfd);
        }
    }
    for (unsigned i = 0; i < t->nconns; i++)
        load_close(&t->conns[i]);
    close(epfd);
    return NULL;
}

static void load_usage(FILE *f)
{
    fputs("usage: http_load --port PORT [--path /healthz] [--connections 32] [--threads 2]\n"
          "                 [--duration 5] [--warmup-ms 1000] [--expect-status 200]\n"
          "                 [--bearer TOKEN]\n"
          "\n"
          "Closed-loop HTTP/1.1 keep-alive GET load against 127.0.0.1:PORT (loopback only).\n"
          "Prints one key=value line: requests per second and latency percentiles in\n"
          "microseconds over the measured period (after the warm-up); completed= counts\n"
          "every response, the warm-up's included, to divide the server's CPU time by.\n"
          "--bearer sends Authorization: Bearer TOKEN (letters, digits, '_' and '-').\n",
          f);
}

static bool load_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    if (s == NULL || *s == '\0')
        return false;
    uint64_t v;
    if (!load_parse_u64(s, s + strlen(s), &v) || v < min || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

static bool load_path_valid(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n >= LOAD_PATH_MAX || p[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch <= 0x20 || ch >= 0x7f)
            return false;
    }
    return true;
}

static bool load_parse_args(int argc, char **argv, struct load_opts *o)
{
    *o = (struct load_opts){.port = 0,
                            .path = "/healthz",
                            .connections = 32,
                            .threads = 2,
                            .duration_s = 5,
                            .warmup_ms = 1000,
                            .expect_status = 200};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok;
        if (strcmp(a, "--port") == 0)
            ok = load_parse_uint(v, 1, 65535, &o->port);
        else if (strcmp(a, "--path") == 0) {
            ok = v != NULL && load_path_valid(v);
            if (ok)
                o->path = v;
        } else if (strcmp(a, "--connections") == 0)
            ok = load_parse_uint(v, 1, LOAD_CONNS_MAX, &o->connections);
        else if (strcmp(a, "--threads") == 0)
            ok = load_parse_uint(v, 1, LOAD_THREADS_MAX, &o->threads);
        else if (strcmp(a, "--duration") == 0)
            ok = load_parse_uint(v, 1, LOAD_DURATION_MAX, &o->duration_s);
        else if (strcmp(a, "--warmup-ms") == 0)
            ok = load_parse_uint(v, 0, LOAD_WARMUP_MAX_MS, &o->warmup_ms);
        else if (strcmp(a, "--expect-status") == 0)
            ok = load_parse_uint(v, 100, 599, &o->expect_status);
        else if (strcmp(a, "--bearer") == 0) {
            ok = v != NULL && *v != '\0' && strlen(v) < 200 &&
                 strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
                     strlen(v);
            if (ok)
                o->bearer = v;
        } else {
            fprintf(stderr, "http_load: unknown option %s\n", a);
            return false;
        }
        if (!ok) {
            fprintf(stderr, "http_load: bad or missing value for %s\n", a);
            return false;
        }
        i++;
    }
    if (o->port == 0) {
        fputs("http_load: --port is required\n", stderr);
        return false;
    }
    if (o->threads > o->connections)
        o->threads = o->connections;
    return true;
}

static void load_report(const struct load_opts *o, const struct load_stats *s, double secs)
{
    const struct hist *h = &s->hist;
    double rps = secs > 0 ? (double)s->ok / secs : 0.0;
    double avg_bytes =
        s->ok + s->other > 0 ? (double)s->resp_bytes / (double)(s->ok + s->other) : 0.0;
    printf("path=%s connections=%u threads=%u duration_s=%.3f requests=%llu rps=%.1f "
           "p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f unexpected_status=%llu "
           "errors=%llu reconnects=%llu resp_bytes=%.0f completed=%llu\n",
           o->path, o->connections, o->threads, secs, (unsigned long long)s->ok, rps,
           hist_quantile(h, 0.50) / 1e3, hist_quantile(h, 0.90) / 1e3, hist_quantile(h, 0.99) / 1e3,
           hist_quantile(h, 0.999) / 1e3, (double)h->max / 1e3, (unsigned long long)s->other,
           (unsigned long long)s->errors, (unsigned long long)s->reconnects, avg_bytes,
           (unsigned long long)s->completed);
}

int main(int argc, char **argv)
{
    struct load_opts o;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        load_usage(stdout);
        return 0;
    }
    if (!load_parse_args(argc, argv, &o)) {
        load_usage(stderr);
        return 2;
    }
    char request[LOAD_REQ_MAX];
    int rl = snprintf(request, sizeof request,
                      "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUser-Agent: aicos-http-load\r\n"
                      "Accept: */*\r\n%s%s%s\r\n",
                      o.path, o.port, o.bearer ? "Authorization: Bearer " : "",
                      o.bearer ? o.bearer : "", o.bearer ? "\r\n" : "");
    if (rl < 0 || (size_t)rl >= sizeof request)
        return 2;
    signal(SIGPIPE, SIG_IGN);

    struct load_thread *threads = calloc(o.threads, sizeof *threads);
    struct load_conn *conns = calloc(o.connections, sizeof *conns);
    if (threads == NULL || conns == NULL) {
        fputs("http_load: out of memory\n", stderr);
        free(threads);
        free(conns);
        return 1;
    }
    uint64_t start = load_now_ns();
    uint64_t record_from = start + (uint64_t)o.warmup_ms * 1000000u;
    uint64_t stop = record_from + (uint64_t)o.duration_s * 1000000000u;
    unsigned next = 0, started = 0;
    for (unsigned i = 0; i < o.threads; i++) {
        struct load_thread *t = &threads[i];
        t->opts = &o;
        t->nconns = o.connections / o.threads + (i < o.connections % o.threads ? 1u : 0u);
        t->conns = &conns[next];
        next += t->nconns;
        t->record_from_ns = record_from;
        t->stop_ns = stop;
        t->request = request;
        t->request_len = (size_t)rl;
        if (pthread_create(&t->tid, NULL, load_thread_main, t) != 0) {
            fputs("http_load: cannot start a thread\n", stderr);
            break;
        }
        started++;
    }
    struct load_stats *total = calloc(1, sizeof *total);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(threads[i].tid, NULL);
        if (total == NULL)
            continue;
        hist_merge(&total->hist, &threads[i].stats.hist);
        total->completed += threads[i].stats.completed;
        total->ok += threads[i].stats.ok;
        total->other += threads[i].stats.other;
        total->errors += threads[i].stats.errors;
        total->reconnects += threads[i].stats.reconnects;
        total->resp_bytes += threads[i].stats.resp_bytes;
    }
    int rc = 1;
    if (total != NULL && started == o.threads) {
        uint64_t end = load_now_ns();
        double secs = (double)((end < stop ? end : stop) - record_from) / 1e9;
        load_report(&o, total, secs);
        rc = total->ok > 0 && total->other == 0 ? 0 : 1;
    }
    free(total);
    free(conns);
    free(threads);
    return rc;
}
