/*
 * Unit: the action center's outbound webhooks (src/actions/notify.c) against a local receiver
 * thread over real HTTP, on SQLite and PostgreSQL: a high-severity item and the daily brief
 * reach five hooks (generic signed JSON, WeCom, DingTalk with its signed URL, Feishu with its
 * signed body, Slack); the generic signature verifies; a receiver failure is retried after the
 * backoff and not before; bots answering a non-zero errcode count as failures; a second
 * enqueue queues nothing (deduplicated); bad hooks are refused.
 */
#include "testsupport.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actions/actions.h"
#include "actions/notify.h"
#include "store/db.h"
#include "store/migrate.h"
#include "vault/vault.h"

#define NOW     (INT64_C(1800000000) - INT64_C(1800000000) % 86400 + 9 * 3600) /* 09:00 UTC */
#define SECRET  "generic-hook-secret-0123456789"
#define DING    "SECdingtalk-secret-abc"
#define FEISHU  "feishu-secret-xyz"
#define REQ_MAX 64

static char url[TS_PATH_MAX];
static struct db *db;
static struct vault *vault;

/* The receiver: records every request; /generic fails once, /ding answers errcode 0. */
static struct {
    int fd;
    unsigned port;
    pthread_t thread;
    pthread_mutex_t mu;
    int n;
    char *req[REQ_MAX];
    int generic_failures_left;
} rx;

static void rx_answer(int c, const char *head)
{
    bool generic = strstr(head, "POST /generic") == head;
    const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 27\r\nConnection: close\r\n\r\n"
                       "{\"errcode\":0,\"code\":0}     ";
    pthread_mutex_lock(&rx.mu);
    if (generic && rx.generic_failures_left > 0) {
        rx.generic_failures_left--;
        resp = "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }
    pthread_mutex_unlock(&rx.mu);
    ssize_t w = write(c, resp, strlen(resp));
    (void)w;
}

static void *rx_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(rx.fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char *buf = calloc(1, 65536);
        size_t len = 0;
        for (;;) {
            ssize_t r = read(c, buf + len, 65535 - len);
            if (r <= 0)
                break;
            len += (size_t)r;
            char *end = strstr(buf, "\r\n\r\n");
            const char *cl = strcasestr(buf, "Content-Length:");
            if (end != NULL && cl != NULL &&
                len >= (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10))
                break;
        }
        rx_answer(c, buf);
        close(c);
        pthread_mutex_lock(&rx.mu);
        if (rx.n < REQ_MAX)
            rx.req[rx.n++] = buf;
        else
            free(buf);
        pthread_mutex_unlock(&rx.mu);
    }
}

static void rx_start(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    rx.fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(rx.fd >= 0);
    assert_int_equal(bind(rx.fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(rx.fd, 16), 0);
    assert_int_equal(getsockname(rx.fd, (struct sockaddr *)&a, &al), 0);
    rx.port = ntohs(a.sin_port);
    pthread_mutex_init(&rx.mu, NULL);
    rx.generic_failures_left = 1;
    assert_int_equal(pthread_create(&rx.thread, NULL, rx_main, NULL), 0);
}

static void exec(const char *sql, const struct db_param *p, size_t n)
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, sql, p, n, NULL, &eb);
    db_release(c);
    if (e != ERR_OK)
        fail_msg("%s: %s", sql, eb.msg);
}

static int setup(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    unsigned char key[32];
    assert_true(sodium_init() >= 0);
    randombytes_buf(key, sizeof key);
    ts_fresh_db_url("notify", url, sizeof url);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK ||
        vault_open(db, key, &vault, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    struct db_param p[] = {DB_P_INT(NOW - 86400), DB_P_INT(NOW - 3600)};
    exec("INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
         "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
         "synced_at) VALUES ('c1', 'PO-LATE-1', 2, $1, $1, $2, '[]', 211, 'h', '{}', 0, 0)",
         p, 2);
    rx_start();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    shutdown(rx.fd, SHUT_RDWR);
    close(rx.fd);
    pthread_join(rx.thread, NULL);
    for (int i = 0; i < rx.n; i++)
        free(rx.req[i]);
    vault_free(vault);
    db_close(db);
    return 0;
}

static void add_hook(const char *kind, const char *path, const char *secret, char id[32])
{
    char u[200];
    struct errbuf eb = {0};
    snprintf(u, sizeof u, "http://127.0.0.1:%u%s", rx.port, path);
    struct notify_hook_req r = {kind, u, secret, 3, true};
    if (notify_hook_add(db, vault, &r, "test", NOW - 7200, id, &eb) != ERR_OK)
        fail_msg("hook %s: %s", kind, eb.msg);
}

static const char *find_req(const char *prefix)
{
    for (int i = 0; i < rx.n; i++)
        if (strncmp(rx.req[i], prefix, strlen(prefix)) == 0)
            return rx.req[i];
    return NULL;
}

static void b64_hmac(const char *key, const char *msg, char *out, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, len, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
}

static void check_generic_signature(const char *req)
{
    const char *body = strstr(req, "\r\n\r\n") + 4;
    const char *ts = strcasestr(req, "X-Aicos-Timestamp: ") + 19;
    const char *sig = strcasestr(req, "X-Aicos-Signature: sha256=") + 26;
    char t[24], hex[65], want[65];
    snprintf(t, sizeof t, "%.*s", (int)strcspn(ts, "\r"), ts);
    snprintf(hex, sizeof hex, "%.64s", sig);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, strlen(t));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(want, sizeof want, mac, sizeof mac);
    assert_string_equal(hex, want);
    assert_non_null(strcasestr(req, "X-Aicos-Delivery: nq_"));
}

/* %XX-encodes everything but unreserved characters (what the sender's url_encode does). */
static char *curl_escape_like(const char *s)
{
    char *o = malloc(strlen(s) * 3 + 1), *p = o;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~')
            *p++ = (char)ch;
        else
            p += snprintf(p, 4, "%%%02X", ch);
    }
    *p = '\0';
    return o;
}

static void check_dingtalk_sign(const char *req)
{
    char ts[24], sign[128], want[64], msg[200];
    const char *t = strstr(req, "timestamp=") + 10, *s = strstr(req, "&sign=") + 6;
    snprintf(ts, sizeof ts, "%.*s", (int)strcspn(t, "&"), t);
    snprintf(sign, sizeof sign, "%.*s", (int)strcspn(s, " "), s);
    assert_int_equal(strtoll(ts, NULL, 10), NOW * 1000);
    snprintf(msg, sizeof msg, "%s\n%s", ts, DING);
    b64_hmac(DING, msg, want, sizeof want);
    char *enc = curl_escape_like(want);
    assert_string_equal(sign, enc);
    free(enc);
}

static void check_feishu_sign(const char *req)
{
    json_t *body = json_loads(strstr(req, "\r\n\r\n") + 4, 0, NULL);
    char key[200], want[64];
    const char *ts = json_string_value(json_object_get(body, "timestamp"));
    assert_non_null(ts);
    snprintf(key, sizeof key, "%s\n%s", ts, FEISHU);
    b64_hmac(key, "", want, sizeof want);
    assert_string_equal(json_string_value(json_object_get(body, "sign")), want);
    assert_string_equal(json_string_value(json_object_get(body, "msg_type")), "text");
    json_decref(body);
}

static void test_refused_hooks(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    char id[32];
    struct notify_hook_req bad[] = {
        {"generic", "http://127.0.0.1:1/x", "short", 3, true},
        {"carrier-pigeon", "http://127.0.0.1:1/x", NULL, 3, true},
        {"slack", "ftp://127.0.0.1/x", NULL, 3, true},
        {"slack", "http://127.0.0.1:1/x y", NULL, 3, true},
        {"wecom", "http://127.0.0.1:1/x", "not-allowed", 3, true},
        {"slack", "http://127.0.0.1:1/x", NULL, 4, true},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(notify_hook_add(db, vault, &bad[i], "t", NOW, id, &eb), ERR_INVAL);
    json_t *list = NULL;
    assert_int_equal(notify_hooks_list(db, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static void test_delivery(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    char ids[5][32];
    add_hook("generic", "/generic", SECRET, ids[0]);
    add_hook("wecom", "/wecom?key=k1", NULL, ids[1]);
    add_hook("dingtalk", "/ding?access_token=t1", DING, ids[2]);
    add_hook("feishu", "/feishu", FEISHU, ids[3]);
    add_hook("slack", "/slack", NULL, ids[4]);
    const char *key = "PO-LATE-1";
    assert_int_equal(actions_eval_keys(db, "c1", ACTIONS_IN_ORDERS, &key, 1, NOW, NULL, &eb),
                     ERR_OK);
    assert_int_equal(notify_enqueue(db, NOW, &eb), ERR_OK);
    json_t *ob = NULL;
    assert_int_equal(notify_outbox_list(db, 100, &ob, &eb), ERR_OK);
    assert_int_equal(json_array_size(ob), 10); /* 5 hooks × (the item + the brief) */
    json_decref(ob);
    int sent = 0, failed = 0;
    assert_int_equal(notify_deliver(db, vault, NOW, &sent, &failed, &eb), ERR_OK);
    assert_int_equal(sent, 9);
    assert_int_equal(failed, 1);
    /* Not retried before its backoff, then retried and sent. */
    assert_int_equal(notify_deliver(db, vault, NOW + 10, &sent, &failed, &eb), ERR_OK);
    assert_int_equal(sent + failed, 0);
    assert_int_equal(notify_deliver(db, vault, NOW + 31, &sent, &failed, &eb), ERR_OK);
    assert_int_equal(sent, 1);
    /* Deduplicated: nothing new to queue or send. */
    assert_int_equal(notify_enqueue(db, NOW + 40, &eb), ERR_OK);
    assert_int_equal(notify_deliver(db, vault, NOW + 40, &sent, &failed, &eb), ERR_OK);
    assert_int_equal(sent + failed, 0);
    assert_int_equal(rx.n, 11);
    check_generic_signature(find_req("POST /generic"));
    check_dingtalk_sign(find_req("POST /ding?access_token=t1&timestamp="));
    check_feishu_sign(find_req("POST /feishu"));
    const char *wecom = find_req("POST /wecom?key=k1");
    assert_non_null(wecom);
    assert_non_null(strstr(wecom, "\"msgtype\":\"text\""));
    assert_non_null(strstr(find_req("POST /slack"), "{\"text\":"));
    assert_non_null(strstr(find_req("POST /slack"), "PO-LATE-1"));
}

/* The requests starting with prefix, once at least want arrived (the receiver records a
 * request after it answered; up to 5 s) or what arrived by then. */
static int count_req(const char *prefix, int want)
{
    int n = 0;
    for (int tries = 0; tries < 500; tries++) {
        n = 0;
        pthread_mutex_lock(&rx.mu);
        for (int i = 0; i < rx.n; i++)
            n += strncmp(rx.req[i], prefix, strlen(prefix)) == 0;
        pthread_mutex_unlock(&rx.mu);
        if (n >= want)
            break;
        usleep(10000);
    }
    return n;
}

/* The hook's url as lists show it: origin, then only the last 4 characters. */
static const char *listed_url(const char *id, char *out, size_t len)
{
    struct errbuf eb = {0};
    json_t *list = NULL;
    size_t i;
    const json_t *h;
    assert_int_equal(notify_hooks_list(db, &list, &eb), ERR_OK);
    out[0] = '\0';
    json_array_foreach(list, i, h) if (strcmp(json_string_value(json_object_get(h, "id")), id) == 0)
        snprintf(out, len, "%s", json_string_value(json_object_get(h, "url")));
    json_decref(list);
    return out;
}

/* Masked URLs; a test event reaches the receiver at once (not through the outbox) and a dead
 * receiver is ERR_UPSTREAM; a disabled hook gets nothing queued or sent, enabled again it
 * does; unknown ids are ERR_NOTFOUND. */
static void test_test_send_and_disable(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    char id[32], dead[32], shown[256], want[128];
    add_hook("wecom", "/wecom?key=SECRETKEY42", NULL, id);
    snprintf(want, sizeof want, "http://127.0.0.1:%u/…EY42", rx.port);
    assert_string_equal(listed_url(id, shown, sizeof shown), want);
    assert_null(strstr(shown, "SECRETKEY"));
    assert_int_equal(notify_hook_test(db, vault, id, NOW, &eb), ERR_OK);
    assert_int_equal(count_req("POST /wecom?key=SECRETKEY42", 1), 1);
    assert_non_null(strstr(find_req("POST /wecom?key=SECRETKEY42"), "Test notification"));
    struct notify_hook_req r = {"slack", "http://127.0.0.1:1/closed", NULL, 3, false};
    assert_int_equal(notify_hook_add(db, vault, &r, "t", NOW, dead, &eb), ERR_OK);
    assert_int_equal(notify_hook_test(db, vault, dead, NOW, &eb), ERR_UPSTREAM);
    assert_string_equal(eb.code, "hook_test_failed");
    assert_int_equal(notify_hook_delete(db, vault, dead, &eb), ERR_OK);
    assert_int_equal(notify_hook_test(db, vault, "nh_none", NOW, &eb), ERR_NOTFOUND);
    assert_int_equal(notify_hook_enable(db, "nh_none", false, &eb), ERR_NOTFOUND);
    /* Disabled: a new item queues and sends nothing for this hook. */
    assert_int_equal(notify_hook_enable(db, id, false, &eb), ERR_OK);
    struct db_param p[] = {DB_P_INT(NOW - 86400), DB_P_INT(NOW - 3600)};
    exec("INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
         "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
         "synced_at) VALUES ('c1', 'PO-LATE-2', 2, $1, $1, $2, '[]', 211, 'h', '{}', 0, 0)",
         p, 2);
    const char *key = "PO-LATE-2";
    assert_int_equal(actions_eval_keys(db, "c1", ACTIONS_IN_ORDERS, &key, 1, NOW, NULL, &eb),
                     ERR_OK);
    int sent = 0, failed = 0;
    assert_int_equal(notify_enqueue(db, NOW + 100, &eb), ERR_OK);
    assert_int_equal(notify_deliver(db, vault, NOW + 100, &sent, &failed, &eb), ERR_OK);
    assert_int_equal(count_req("POST /wecom?key=SECRETKEY42", 1), 1); /* the test event only */
    assert_int_equal(notify_hook_enable(db, id, true, &eb), ERR_OK);
    assert_int_equal(notify_enqueue(db, NOW + 200, &eb), ERR_OK);
    assert_int_equal(notify_deliver(db, vault, NOW + 200, &sent, &failed, &eb), ERR_OK);
    /* Enabled again: the open items opened since it was added (both orders) and the brief. */
    assert_int_equal(count_req("POST /wecom?key=SECRETKEY42", 4), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_hooks),
        cmocka_unit_test(test_delivery),
        cmocka_unit_test(test_test_send_and_disable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
