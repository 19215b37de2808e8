#include "sbx_args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sbx_num_flag(const struct sbx_num *nums, size_t n, const char *flag, const char *val,
                 char *want, size_t wlen)
{
    const struct sbx_num *num = NULL;
    for (size_t k = 0; k < n && num == NULL; k++)
        if (strcmp(nums[k].flag, flag) == 0)
            num = &nums[k];
    if (num == NULL)
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(val, &end, 10);
    if (*val == '\0' || *end != '\0' || errno != 0 || v < num->lo || v > num->hi) {
        snprintf(want, wlen, "an integer from %lld to %lld", num->lo, num->hi);
        return -1;
    }
    *num->dst = v;
    return 1;
}

bool sbx_listen_parse(const char *listen, char *host, size_t cap, unsigned *port)
{
    const char *colon = strrchr(listen, ':');
    char *end = NULL;
    long long p = 0;
    if (colon != NULL && colon != listen && (size_t)(colon - listen) < cap)
        p = strtoll(colon + 1, &end, 10);
    if (end == NULL || end == colon + 1 || *end != '\0' || p < 1 || p > 65535)
        return false;
    snprintf(host, cap, "%.*s", (int)(colon - listen), listen);
    *port = (unsigned)p;
    return true;
}

bool sbx_listen_addr(const char *host, unsigned port, struct sockaddr_in *sa, char *err,
                     size_t errlen)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa->sin_addr) !=
        1) {
        snprintf(err, errlen, "--listen: %s is not an IPv4 address", host);
        return false;
    }
    return true;
}

void sbx_serve_until_signal(const char *prog, const char *host, unsigned port, const char *path,
                            const sigset_t *stop)
{
    printf("%s listening on http://%s:%u%s\n", prog, host, port, path);
    fflush(stdout);
    int sig = 0;
    sigwait(stop, &sig);
    fprintf(stderr, "%s: signal %d, stopping\n", prog, sig);
}

void sbx_block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int sbx_usage_error(const char *prog, const char *flag, const char *val, const char *want)
{
    fprintf(stderr, "%s: %s %s: %s (see %s --help)\n", prog, flag, val != NULL ? val : "(missing)",
            want, prog);
    return 2;
}

int sbx_flag_step(const char *prog, const char *usage, const struct sbx_num *nums, size_t n,
                  int argc, char **argv, int i)
{
    const char *f = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (val == NULL)
        return sbx_usage_error(prog, f, NULL, "a value is needed");
    char want[96];
    int got = sbx_num_flag(nums, n, f, val, want, sizeof want);
    if (got < 0)
        return sbx_usage_error(prog, f, val, want);
    return got > 0 ? SBX_FLAG_DONE : SBX_FLAG_MINE;
}
