/*
 * Test support shared by unit and integration tests: temporary folders, free loopback
 * ports, fresh databases on the driver under test (AICOS_TEST_DB=sqlite|postgres), child
 * processes, and a raw HTTP/1.1 client that can send malformed requests on purpose.
 */
#ifndef AICOS_TESTSUPPORT_H
#define AICOS_TESTSUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

#define TS_PATH_MAX 1024

/* A new empty folder under $AICOS_TEST_TMP (or /tmp); the path is malloc'd, never NULL. */
char *ts_tmpdir(const char *prefix);

/* A loopback TCP port that was free a moment ago. */
unsigned ts_free_port(void);

/* True when AICOS_TEST_DB=postgres. */
bool ts_is_pg(void);

/*
 * Writes into url a fresh, empty database for this test: a new SQLite file, or a new
 * PostgreSQL database (dropped first if it existed) on the harness server. Fails the test
 * when the PostgreSQL harness is not running.
 */
void ts_fresh_db_url(const char *name, char *url, size_t len);

/* Runs one SQL statement on url with libpq or sqlite3 directly (for test set-up). */
void ts_db_exec(const char *url, const char *sql);

/* Runs sql (no parameters) on the database at url and returns the integer in the first cell of
 * its answer; fails the test when there is none. */
long long ts_db_int(const char *url, const char *sql);

struct ts_proc {
    pid_t pid;
    char out_path[TS_PATH_MAX]; /* stdout of the child */
    char err_path[TS_PATH_MAX]; /* stderr of the child */
};

/*
 * Starts argv[0] with the current environment plus env (NULL-terminated "K=V" strings;
 * a "K=" entry with nothing after '=' unsets K). Output goes to files in dir.
 */
void ts_spawn(const char *dir, char *const argv[], char *const env[], struct ts_proc *p);

/* Waits up to timeout_ms for the child; returns its exit status, or -1 on timeout. */
int ts_wait(struct ts_proc *p, int timeout_ms);

/* Sends sig and waits up to timeout_ms; returns the exit status or -1. */
int ts_stop(struct ts_proc *p, int sig, int timeout_ms);

/* Reads a whole file into a malloc'd NUL-terminated string ("" if missing). */
char *ts_read_file(const char *path);

/* Waits until p's standard output contains text; fails the test after timeout_ms. */
void ts_wait_output(const struct ts_proc *p, const char *text, int timeout_ms);

/*
 * Runs `$AICOS_BIN args...` to completion (120 s cap) with env added; returns the exit status
 * and (if not NULL) malloc'd stdout and stderr.
 */
int ts_aicos_run(char *const args[], char *const env[], char **out, char **err);

struct ts_http_resp {
    int status;
    char *headers; /* raw header block, malloc'd */
    char *body;    /* malloc'd, NUL-terminated */
    size_t body_len;
};

/*
 * Sends raw bytes to 127.0.0.1:port and reads the answer until the server closes the
 * connection (send "Connection: close"). Returns false if nothing could be read.
 */
bool ts_http_raw(unsigned port, const char *raw, size_t len, struct ts_http_resp *r);

/* Convenience: a well-formed request with an optional body and content type. */
bool ts_http(unsigned port, const char *method, const char *path, const char *content_type,
             const char *body, struct ts_http_resp *r);

/* Like ts_http, with extra header lines (each ending in \r\n) such as an Authorization. */
bool ts_http_ex(unsigned port, const char *method, const char *path, const char *headers,
                const char *content_type, const char *body, struct ts_http_resp *r);

/*
 * Creates an API token with `aicos token create` on the database at db_url and writes it
 * into token (at least 64 bytes).
 */
void ts_make_token(const char *db_url, const char *role, char *token, size_t len);

/* ts_make_token, written as the request header "Authorization: Bearer <token>\r\n" into hdr. */
void ts_bearer_header(const char *db_url, const char *role, char *hdr, size_t len);

/* Adds user name with role (`aicos user add --generate` on db_url); its password into password. */
void ts_add_user(const char *db_url, const char *name, const char *role, char *password,
                 size_t len);

/*
 * Adds user name with role (`aicos user add --generate` on db_url), signs it in with
 * POST /api/v1/session on port, and writes "aicos_session=..." into cookie and the session's
 * CSRF token into csrf (at least 96 bytes each).
 */
void ts_session_login(const char *db_url, unsigned port, const char *name, const char *role,
                      char *cookie, size_t clen, char *csrf, size_t slen);

/* Value of a response header (case-insensitive) copied into out; false if absent. */
bool ts_http_header(const struct ts_http_resp *r, const char *name, char *out, size_t len);

void ts_http_free(struct ts_http_resp *r);

/* A running `aicos serve`. */
struct ts_server {
    struct ts_proc proc;
    unsigned port;
    char *dir;
};

/*
 * Starts `$AICOS_BIN serve` on a free port with the database url and extra env, and waits
 * until /healthz answers (fails the test after 20 s).
 */
void ts_server_start(struct ts_server *s, const char *db_url, char *const env[]);

/* Stops it with SIGTERM and returns its exit status. */
int ts_server_stop(struct ts_server *s);

/* The counts of a sync run's line "run ID success: pages=.. added=A updated=U ...". */
void ts_run_counts(const char *out, long long *added, long long *updated);

/* A suite's teardown: stops s when it was started; 0. */
int ts_server_teardown(struct ts_server *s);

/* Sleeps ms milliseconds. */
void ts_sleep_ms(int ms);

/*
 * Starts $SANDBOX_BIN (the Temu sandbox) on a free loopback port with apps_json written to
 * dir/apps.json as its --apps file and the extra NULL-terminated args, and waits until it
 * listens (fails the test after 20 s). Returns the port.
 */
unsigned ts_sandbox_start(const char *dir, const char *apps_json, char *const args[],
                          struct ts_proc *p);

/*
 * Writes a fresh random vault master key to dir/master.key (mode 0600) and puts
 * "AICOS_MASTER_KEY_FILE=<path>" into env.
 */
void ts_master_key_file(const char *dir, char *env, size_t len);

/* True when haystack contains needle. */
bool ts_contains(const char *haystack, const char *needle);

#endif
