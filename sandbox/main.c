/*
 * temu-sandbox: a faithful local emulator of the Temu Open Platform for tests and `make run`.
 * See docs/sandbox.md for the flags, the routes and the admin API.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "fault.h"
#include "gateway.h"
#include "ratelimit.h"
#include "sbx_args.h"
#include "sbx_limits.h"
#include "vclock.h"
#include "web.h"
#include "webhook.h"
#include "world.h"

#define MAIN_FAULT_FLAGS_MAX 16

struct main_opts {
    char host[64];
    unsigned port;
    struct world_opts world;
    const char *apps_file;
    long long rate_limit;
    bool http429;
    const char *faults[MAIN_FAULT_FLAGS_MAX];
    size_t nfaults;
    uint64_t fault_seed;
    long long activity;
    long long latency_ms; /* steady latency of every request; 0: none */
    const char *webhook_url;
    const char *webhook_app;
    double webhook_scale;
};

static const char main_usage[] =
    "usage: temu-sandbox [--listen HOST:PORT] [--seed N] [options]\n"
    "\n"
    "A local emulator of the Temu Open Platform gateway (POST /openapi/router), its Seller\n"
    "Center authorization page and a loopback-only admin API under /_sandbox/.\n"
    "\n"
    "  --listen HOST:PORT     IPv4 address and port (default 127.0.0.1:8081)\n"
    "  --seed N               seed of the generated data and of fault draws (default 1)\n"
    "  --epoch UNIX_SECONDS   generated times lie in the 90 days before it (default: today 00:00 "
    "UTC)\n"
    "  --shops N              shops (malls), 1-64 (default 2)\n"
    "  --orders N             parent orders per shop (default 120)\n"
    "  --products N           products per shop (default 40)\n"
    "  --aftersales N         after-sales cases per shop (default 20)\n"
    "  --incident-rate PCT    percent of orders shipped late, parcels stalled or lost (default\n"
    "                         0: a healthy shop's few percent; raise it for tests)\n"
    "  --apps FILE            JSON [{\"app_key\",\"app_secret\",\"scopes\":[types]}]; without it "
    "a\n"
    "                         development app with every scope is created and printed\n"
    "  --rate-limit N         requests per second per app key, 0 = off (default 20)\n"
    "  --rate-limit-http429   answer rate-limited calls with HTTP 429 (default HTTP 200)\n"
    "  --fault KIND[:P[:X]]   inject a fault with probability P (default 1): latency (X ms),\n"
    "                         reset, http (X = 5xx status), system, malformed, truncated;\n"
    "                         repeatable\n"
    "  --fault-seed N         seed of the fault draws (default: --seed)\n"
    "  --latency-ms N         steady latency of every request, N ms (= --fault latency:1:N)\n"
    "  --activity RATE        live events (new orders, status changes) per second (default 0)\n"
    "  --webhook-url URL      push events to http://IPv4:PORT/PATH\n"
    "  --webhook-app KEY      app whose secret encrypts and signs pushes (default: first app)\n"
    "  --webhook-scale F      multiply the retry schedule by F (default 1)\n"
    "  --help                 this text\n";

static int main_bad(const char *msg, const char *arg)
{
    fprintf(stderr, "temu-sandbox: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "run temu-sandbox --help for the flags\n");
    return 2;
}

static bool main_int(const char *s, long long lo, long long hi, long long *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool main_listen(const char *s, struct main_opts *o)
{
    const char *colon = strrchr(s, ':');
    long long port;
    if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof o->host ||
        !main_int(colon + 1, 1, 65535, &port))
        return false;
    memcpy(o->host, s, (size_t)(colon - s));
    o->host[colon - s] = '\0';
    o->port = (unsigned)port;
    return true;
}

/* One of the generated world's flags: -1 when taken, -2 when f is no world flag, else an exit
 * status for a bad value. */
static int main_world_flag(const char *f, const char *val, struct world_opts *w)
{
    long long v;
    if (strcmp(f, "--seed") == 0) {
        if (!main_int(val, 0, INT64_MAX, &v))
            return main_bad("--seed wants a non-negative integer", val);
        w->seed = (uint64_t)v;
    } else if (strcmp(f, "--epoch") == 0) {
        if (!main_int(val, 946684800LL, 4102444800LL, &v))
            return main_bad("--epoch wants unix seconds between 2000 and 2100", val);
        w->epoch = v;
    } else if (strcmp(f, "--shops") == 0) {
        if (!main_int(val, 1, SBX_SHOPS_MAX, &v))
            return main_bad("--shops wants 1 to 64", val);
        w->shops = (int)v;
    } else if (strcmp(f, "--orders") == 0) {
        if (!main_int(val, 0, SBX_ORDERS_MAX / 2, &v))
            return main_bad("--orders wants 0 to 100000 per shop", val);
        w->orders = (int)v;
    } else if (strcmp(f, "--products") == 0) {
        if (!main_int(val, 1, SBX_PRODUCTS_MAX, &v))
            return main_bad("--products wants 1 to 100000 per shop", val);
        w->products = (int)v;
    } else if (strcmp(f, "--aftersales") == 0) {
        if (!main_int(val, 0, SBX_AFTERSALES_MAX, &v))
            return main_bad("--aftersales wants 0 to 100000 per shop", val);
        w->aftersales = (int)v;
    } else if (strcmp(f, "--incident-rate") == 0) {
        if (!main_int(val, 0, 100, &v))
            return main_bad("--incident-rate wants 0 to 100 percent", val);
        w->incidents = (int)v;
    } else {
        return -2;
    }
    return -1;
}

/* Parses argv; returns -1 to go on, else an exit status. */
static int main_parse(int argc, char **argv, struct main_opts *o)
{
    snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->port = 8081;
    o->world = (struct world_opts){1, 2, 120, 40, 20, 0, 0};
    o->rate_limit = 20;
    o->webhook_scale = 1.0;
    bool fault_seed_set = false;
    long long v;
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
            fputs(main_usage, stdout);
            return 0;
        }
        if (strcmp(f, "--rate-limit-http429") == 0) {
            o->http429 = true;
            continue;
        }
        if (strncmp(f, "--", 2) != 0)
            return main_bad("unexpected argument", f);
        if (val == NULL)
            return main_bad("missing value for", f);
        i++;
        if (strcmp(f, "--listen") == 0) {
            if (!main_listen(val, o))
                return main_bad("--listen wants HOST:PORT with a port 1-65535", val);
        } else if ((rc = main_world_flag(f, val, &o->world)) != -2) {
            if (rc >= 0)
                return rc;
        } else if (strcmp(f, "--apps") == 0) {
            o->apps_file = val;
        } else if (strcmp(f, "--rate-limit") == 0) {
            if (!main_int(val, 0, 1000000, &o->rate_limit))
                return main_bad("--rate-limit wants 0 (off) to 1000000", val);
        } else if (strcmp(f, "--fault") == 0) {
            if (o->nfaults >= MAIN_FAULT_FLAGS_MAX)
                return main_bad("too many --fault flags", val);
            o->faults[o->nfaults++] = val;
        } else if (strcmp(f, "--fault-seed") == 0) {
            if (!main_int(val, 0, INT64_MAX, &v))
                return main_bad("--fault-seed wants a non-negative integer", val);
            o->fault_seed = (uint64_t)v;
            fault_seed_set = true;
        } else if (strcmp(f, "--latency-ms") == 0) {
            if (!main_int(val, 1, SBX_LATENCY_MAX_MS, &o->latency_ms))
                return main_bad("--latency-ms wants 1 to 60000 milliseconds", val);
        } else if (strcmp(f, "--activity") == 0) {
            if (!main_int(val, 0, SBX_ACTIVITY_RATE_MAX, &o->activity))
                return main_bad("--activity wants 0 to 1000 events per second", val);
        } else if (strcmp(f, "--webhook-url") == 0) {
            o->webhook_url = val;
        } else if (strcmp(f, "--webhook-app") == 0) {
            o->webhook_app = val;
        } else if (strcmp(f, "--webhook-scale") == 0) {
            char *end = NULL;
            errno = 0;
            o->webhook_scale = strtod(val, &end);
            if (errno != 0 || *end != '\0' || !(o->webhook_scale > 0.0))
                return main_bad("--webhook-scale wants a positive number", val);
        } else {
            return main_bad("unknown flag", f);
        }
    }
    if ((long long)o->world.shops * o->world.orders > SBX_ORDERS_MAX / 2)
        return main_bad("--shops times --orders must stay within 100000", NULL);
    if ((long long)o->world.shops * o->world.products > SBX_PRODUCTS_MAX ||
        (long long)o->world.shops * o->world.aftersales > SBX_AFTERSALES_MAX)
        return main_bad("--shops times --products or --aftersales is over 100000", NULL);
    if (o->world.epoch == 0)
        o->world.epoch = (int64_t)time(NULL) / 86400 * 86400;
    if (!fault_seed_set)
        o->fault_seed = o->world.seed;
    return -1;
}

/* Loads the apps (the file, or the printed development app) and the --fault rules. */
static bool main_load(struct auth *auth, struct fault *fault, const struct main_opts *o, char *err,
                      size_t errlen)
{
    if (o->apps_file != NULL) {
        if (!auth_load_apps(auth, o->apps_file, err, errlen))
            return false;
    } else {
        size_t n;
        const char *const *types = gateway_types(&n);
        const struct auth_app *dev = auth_add_default_app(auth, types, n);
        printf("temu-sandbox dev app: app_key=%s app_secret=%s\n", dev->key, dev->secret);
    }
    for (size_t i = 0; i < o->nfaults; i++)
        if (!fault_add_spec(fault, o->faults[i], err, errlen))
            return false;
    char steady[48]; /* --latency-ms N is the fault latency:1:N, every request */
    snprintf(steady, sizeof steady, "latency:1:%lld", o->latency_ms);
    return o->latency_ms == 0 || fault_add_spec(fault, steady, err, errlen);
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
    struct auth *auth = NULL;
    struct world *world = NULL;
    struct fault *fault = NULL;
    struct ratelimit *rl = NULL;
    struct gateway *gw = NULL;
    struct webhook *wh = NULL;
    struct web *web = NULL;

    sigset_t stop_set;
    sbx_block_stop_signals(&stop_set);

    if (sodium_init() < 0) {
        fprintf(stderr, "temu-sandbox: libsodium failed to start\n");
        goto out;
    }
    auth = auth_new();
    fault = fault_new(o.fault_seed);
    rl = ratelimit_new((int)o.rate_limit, o.http429);
    if (auth == NULL || fault == NULL || rl == NULL) {
        fprintf(stderr, "temu-sandbox: out of memory\n");
        goto out;
    }
    if (!main_load(auth, fault, &o, err, sizeof err)) {
        rc = main_bad(err, NULL);
        goto out;
    }
    world = world_new(&o.world, err, sizeof err);
    if (world == NULL) {
        fprintf(stderr, "temu-sandbox: %s\n", err);
        goto out;
    }
    gw = gateway_new(auth, world, rl);
    wh = webhook_new(auth, o.webhook_scale);
    if (gw == NULL || wh == NULL) {
        fprintf(stderr, "temu-sandbox: out of memory\n");
        goto out;
    }
    if (o.webhook_url != NULL &&
        !webhook_configure(wh, o.webhook_url, o.webhook_app, o.webhook_scale, err, sizeof err)) {
        rc = main_bad(err, NULL);
        goto out;
    }
    world_set_listener(world, webhook_on_event, wh);
    if (o.activity > 0 && !world_activity_set(world, (int)o.activity)) {
        fprintf(stderr, "temu-sandbox: cannot start live activity\n");
        goto out;
    }
    struct web_deps deps = {auth, world, gw, fault, rl, wh};
    web = web_start(o.host, o.port, &deps, err, sizeof err);
    if (web == NULL) {
        fprintf(stderr, "temu-sandbox: %s\n", err);
        goto out;
    }
    sbx_serve_until_signal("temu-sandbox", o.host, o.port, "", &stop_set);
    rc = 0;
out:
    web_stop(web);
    if (world != NULL)
        world_activity_set(world, 0);
    webhook_free(wh);
    gateway_free(gw);
    world_free(world);
    ratelimit_free(rl);
    fault_free(fault);
    auth_free(auth);
    return rc;
}
