/*
 * track-sandbox: a local emulator of the 17TRACK v2.2 tracking API for tests and `make run`
 * (tracking-and-settlement.md Part 1). See docs/sandbox.md for the flags, the endpoints, the
 * scenarios and the admin API. It links none of aicos's code.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fault.h"
#include "../sbx_args.h"
#include "../vclock.h"
#include "carrier.h"
#include "push.h"
#include "rate.h"
#include "registry.h"
#include "server.h"
#include "tk_limits.h"

#define MAIN_FAULTS_MAX 16
#define MAIN_TICK_MS    100

struct main_opts {
    char host[64];
    unsigned port;
    struct registry_opts reg;
    const char *key_file;
    long long rate;
    bool http401;
    const char *webhook_url;
    const char *faults[MAIN_FAULTS_MAX];
    size_t nfaults;
};

static const char main_usage[] =
    "usage: track-sandbox [--listen HOST:PORT] [--seed N] [options]\n"
    "\n"
    "A local emulator of the 17TRACK v2.2 API (POST /track/v2.2/<endpoint>) with scripted\n"
    "parcels on a virtual clock, webhook pushes and a loopback-only admin API under "
    "/_sandbox/.\n"
    "\n"
    "  --listen HOST:PORT        IPv4 address and port (default 127.0.0.1:8082)\n"
    "  --seed N                  seed of the scenario choice and of fault draws (default 1)\n"
    "  --key-file F              valid 17token keys, one a line; without it a development key\n"
    "                            is made and printed as 17token=KEY\n"
    "  --quota N                 quota units of the account (default 10000)\n"
    "  --max-track-daily N       registrations per UTC day, 0 = no cap (default 0)\n"
    "  --rate-limit N            requests per second per key, 0 = off (default 3)\n"
    "  --auth-mode MODE          a wrong key: http401 (HTTP 401, default) or code (HTTP 200\n"
    "                            with code -18010002)\n"
    "  --first-event-delay S     seconds from registration to the first carrier event\n"
    "                            (default 3600)\n"
    "  --auto-stop-days N        stop after N days without an update, 0 = never (default 30)\n"
    "  --auto-stop-final-days N  stop N days after Delivered/Exception, 0 = never (default 15)\n"
    "  --webhook-url URL         push TRACKING_UPDATED/TRACKING_STOPPED to URL\n"
    "  --fault KIND[:P[:X]]      inject a fault with probability P (default 1): latency (X ms),\n"
    "                            reset, http (X = 5xx status), system = -18010003, malformed,\n"
    "                            truncated; repeatable\n"
    "  --help                    this text\n";

static int main_usage_error(const char *flag, const char *val, const char *want)
{
    return sbx_usage_error("track-sandbox", flag, val, want);
}

/* A bad flag value found after parsing (key file, fault spec, URL); returns 2. */
static int main_config_error(const char *err)
{
    fprintf(stderr, "track-sandbox: %s\n", err);
    return 2;
}

/* Parses argv; returns -1 to go on, else an exit status. */
static int main_parse(int argc, char **argv, struct main_opts *o)
{
    long long seed = 1, quota = 10000, daily = 0, delay = 3600, stop_days = 30, final_days = 15;
    o->rate = 3;
    o->http401 = true;
    const char *listen = "127.0.0.1:8082", *mode = "http401";
    const struct sbx_num nums[] = {
        {"--seed", 0, INT64_MAX, &seed},
        {"--quota", 0, INT64_MAX / 4, &quota},
        {"--max-track-daily", 0, INT64_MAX / 4, &daily},
        {"--rate-limit", 0, TK_RATE_MAX, &o->rate},
        {"--first-event-delay", 0, 30L * TK_DAY_S, &delay},
        {"--auto-stop-days", 0, 3650, &stop_days},
        {"--auto-stop-final-days", 0, 3650, &final_days},
    };
    for (int i = 1; i < argc; i += 2) {
        int step = sbx_flag_step("track-sandbox", main_usage, nums, sizeof nums / sizeof nums[0],
                                 argc, argv, i);
        if (step == SBX_FLAG_DONE)
            continue;
        if (step != SBX_FLAG_MINE)
            return step;
        const char *f = argv[i], *val = argv[i + 1];
        if (strcmp(f, "--listen") == 0) {
            listen = val;
        } else if (strcmp(f, "--auth-mode") == 0) {
            mode = val;
        } else if (strcmp(f, "--key-file") == 0) {
            o->key_file = val;
        } else if (strcmp(f, "--webhook-url") == 0) {
            o->webhook_url = val;
        } else if (strcmp(f, "--fault") == 0 && o->nfaults < MAIN_FAULTS_MAX) {
            o->faults[o->nfaults++] = val;
        } else {
            return main_usage_error(f, val, "unknown flag (or more than 16 --fault)");
        }
    }
    if (!sbx_listen_parse(listen, o->host, sizeof o->host, &o->port))
        return main_usage_error("--listen", listen, "HOST:PORT with a port 1-65535");
    if (strcmp(mode, "http401") != 0 && strcmp(mode, "code") != 0)
        return main_usage_error("--auth-mode", mode, "http401 or code");
    o->http401 = strcmp(mode, "http401") == 0;
    o->reg = (struct registry_opts){(uint64_t)seed, delay,          quota,
                                    daily,          (int)stop_days, (int)final_days};
    return -1;
}

/* Reads the keys of path, one a line (blank lines and # comments skipped). */
static bool main_keys(const char *path, char (*keys)[TK_KEY_MAX], size_t *n, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read --key-file %s: %s", path, strerror(errno));
        return false;
    }
    char line[TK_KEY_MAX + 2];
    bool ok = true;
    *n = 0;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        size_t len = strcspn(line, "\r\n");
        if (line[len] == '\0' && !feof(f)) {
            snprintf(err, errlen, "--key-file: a key is longer than %d bytes", TK_KEY_MAX - 1);
            ok = false;
        }
        line[len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (*n >= TK_KEYS_MAX || strpbrk(line, " \t") != NULL) {
            snprintf(err, errlen, "--key-file: at most %d keys without blanks", TK_KEYS_MAX);
            ok = false;
        } else {
            memcpy(keys[(*n)++], line, len + 1);
        }
    }
    fclose(f);
    if (ok && *n == 0) {
        snprintf(err, errlen, "--key-file %s holds no key", path);
        ok = false;
    }
    return ok;
}

/* The API keys: those of --key-file, or one random key printed as 17token=KEY. */
static bool main_setup_keys(const struct main_opts *o, char (*keys)[TK_KEY_MAX], size_t *nkeys,
                            char *err, size_t errlen)
{
    if (o->key_file != NULL)
        return main_keys(o->key_file, keys, nkeys, err, errlen);
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(keys[0], sizeof keys[0], raw, sizeof raw);
    for (char *p = keys[0]; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    *nkeys = 1;
    printf("17token=%s\n", keys[0]);
    return true;
}

/* The --fault specs and the --webhook-url. */
static bool main_configure(const struct main_opts *o, struct fault *fault, struct push *push,
                           char *err, size_t errlen)
{
    for (size_t i = 0; i < o->nfaults; i++) {
        if (!fault_add_spec(fault, o->faults[i], err, errlen))
            return false;
    }
    return o->webhook_url == NULL || push_configure(push, o->webhook_url, -1, -1, err, errlen);
}

static atomic_bool main_ticking;

static void *main_tick(void *arg)
{
    struct registry *r = arg;
    while (atomic_load(&main_ticking)) {
        registry_tick(r);
        vclock_sleep_ms(MAIN_TICK_MS);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct main_opts o;
    memset(&o, 0, sizeof o);
    int rc = main_parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    rc = 1;
    char err[512] = "";
    static char keys[TK_KEYS_MAX][TK_KEY_MAX];
    size_t nkeys = 0;
    struct push *push = NULL;
    struct registry *reg = NULL;
    struct rate *rate = NULL;
    struct fault *fault = NULL;
    struct server *srv = NULL;
    pthread_t ticker;
    bool ticker_on = false;

    sigset_t stop_set;
    sbx_block_stop_signals(&stop_set);
    bool curl_on = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (sodium_init() < 0 || !curl_on || !carrier_rules_init()) {
        fprintf(stderr, "track-sandbox: libsodium, libcurl or the carrier rules failed\n");
        goto out;
    }
    if (!main_setup_keys(&o, keys, &nkeys, err, sizeof err)) {
        rc = main_config_error(err);
        goto out;
    }
    push = push_new(keys[0]);
    reg = push != NULL ? registry_new(&o.reg, push) : NULL;
    rate = rate_new((int)o.rate);
    fault = fault_new(o.reg.seed);
    if (reg == NULL || rate == NULL || fault == NULL) {
        fprintf(stderr, "track-sandbox: out of memory\n");
        goto out;
    }
    if (!main_configure(&o, fault, push, err, sizeof err)) {
        rc = main_config_error(err);
        goto out;
    }
    struct server_deps deps = {reg,   push,     rate, fault, (const char(*)[TK_KEY_MAX])keys,
                               nkeys, o.http401};
    srv = server_start(o.host, o.port, &deps, err, sizeof err);
    if (srv == NULL) {
        fprintf(stderr, "track-sandbox: %s\n", err);
        goto out;
    }
    atomic_store(&main_ticking, true);
    ticker_on = pthread_create(&ticker, NULL, main_tick, reg) == 0;
    if (!ticker_on) {
        fprintf(stderr, "track-sandbox: cannot start the clock thread\n");
        goto out;
    }
    sbx_serve_until_signal("track-sandbox", o.host, o.port, "/track/v2.2/", &stop_set);
    rc = 0;
out:
    server_stop(srv);
    if (ticker_on) {
        atomic_store(&main_ticking, false);
        pthread_join(ticker, NULL);
    }
    registry_free(reg);
    push_free(push);
    rate_free(rate);
    fault_free(fault);
    carrier_rules_free();
    if (curl_on)
        curl_global_cleanup();
    return rc;
}
