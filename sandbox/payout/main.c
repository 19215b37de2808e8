/*
 * payout-sandbox: a local emulator of the Airwallex API subset the settlement import reads
 * (login, financial settlements, balance history) for tests and `make run`
 * (tracking-and-settlement.md §2.4, docs/sandbox.md). It links none of aicos's code.
 */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fault.h"
#include "../sbx_args.h"
#include "ledger.h"
#include "server.h"

#define MAIN_FAULTS_MAX 16

struct main_opts {
    char host[64];
    unsigned port;
    long long seed, payouts, shops, ttl, rate;
    const char *cred_file;
    const char *faults[MAIN_FAULTS_MAX];
    size_t nfaults;
};

static const char main_usage[] =
    "usage: payout-sandbox [--listen HOST:PORT] [--seed N] [options]\n"
    "\n"
    "A local emulator of Airwallex's login, financial settlements and balance history API\n"
    "(/api/v1/...) with deterministic data from --seed and a loopback-only admin API under\n"
    "/_sandbox/.\n"
    "\n"
    "  --listen HOST:PORT        IPv4 address and port (default 127.0.0.1:8083)\n"
    "  --seed N                  seed of the generated credits and of fault draws (default 1)\n"
    "  --payouts N               generated credits over 90 days from 2026-09-01 (default 120)\n"
    "  --shops N                 Temu shops they come from (default 3: USD, EUR, CNY)\n"
    "  --token-ttl S             seconds an access token lives (default 1800, as Airwallex)\n"
    "  --rate-limit N            API requests per second, 0 = off (default 0)\n"
    "  --credentials-file F      a line \"CLIENT_ID API_KEY\"; without it a development pair is\n"
    "                            made and printed as client_id=... api_key=...\n"
    "  --fault KIND[:P[:X]]      inject a fault with probability P (default 1): latency (X ms),\n"
    "                            reset, http (X = 5xx status), malformed, truncated, null;\n"
    "                            repeatable\n"
    "  --help                    this text\n";

static int main_usage_error(const char *flag, const char *val, const char *want)
{
    return sbx_usage_error("payout-sandbox", flag, val, want);
}

/* Parses host:port into o; -1 on success, else the exit status. */
static int main_listen(const char *listen, struct main_opts *o)
{
    if (!sbx_listen_parse(listen, o->host, sizeof o->host, &o->port))
        return main_usage_error("--listen", listen, "HOST:PORT with a port 1-65535");
    return -1;
}

static int main_parse(int argc, char **argv, struct main_opts *o)
{
    o->seed = 1;
    o->payouts = 120;
    o->shops = 3;
    o->ttl = 1800;
    const char *listen = "127.0.0.1:8083";
    const struct sbx_num nums[] = {
        {"--seed", 0, INT64_MAX, &o->seed},    {"--payouts", 0, 10000, &o->payouts},
        {"--shops", 1, 64, &o->shops},         {"--token-ttl", 1, 86400, &o->ttl},
        {"--rate-limit", 0, 100000, &o->rate},
    };
    for (int i = 1; i < argc; i += 2) {
        int step = sbx_flag_step("payout-sandbox", main_usage, nums, sizeof nums / sizeof nums[0],
                                 argc, argv, i);
        if (step == SBX_FLAG_DONE)
            continue;
        if (step != SBX_FLAG_MINE)
            return step;
        const char *f = argv[i], *val = argv[i + 1];
        if (strcmp(f, "--listen") == 0) {
            listen = val;
        } else if (strcmp(f, "--credentials-file") == 0) {
            o->cred_file = val;
        } else if (strcmp(f, "--fault") == 0 && o->nfaults < MAIN_FAULTS_MAX) {
            o->faults[o->nfaults++] = val;
        } else {
            return main_usage_error(f, val, "unknown flag (or more than 16 --fault)");
        }
    }
    return main_listen(listen, o);
}

/* The client id and API key: from --credentials-file, or a printed development pair. */
static bool main_credentials(const struct main_opts *o, struct server_deps *d)
{
    if (o->cred_file != NULL) {
        FILE *f = fopen(o->cred_file, "r");
        _Static_assert(PO_CRED_MAX == 128, "the scan widths below are PO_CRED_MAX - 1");
        bool ok = f != NULL && fscanf(f, "%127s %127s", d->client_id, d->api_key) == 2;
        if (f != NULL)
            fclose(f);
        if (!ok)
            fprintf(stderr, "payout-sandbox: --credentials-file %s: want \"CLIENT_ID API_KEY\"\n",
                    o->cred_file);
        return ok;
    }
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(d->client_id, sizeof d->client_id, raw, sizeof raw);
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(d->api_key, sizeof d->api_key, key, sizeof key);
    printf("client_id=%s\napi_key=%s\n", d->client_id, d->api_key);
    return true;
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
    struct server_deps d;
    memset(&d, 0, sizeof d);
    struct server *srv = NULL;
    sigset_t stop_set;
    sbx_block_stop_signals(&stop_set);
    if (sodium_init() < 0) {
        fprintf(stderr, "payout-sandbox: libsodium failed\n");
        goto out;
    }
    if (!main_credentials(&o, &d)) {
        rc = 2;
        goto out;
    }
    d.ledger = ledger_new((uint64_t)o.seed, (int)o.payouts, (int)o.shops);
    d.fault = fault_new((uint64_t)o.seed);
    d.token_ttl = o.ttl;
    d.rate = (int)o.rate;
    if (d.ledger == NULL || d.fault == NULL) {
        fprintf(stderr, "payout-sandbox: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < o.nfaults; i++) {
        if (!fault_add_spec(d.fault, o.faults[i], err, sizeof err)) {
            fprintf(stderr, "payout-sandbox: %s\n", err);
            rc = 2;
            goto out;
        }
    }
    srv = server_start(o.host, o.port, &d, err, sizeof err);
    if (srv == NULL) {
        fprintf(stderr, "payout-sandbox: %s\n", err);
        goto out;
    }
    sbx_serve_until_signal("payout-sandbox", o.host, o.port, "/api/v1/", &stop_set);
    rc = 0;
out:
    server_stop(srv);
    ledger_free(d.ledger);
    fault_free(d.fault);
    sodium_memzero(d.api_key, sizeof d.api_key);
    return rc;
}
