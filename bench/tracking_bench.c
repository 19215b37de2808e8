/*
 * Carrier tracking benchmark (issue 12):
 *   tracking_bench [--parcels N] [--sandbox PATH]
 *
 * A track-sandbox at its default 3 requests/s per key, a fresh SQLite database, N parcels
 * (default 10000) added, then two refreshes through the real code (tracking_refresh): the
 * first registers every number (N/40 register calls), the second polls every parcel
 * (gettrackinfo, N/40 calls). Reported: parcels refreshed per second in the poll phase and
 * its ratio to the provider's limit (3 requests/s x 40 numbers = 120 numbers/s), the
 * registration rate, and the process's peak resident memory.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/parse.h"
#include "store/db.h"
#include "store/migrate.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

extern char **environ;

#define LIMIT_NUMBERS_PER_S 120.0

static unsigned free_port(void)
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

/* Starts the track-sandbox and reads its development key from "17token=KEY". */
static pid_t sandbox_start(const char *path, unsigned port, char *key, size_t keylen)
{
    int pfd[2];
    char listen[64], out[4096] = "";
    size_t used = 0;
    pid_t pid = 0;
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    char *argv[] = {(char *)path,      (char *)"--listen", listen, (char *)"--seed", (char *)"3",
                    (char *)"--quota", (char *)"1000000",  NULL};
    posix_spawn_file_actions_t fa;
    if (pipe(pfd) != 0)
        return 0;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    uint64_t deadline = clock_mono_ns() + 20000000000ull;
    while (rc == 0 && strstr(out, "listening") == NULL && clock_mono_ns() < deadline &&
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
    const char *k = strstr(out, "17token=");
    if (rc != 0 || k == NULL || strstr(out, "listening") == NULL)
        return 0;
    snprintf(key, keylen, "%.*s", (int)strcspn(k + 8, " \r\n"), k + 8);
    return pid;
}

static double seconds_since(uint64_t t0)
{
    return (double)(clock_mono_ns() - t0) / 1e9;
}

/* Opens a fresh database with a vault, configures 17TRACK and adds n parcels. */
static bool bench_prepare(const char *dir, unsigned port, const char *key, int64_t n,
                          struct db **db, struct vault **v, struct errbuf *eb)
{
    char url[512], base[128], number[32], id[TRACKING_ID_LEN + 1];
    unsigned char mk[32];
    bool created = false;
    snprintf(url, sizeof url, "sqlite:%s/bench.db", dir);
    snprintf(base, sizeof base, "http://127.0.0.1:%u/track/v2.2/", port);
    randombytes_buf(mk, sizeof mk);
    if (db_open(url, 4, db, eb) != ERR_OK || migrate_apply(*db, NULL, eb) != ERR_OK ||
        vault_open(*db, mk, v, eb) != ERR_OK)
        return false;
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct connect_env env = {.cfg = &cfg, .db = *db, .vault = *v};
    if (tracking_configure(&env, "17track", base, key, (int64_t)time(NULL), eb) != ERR_OK)
        return false;
    for (int64_t i = 0; i < n; i++) {
        snprintf(number, sizeof number, "9400%018lld", (long long)(100000 + i));
        struct tracking_add a = {.number = number, .carrier = 21051};
        if (tracking_shipment_add(*db, "17track", &a, (int64_t)time(NULL), id, &created, eb) !=
            ERR_OK)
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *path = "build/debug/track-sandbox";
    int64_t n = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--parcels") == 0 && parse_int64(argv[i + 1], 1, 1000000, &n) != ERR_OK)
            return 2;
        if (strcmp(argv[i], "--sandbox") == 0)
            path = argv[i + 1];
    }
    if (sodium_init() < 0)
        return 1;
    char dir[] = "/tmp/tracking-bench-XXXXXX", key[128];
    unsigned port = free_port();
    if (mkdtemp(dir) == NULL)
        return 1;
    pid_t pid = sandbox_start(path, port, key, sizeof key);
    if (pid <= 0) {
        fprintf(stderr, "tracking_bench: cannot start %s\n", path);
        return 1;
    }
    struct db *db = NULL;
    struct vault *v = NULL;
    struct errbuf eb = {0};
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = 1;
    if (!bench_prepare(dir, port, key, n, &db, &v, &eb)) {
        fprintf(stderr, "tracking_bench: %s\n", eb.msg);
        goto out;
    }
    struct connect_env env = {.cfg = &cfg, .db = db, .vault = v};
    struct tracking_refresh_opts reg = {.now = 0}, poll = {.poll_all = true};
    struct tracking_refresh_result r1, r2;
    uint64_t t0 = clock_mono_ns();
    if (tracking_refresh(&env, &reg, &r1, &eb) != ERR_OK)
        goto fail;
    double reg_s = seconds_since(t0);
    t0 = clock_mono_ns();
    if (tracking_refresh(&env, &poll, &r2, &eb) != ERR_OK)
        goto fail;
    double poll_s = seconds_since(t0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rate = (double)r2.polled / poll_s;
    printf("parcels %lld\nregistered %lld in %.1f s (%.1f numbers/s, includes the first poll)\n"
           "polled %lld in %.1f s: %.1f parcels/s = %.3f of the 120 numbers/s limit\n"
           "peak RSS %ld KiB\n",
           (long long)n, (long long)r1.registered, reg_s, (double)r1.registered / reg_s,
           (long long)r2.polled, poll_s, rate, rate / LIMIT_NUMBERS_PER_S, ru.ru_maxrss);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "tracking_bench: %s\n", eb.msg);
out:
    vault_free(v);
    db_close(db);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return rc;
}
