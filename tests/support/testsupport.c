#include "testsupport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/parse.h"

extern char **environ;

void ts_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

char *ts_tmpdir(const char *prefix)
{
    const char *base = getenv("AICOS_TEST_TMP");
    if (base == NULL || *base == '\0')
        base = "/tmp";
    mkdir(base, 0700);
    char *path = malloc(TS_PATH_MAX);
    assert_non_null(path);
    snprintf(path, TS_PATH_MAX, "%s/%s-XXXXXX", base, prefix);
    assert_non_null(mkdtemp(path));
    return path;
}

unsigned ts_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

bool ts_is_pg(void)
{
    const char *v = getenv("AICOS_TEST_DB");
    return v != NULL && strcmp(v, "postgres") == 0;
}

/* The harness's admin URL (database "postgres"), from the file pg-harness wrote. */
static void ts_pg_admin_url(char *url, size_t len)
{
    const char *file = getenv("AICOS_PG_URL_FILE");
    if (file == NULL)
        fail_msg("AICOS_PG_URL_FILE is not set: run PostgreSQL tests through ctest");
    char *text = ts_read_file(file);
    size_t n = strcspn(text, "\r\n");
    if (n == 0)
        fail_msg("the PostgreSQL harness is not running (no URL in %s)", file);
    snprintf(url, len, "%.*s", (int)n, text);
    free(text);
}

long long ts_db_int(const char *url, const char *sql)
{
    char cell[32] = "";
    if (strncmp(url, "sqlite:", 7) == 0) {
        sqlite3 *h = NULL;
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_open(url + 7, &h), SQLITE_OK);
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
            fail_msg("sqlite: %s: %s", sql, sqlite3_errmsg(h));
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
            snprintf(cell, sizeof cell, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(h);
    } else {
        PGconn *c = PQconnectdb(url);
        if (PQstatus(c) != CONNECTION_OK)
            fail_msg("postgres connect: %s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("postgres: %s: %s", sql, PQresultErrorMessage(r));
        if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            snprintf(cell, sizeof cell, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
    }
    int64_t v = 0;
    if (parse_int64(cell, INT64_MIN, INT64_MAX, &v) != ERR_OK)
        fail_msg("%s: the first cell \"%s\" is not an integer", sql, cell);
    return (long long)v;
}

void ts_db_exec(const char *url, const char *sql)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        sqlite3 *h = NULL;
        assert_int_equal(sqlite3_open(url + 7, &h), SQLITE_OK);
        char *msg = NULL;
        int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK)
            fail_msg("sqlite: %s: %s", sql, msg ? msg : "?");
        sqlite3_close(h);
        return;
    }
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("postgres connect: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("postgres: %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

void ts_fresh_db_url(const char *name, char *url, size_t len)
{
    if (!ts_is_pg()) {
        char *dir = ts_tmpdir(name);
        snprintf(url, len, "sqlite:%s/aicos.db", dir);
        free(dir);
        return;
    }
    char admin[TS_PATH_MAX], sql[256], dbname[96];
    ts_pg_admin_url(admin, sizeof admin);
    snprintf(dbname, sizeof dbname, "t_%s_%ld", name, (long)getpid());
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
    ts_db_exec(admin, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
    ts_db_exec(admin, sql);
    /* The admin URL ends in "/postgres"; swap the database name. */
    char *slash = strrchr(admin, '/');
    assert_non_null(slash);
    *slash = '\0';
    snprintf(url, len, "%s/%s", admin, dbname);
}

char *ts_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        char *empty = calloc(1, 1);
        assert_non_null(empty);
        return empty;
    }
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    size_t n;
    while ((n = fread(data + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            data = realloc(data, cap);
            assert_non_null(data);
        }
    }
    data[len] = '\0';
    fclose(f);
    return data;
}

void ts_spawn(const char *dir, char *const argv[], char *const env[], struct ts_proc *p)
{
    static unsigned counter;
    counter++;
    snprintf(p->out_path, sizeof p->out_path, "%s/proc%u.out", dir, counter);
    snprintf(p->err_path, sizeof p->err_path, "%s/proc%u.err", dir, counter);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
            const char *eq = strchr(env[i], '=');
            if (eq == NULL)
                continue;
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
            if (eq[1] == '\0')
                unsetenv(name);
            else
                setenv(name, eq + 1, 1);
        }
        execve(argv[0], argv, environ);
        _exit(127);
    }
    p->pid = pid;
}

int ts_wait(struct ts_proc *p, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int status = 0;
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid) {
            p->pid = 0;
            if (WIFEXITED(status))
                return WEXITSTATUS(status);
            return 128 + WTERMSIG(status);
        }
        ts_sleep_ms(10);
    }
    return -1;
}

int ts_stop(struct ts_proc *p, int sig, int timeout_ms)
{
    if (p->pid <= 0)
        return -1;
    kill(p->pid, sig);
    int rc = ts_wait(p, timeout_ms);
    if (rc < 0) {
        kill(p->pid, SIGKILL);
        ts_wait(p, 5000);
    }
    return rc;
}

int ts_aicos_run(char *const args[], char *const env[], char **out, char **err)
{
    const char *bin = getenv("AICOS_BIN");
    assert_non_null(bin);
    char *argv[32];
    size_t n = 0;
    argv[n++] = (char *)bin;
    for (size_t i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *dir = ts_tmpdir("run");
    struct ts_proc p;
    ts_spawn(dir, argv, env, &p);
    /* Only a hung child should hit the cap: a sanitizer build syncing thousands of orders on a
     * machine shared with other test runs can take well over 30 s. */
    int rc = ts_wait(&p, 120000);
    if (rc < 0)
        ts_stop(&p, SIGKILL, 5000);
    if (out != NULL)
        *out = ts_read_file(p.out_path);
    if (err != NULL)
        *err = ts_read_file(p.err_path);
    free(dir);
    return rc;
}

bool ts_http_raw(unsigned port, const char *raw, size_t len, struct ts_http_resp *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return false;
    }
    size_t sent = 0;
    while (sent < len) {
        ssize_t w = send(fd, raw + sent, len - sent, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may close early (413); read what it said */
        sent += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    size_t cap = 8192, got = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    for (;;) {
        if (cap - got < 4096) {
            cap *= 2;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        ssize_t n = recv(fd, data + got, cap - got - 1, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    data[got] = '\0';
    char *end = strstr(data, "\r\n\r\n");
    if (got < 12 || strncmp(data, "HTTP/1.", 7) != 0 || end == NULL) {
        free(data);
        return false;
    }
    r->status = (int)strtol(data + 9, NULL, 10);
    size_t hlen = (size_t)(end - data);
    r->headers = strndup(data, hlen);
    r->body_len = got - hlen - 4;
    r->body = malloc(r->body_len + 1);
    assert_non_null(r->body);
    memcpy(r->body, end + 4, r->body_len);
    r->body[r->body_len] = '\0';
    free(data);
    return true;
}

bool ts_http(unsigned port, const char *method, const char *path, const char *content_type,
             const char *body, struct ts_http_resp *r)
{
    return ts_http_ex(port, method, path, NULL, content_type, body, r);
}

void ts_make_token(const char *db_url, const char *role, char *token, size_t len)
{
    char env_db[TS_PATH_MAX + 32];
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    char *env[] = {env_db, NULL};
    char *args[] = {(char *)"token",
                    (char *)"create",
                    (char *)"--role",
                    (char *)role,
                    (char *)"--name",
                    (char *)"test",
                    NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("aicos token create failed: %s", err);
    const char *t = strstr(out, "aicos_");
    assert_non_null(t);
    snprintf(token, len, "%.*s", (int)strcspn(t, "\r\n "), t);
    free(out);
    free(err);
}

void ts_bearer_header(const char *db_url, const char *role, char *hdr, size_t len)
{
    char token[128];
    ts_make_token(db_url, role, token, sizeof token);
    snprintf(hdr, len, "Authorization: Bearer %s\r\n", token);
}

void ts_add_user(const char *db_url, const char *name, const char *role, char *password, size_t len)
{
    char env_db[TS_PATH_MAX + 32];
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    char *env[] = {env_db, NULL};
    char *args[] = {(char *)"user", (char *)"add",        (char *)name, (char *)"--role",
                    (char *)role,   (char *)"--generate", NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("user add %s: %s", name, err);
    const char *p = strstr(out, "(shown once): ");
    assert_non_null(p);
    p += strlen("(shown once): ");
    snprintf(password, len, "%.*s", (int)strcspn(p, "\n"), p);
    free(out);
    free(err);
}

void ts_session_login(const char *db_url, unsigned port, const char *name, const char *role,
                      char *cookie, size_t clen, char *csrf, size_t slen)
{
    char password[128], body[256], v[512];
    ts_add_user(db_url, name, role, password, sizeof password);
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", name, password);
    struct ts_http_resp r;
    assert_true(ts_http(port, "POST", "/api/v1/session", "application/json", body, &r));
    if (r.status != 201)
        fail_msg("sign-in of %s: %d %s", name, r.status, r.body);
    assert_true(ts_http_header(&r, "Set-Cookie", v, sizeof v));
    snprintf(cookie, clen, "%.*s", (int)strcspn(v, ";"), v);
    const char *c = strstr(r.body, "\"csrf_token\":\"");
    assert_non_null(c);
    c += strlen("\"csrf_token\":\"");
    snprintf(csrf, slen, "%.*s", (int)strcspn(c, "\""), c);
    ts_http_free(&r);
}

bool ts_http_ex(unsigned port, const char *method, const char *path, const char *headers,
                const char *content_type, const char *body, struct ts_http_resp *r)
{
    size_t blen = body ? strlen(body) : 0;
    size_t cap = blen + strlen(path) + (headers ? strlen(headers) : 0) + 512;
    char *req = malloc(cap);
    assert_non_null(req);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
                     method, path, port);
    if (headers != NULL)
        n += snprintf(req + n, cap - (size_t)n, "%s", headers);
    if (content_type != NULL)
        n += snprintf(req + n, cap - (size_t)n, "Content-Type: %s\r\n", content_type);
    if (body != NULL)
        n += snprintf(req + n, cap - (size_t)n, "Content-Length: %zu\r\n", blen);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    if (body != NULL) {
        memcpy(req + n, body, blen);
        n += (int)blen;
    }
    bool ok = ts_http_raw(port, req, (size_t)n, r);
    free(req);
    return ok;
}

bool ts_http_header(const struct ts_http_resp *r, const char *name, char *out, size_t len)
{
    size_t nlen = strlen(name);
    for (const char *line = r->headers; line != NULL && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t llen = eol ? (size_t)(eol - line) : strlen(line);
        if (llen > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            snprintf(out, len, "%.*s", (int)(llen - (size_t)(v - line)), v);
            return true;
        }
        line = eol ? eol + 2 : NULL;
    }
    return false;
}

void ts_http_free(struct ts_http_resp *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

void ts_server_start(struct ts_server *s, const char *db_url, char *const env[])
{
    const char *bin = getenv("AICOS_BIN");
    assert_non_null(bin);
    s->dir = ts_tmpdir("serve");
    s->port = ts_free_port();
    char listen[64], db[TS_PATH_MAX + 32];
    snprintf(listen, sizeof listen, "AICOS_LISTEN=127.0.0.1:%u", s->port);
    snprintf(db, sizeof db, "AICOS_DATABASE_URL=%s", db_url);
    char *all[40];
    size_t n = 0;
    all[n++] = listen;
    all[n++] = db;
    all[n++] = (char *)"AICOS_HTTP_THREADS=2";
    for (size_t i = 0; env != NULL && env[i] != NULL && n < 39; i++)
        all[n++] = env[i];
    all[n] = NULL;
    char *argv[] = {(char *)bin, (char *)"serve", NULL};
    ts_spawn(s->dir, argv, all, &s->proc);
    for (int waited = 0; waited < 20000; waited += 50) {
        struct ts_http_resp r;
        if (ts_http(s->port, "GET", "/healthz", NULL, NULL, &r)) {
            int status = r.status;
            ts_http_free(&r);
            if (status == 200)
                return;
        }
        int status = 0;
        if (waitpid(s->proc.pid, &status, WNOHANG) == s->proc.pid) {
            char *err = ts_read_file(s->proc.err_path);
            fail_msg("aicos serve exited early: %s", err);
        }
        ts_sleep_ms(50);
    }
    fail_msg("aicos serve did not answer /healthz on port %u within 20 s", s->port);
}

int ts_server_stop(struct ts_server *s)
{
    int rc = ts_stop(&s->proc, SIGTERM, 15000);
    free(s->dir);
    s->dir = NULL;
    return rc;
}

void ts_run_counts(const char *out, long long *added, long long *updated)
{
    const char *a = strstr(out, "added="), *u = strstr(out, "updated=");
    assert_non_null(a);
    assert_non_null(u);
    *added = strtoll(a + 6, NULL, 10);
    *updated = strtoll(u + 8, NULL, 10);
}

int ts_server_teardown(struct ts_server *s)
{
    if (s->proc.pid > 0)
        ts_server_stop(s);
    return 0;
}

bool ts_contains(const char *haystack, const char *needle)
{
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

unsigned ts_sandbox_start(const char *dir, const char *apps_json, char *const args[],
                          struct ts_proc *p)
{
    char path[TS_PATH_MAX], listen[64];
    snprintf(path, sizeof path, "%s/apps.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(apps_json, f);
    fclose(f);
    unsigned port = ts_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    char *argv[40];
    size_t n = 0;
    argv[n++] = getenv("SANDBOX_BIN");
    if (argv[0] == NULL)
        fail_msg("SANDBOX_BIN is not set: run this test through ctest");
    argv[n++] = (char *)"--listen";
    argv[n++] = listen;
    argv[n++] = (char *)"--apps";
    argv[n++] = path;
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 39; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    ts_spawn(dir, argv, NULL, p);
    ts_wait_output(p, "listening on http://", 20000);
    return port;
}

void ts_wait_output(const struct ts_proc *p, const char *text, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        char *out = ts_read_file(p->out_path);
        bool up = ts_contains(out, text);
        free(out);
        if (up)
            return;
        if (waited > timeout_ms)
            fail_msg("%s never said \"%s\"", p->out_path, text);
        ts_sleep_ms(20);
    }
}

void ts_master_key_file(const char *dir, char *env, size_t len)
{
    unsigned char key[32];
    char b64[64], path[TS_PATH_MAX];
    assert_true(sodium_init() >= 0);
    randombytes_buf(key, sizeof key);
    sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    snprintf(path, sizeof path, "%s/master.key", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && write(fd, b64, strlen(b64)) > 0);
    close(fd);
    snprintf(env, len, "AICOS_MASTER_KEY_FILE=%s", path);
}
