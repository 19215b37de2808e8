/*
 * The command-line and listen-address pieces the separate sandboxes (track-sandbox,
 * payout-sandbox) share: integer flags from a table, HOST:PORT, and the IPv4 socket address.
 */
#ifndef SBX_ARGS_H
#define SBX_ARGS_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* An integer flag: name, bounds and where the value goes. */
struct sbx_num {
    const char *flag;
    long long lo, hi;
    long long *dst;
};

/*
 * Looks flag up in nums (n of them) and parses val into its dst: 1 when parsed, 0 when flag is
 * not an integer flag, -1 when val is not an integer within bounds (want then says what is).
 */
int sbx_num_flag(const struct sbx_num *nums, size_t n, const char *flag, const char *val,
                 char *want, size_t wlen);

/* Prints "PROG: FLAG VAL: WANT (see PROG --help)" (VAL NULL: "(missing)"); returns 2. */
int sbx_usage_error(const char *prog, const char *flag, const char *val, const char *want);

#define SBX_FLAG_MINE (-1) /* the caller's flag: argv[i] with its value argv[i + 1] */
#define SBX_FLAG_DONE (-2) /* an integer flag of nums, stored */

/*
 * One step of a "--flag value" loop at argv[i]: --help prints usage (returns 0); a missing
 * value or a bad integer prints sbx_usage_error (returns 2); else SBX_FLAG_DONE or
 * SBX_FLAG_MINE.
 */
int sbx_flag_step(const char *prog, const char *usage, const struct sbx_num *nums, size_t n,
                  int argc, char **argv, int i);

/* Splits "HOST:PORT" into host (cap bytes) and *port (1..65535); false when malformed. */
bool sbx_listen_parse(const char *listen, char *host, size_t cap, unsigned *port);

/* Fills *sa with host ("localhost" is 127.0.0.1) and port; false with err when not IPv4. */
bool sbx_listen_addr(const char *host, unsigned port, struct sockaddr_in *sa, char *err,
                     size_t errlen);

/* Blocks SIGINT and SIGTERM into set (for sbx_serve_until_signal) and ignores SIGPIPE. */
void sbx_block_stop_signals(sigset_t *set);

/*
 * Says "PROG listening on http://HOST:PORTPATH" on standard output, waits for a signal of
 * stop (blocked by the caller) and says which one on standard error.
 */
void sbx_serve_until_signal(const char *prog, const char *host, unsigned port, const char *path,
                            const sigset_t *stop);

#endif
