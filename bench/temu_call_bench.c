/*
 * temu_call_bench: signed Temu calls per second through the src/temu client against a local
 * temu-sandbox over loopback, against plain unsigned libcurl POSTs of the same (pre-signed,
 * byte-identical) request body to the same sandbox as the in-run reference.
 *
 *   temu_call_bench [seconds-per-phase] [--sandbox PATH]     (default 2; PATH defaults to
 *                                                              ../temu-sandbox beside bench/)
 *
 * It starts the sandbox itself on a free 127.0.0.1 port with --rate-limit 0, mints a seller
 * token through the sandbox's loopback admin API, then runs client, reference, client,
 * reference (closed loop, one thread, keep-alive in both) and prints calls per second, µs per
 * call and the ratio. The client's own rate limiter (a policy, at most 1000/s) is kept in the
 * path but fed a clock that advances one second per read, so it never waits: what is measured
 * is the cost of building, signing, sending and parsing. Loopback only; bounded run.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/parse.h"
#include "temu/client.h"
#include "temu/sign.h"

extern char **environ;

#define BENCH_TYPE       "bg.order.list.v2.get"
#define BENCH_PAGE_SIZE  10
#define BENCH_MAX_SECS   60
#define BENCH_START_MS   10000
#define BENCH_KEY_MAX    128
#define BENCH_ANSWER_MAX (4 * 1024 * 1024)

struct sandbox {
    pid_t pid;
    unsigned port;
    char app_key[BENCH_KEY_MAX], app_secret[BENCH_KEY_MAX], token[BENCH_KEY_MAX];
};

static unsigned bench_free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Copies the value after "name=" up to a space or newline into dst. */
static void bench_field(const char *text, const char *name, char *dst, size_t len)
{
    const char *p = strstr(text, name);
    dst[0] = '\0';
    if (p != NULL) {
        p += strlen(name);
        snprintf(dst, len, "%.*s", (int)strcspn(p, " \r\n"), p);
    }
}

/* Starts the sandbox and waits for its "listening" line; false with a message if it fails. */
static bool bench_sandbox_start(const char *path, struct sandbox *s)
{
    int pfd[2];
    char listen[64], out[4096] = "";
    size_t used = 0;
    posix_spawn_file_actions_t fa;
    s->port = bench_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", s->port);
    char *argv[] = {(char *)path, (char *)"--listen", listen,      (char *)"--rate-limit",
                    (char *)"0",  (char *)"--seed",   (char *)"1", NULL};
    if (s->port == 0 || pipe(pfd) != 0)
        return false;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    int rc = posix_spawn(&s->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        fprintf(stderr, "temu_call_bench: cannot start %s: %s\n", path, strerror(rc));
        close(pfd[0]);
        return false;
    }
    uint64_t deadline = clock_mono_ns() + (uint64_t)BENCH_START_MS * 1000000u;
    while (strstr(out, "listening") == NULL && clock_mono_ns() < deadline &&
           used + 1 < sizeof out) {
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(pfd[0], out + used, sizeof out - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        out[used] = '\0';
    }
    close(pfd[0]);
    bench_field(out, "app_key=", s->app_key, sizeof s->app_key);
    bench_field(out, "app_secret=", s->app_secret, sizeof s->app_secret);
    if (strstr(out, "listening") == NULL || s->app_key[0] == '\0' || s->app_secret[0] == '\0') {
        fprintf(stderr, "temu_call_bench: the sandbox did not start\n");
        return false;
    }
    return true;
}

static size_t bench_sink(char *data, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    return buf_append(b, data, size * n) == ERR_OK ? size * n : 0;
}

/* One POST on a reused handle; the answer body lands in ans (reset first). */
static long bench_post(CURL *h, const char *url, const char *body, size_t len, struct buf *ans)
{
    long status = 0;
    buf_reset(ans);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ans);
    if (curl_easy_perform(h) != CURLE_OK)
        return 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* Mints a seller token for the dev app through the loopback admin API. */
static bool bench_token(CURL *h, struct sandbox *s)
{
    char url[96], body[BENCH_KEY_MAX + 32];
    struct buf ans = {.max = BENCH_ANSWER_MAX};
    snprintf(url, sizeof url, "http://127.0.0.1:%u/_sandbox/tokens", s->port);
    snprintf(body, sizeof body, "{\"app_key\":\"%s\"}", s->app_key);
    long st = bench_post(h, url, body, strlen(body), &ans);
    json_t *j = st == 200 ? json_loadb(ans.data, ans.len, 0, NULL) : NULL;
    const char *t = json_string_value(json_object_get(j, "accessToken"));
    snprintf(s->token, sizeof s->token, "%s", t != NULL ? t : "");
    json_decref(j);
    buf_free(&ans);
    return s->token[0] != '\0';
}

/* The rate limiter's clock: one second later at every read, so it never makes us wait. */
static uint64_t bench_mono(void *ctx)
{
    uint64_t *t = ctx;
    *t += 1000000000u;
    return *t;
}

static int64_t bench_wall(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static void bench_sleep(void *ctx, uint64_t ms)
{
    (void)ctx;
    (void)ms;
}

struct phase {
    uint64_t calls, failures, ns;
};

static void bench_client_phase(struct temu_client *c, const json_t *params, double secs,
                               struct phase *ph)
{
    uint64_t start = clock_mono_ns(), budget = (uint64_t)(secs * 1e9), now = start;
    memset(ph, 0, sizeof *ph);
    while (now - start < budget) {
        struct temu_result r = {0};
        struct temu_error te;
        if (temu_client_call(c, BENCH_TYPE, params, &r, &te) != ERR_OK)
            ph->failures++;
        temu_result_clear(&r);
        ph->calls++;
        now = clock_mono_ns();
    }
    ph->ns = now - start;
}

static void bench_ref_phase(CURL *h, const char *url, const struct buf *body, double secs,
                            struct phase *ph)
{
    struct buf ans = {.max = BENCH_ANSWER_MAX};
    uint64_t start = clock_mono_ns(), budget = (uint64_t)(secs * 1e9), now = start;
    memset(ph, 0, sizeof *ph);
    while (now - start < budget) {
        if (bench_post(h, url, body->data, body->len, &ans) != 200 ||
            memmem(ans.data, ans.len, "\"success\":true", 14) == NULL)
            ph->failures++;
        ph->calls++;
        now = clock_mono_ns();
    }
    ph->ns = now - start;
    buf_free(&ans);
}

static void bench_print(const char *name, const struct phase *ph)
{
    double per_s = (double)ph->calls / ((double)ph->ns / 1e9);
    printf("  %-28s %8llu calls %10.0f calls/s %8.1f us/call  failures %llu\n", name,
           (unsigned long long)ph->calls, per_s, 1e6 / per_s, (unsigned long long)ph->failures);
}

static double bench_rate(const struct phase *ph)
{
    return (double)ph->calls / ((double)ph->ns / 1e9);
}

int main(int argc, char **argv)
{
    double secs = 2;
    char path[PATH_MAX] = "", url[96];
    struct sandbox s = {0};
    struct temu_client *client = NULL;
    struct buf body = {.max = 1 << 20};
    struct errbuf eb = {0};
    json_t *params = NULL, *full = NULL;
    CURL *h = NULL;
    int rc = 1;
    uint64_t fake_mono = 0;
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (strcmp(argv[i], "--sandbox") == 0 && i + 1 < argc)
            snprintf(path, sizeof path, "%s", argv[++i]);
        else if (parse_int64(argv[i], 1, BENCH_MAX_SECS, &v) == ERR_OK)
            secs = (double)v;
        else {
            fprintf(stderr, "usage: temu_call_bench [seconds 1-%d] [--sandbox PATH]\n",
                    BENCH_MAX_SECS);
            return 2;
        }
    }
    if (path[0] == '\0') {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL)
            *slash = '\0';
        snprintf(path, sizeof path, "%.*s/../temu-sandbox", (int)(sizeof path - 20), self);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (h == NULL || hdrs == NULL)
        goto out;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* the same request headers as the client */
    if (!bench_sandbox_start(path, &s) || !bench_token(h, &s)) {
        fprintf(stderr, "temu_call_bench: sandbox set-up failed (%s)\n", path);
        goto out;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%u/openapi/router", s.port);

    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = url;
    o.allow_http = true;
    o.app_key = s.app_key;
    o.app_secret = s.app_secret;
    o.access_token = s.token;
    o.max_retries = 0;
    o.rate = 1000;
    o.mono_clock = bench_mono;
    o.wall_clock = bench_wall;
    o.sleep = bench_sleep;
    o.clock_ctx = &fake_mono;
    if (temu_client_new(&o, &client, &eb) != ERR_OK) {
        fprintf(stderr, "temu_call_bench: %s\n", eb.msg);
        goto out;
    }
    params = json_pack("{s:i, s:i}", "pageNumber", 1, "pageSize", BENCH_PAGE_SIZE);
    /* The reference: the same request, signed once, posted byte for byte every time. */
    full = json_pack("{s:s, s:s, s:s, s:I, s:s, s:i, s:i}", "type", BENCH_TYPE, "app_key",
                     s.app_key, "access_token", s.token, "timestamp", (json_int_t)time(NULL),
                     "data_type", "JSON", "pageNumber", 1, "pageSize", BENCH_PAGE_SIZE);
    if (params == NULL || full == NULL ||
        temu_sign_body(full, s.app_secret, strlen(s.app_secret), &body, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "temu_call_bench: cannot build the request: %s\n", eb.msg);
        goto out;
    }

    struct phase warm, c1, r1, c2, r2;
    bench_client_phase(client, params, 0.2, &warm);
    bench_ref_phase(h, url, &body, 0.2, &warm);
    if (warm.failures > 0) {
        fprintf(stderr, "temu_call_bench: the reference request fails\n");
        goto out;
    }
    printf("temu_call_bench: %s (page size %d), %.0f s per phase, loopback sandbox\n", BENCH_TYPE,
           BENCH_PAGE_SIZE, secs);
    bench_client_phase(client, params, secs, &c1);
    bench_ref_phase(h, url, &body, secs, &r1);
    bench_client_phase(client, params, secs, &c2);
    bench_ref_phase(h, url, &body, secs, &r2);
    bench_print("client (sign+send+parse) #1", &c1);
    bench_print("reference libcurl POST #1", &r1);
    bench_print("client (sign+send+parse) #2", &c2);
    bench_print("reference libcurl POST #2", &r2);
    double cr = (bench_rate(&c1) + bench_rate(&c2)) / 2,
           rr = (bench_rate(&r1) + bench_rate(&r2)) / 2;
    printf("  client %.0f calls/s, reference %.0f calls/s: client/reference = %.2f "
           "(client overhead %.1f us/call)\n",
           cr, rr, cr / rr, 1e6 / cr - 1e6 / rr);
    rc = c1.failures + c2.failures + r1.failures + r2.failures == 0 ? 0 : 1;
out:
    temu_client_free(client);
    json_decref(params);
    json_decref(full);
    buf_free(&body);
    if (h != NULL)
        curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    if (s.pid > 0) {
        kill(s.pid, SIGTERM);
        waitpid(s.pid, NULL, 0);
    }
    curl_global_cleanup();
    return rc;
}
