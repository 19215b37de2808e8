/*
 * Integration: `aicos ai` and POST /api/v1/ai/classify. The held-out evaluation meets the
 * issue's targets; `ai train` reproduces the committed model byte for byte; bad TSV input is
 * refused with its line number; operators' corrections reach the training set; the route
 * answers and refuses bad bodies. On SQLite or PostgreSQL.
 */
#include "testsupport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct ts_server server;
static char auth_header[160];

static const char *src_dir(void)
{
    const char *s = getenv("AICOS_SOURCE_DIR");
    assert_non_null(s);
    return s;
}

static void src_path(const char *rel, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", src_dir(), rel);
}

static void test_help_and_usage(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    char *h[] = {(char *)"ai", (char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(h, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "usage: aicos ai train"));
    assert_true(ts_contains(out, "aicos ai classify TEXT"));
    free(out);
    char *sub[] = {(char *)"ai", (char *)"eval", (char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(sub, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "usage: aicos ai"));
    free(out);
    char *none[] = {(char *)"ai", NULL};
    assert_int_equal(ts_aicos_run(none, NULL, NULL, &err), 2);
    free(err);
    char *bogus[] = {(char *)"ai", (char *)"frobnicate", NULL};
    assert_int_equal(ts_aicos_run(bogus, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "frobnicate"));
    free(err);
    char *nofile[] = {(char *)"ai", (char *)"eval", NULL};
    assert_int_equal(ts_aicos_run(nofile, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "expected one FILE"));
    free(err);
    char *lang[] = {(char *)"ai",     (char *)"classify", (char *)"hola",
                    (char *)"--lang", (char *)"pt",       NULL};
    assert_int_equal(ts_aicos_run(lang, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--lang"));
    free(err);
}

/* Issue 15: escalate recall >= 0.95 on the held-out set. */
#define ESCALATE_RECALL_FLOOR 0.95

static double num(const json_t *o, const char *path_a, const char *path_b, const char *key)
{
    const json_t *x = json_object_get(o, path_a);
    if (path_b != NULL)
        x = json_object_get(x, path_b);
    x = json_object_get(x, key);
    if (!json_is_number(x))
        fail_msg("no number at %s.%s.%s", path_a, path_b ? path_b : "", key);
    return json_number_value(x);
}

static void test_heldout_targets(void **state)
{
    (void)state;
    char held[1024];
    src_path("data/ai/heldout.tsv", held, sizeof held);
    char *out = NULL;
    char *a[] = {(char *)"ai", (char *)"eval", held, (char *)"--json", NULL};
    assert_int_equal(ts_aicos_run(a, NULL, &out, NULL), 0);
    json_error_t je;
    json_t *r = json_loads(out, 0, &je);
    assert_non_null(r);
    const char *keys[] = {"accuracy", "macro_f1",      "per_label",
                          "per_lang", "coverage_high", "precision_high"};
    assert_int_equal(json_object_size(r), 6);
    for (size_t i = 0; i < 6; i++)
        assert_non_null(json_object_get(r, keys[i]));
    const char *langs[] = {"en", "es", "de", "fr", "it", "zh"};
    for (size_t i = 0; i < 6; i++) {
        double f1 = num(r, "per_lang", langs[i], "macro_f1");
        double want = i == 0 ? 0.85 : 0.80;
        if (f1 < want)
            fail_msg("macro-F1 %s %.3f < %.2f", langs[i], f1, want);
    }
    double esc = num(r, "per_label", "escalate", "recall");
    if (esc < ESCALATE_RECALL_FLOOR)
        fail_msg("escalate recall %.3f < %.2f", esc, ESCALATE_RECALL_FLOOR);
    double unk = num(r, "per_label", "unknown", "recall");
    if (unk < 0.80)
        fail_msg("off-topic and garbage lines labelled unknown: %.3f < 0.80", unk);
    assert_true(num(r, "per_label", "escalate", "support") >= 30);
    /* docs/ai.md §5.2: at least 30 % of the lines in the high band, at least 95 % right there */
    assert_true(json_number_value(json_object_get(r, "coverage_high")) >= 0.30);
    assert_true(json_number_value(json_object_get(r, "precision_high")) >= 0.95);
    json_decref(r);
    free(out);
    char *t[] = {(char *)"ai", (char *)"eval", held, NULL};
    assert_int_equal(ts_aicos_run(t, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "macro-F1"));
    assert_true(ts_contains(out, "confusion"));
    assert_true(ts_contains(out, "precision_high"));
    free(out);
}

static void test_train_reproduces_model(void **state)
{
    (void)state;
    char seed[1024], committed[1024], fresh[1024];
    src_path("data/ai/seed.tsv", seed, sizeof seed);
    src_path("data/ai/model.bin", committed, sizeof committed);
    char *dir = ts_tmpdir("ai_train");
    snprintf(fresh, sizeof fresh, "%s/model.bin", dir);
    char *out = NULL;
    char *a[] = {(char *)"ai",
                 (char *)"train",
                 (char *)"--no-db",
                 (char *)"--seed",
                 seed,
                 (char *)"--out",
                 fresh,
                 NULL};
    assert_int_equal(ts_aicos_run(a, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "Trained on"));
    free(out);
    FILE *x = fopen(committed, "rb"), *y = fopen(fresh, "rb");
    assert_non_null(x);
    assert_non_null(y);
    long pos = 0;
    int c1, c2;
    do {
        c1 = fgetc(x);
        c2 = fgetc(y);
        if (c1 != c2)
            fail_msg("the trained model differs from data/ai/model.bin at byte %ld: run "
                     "`aicos ai train` and commit data/ai/model.bin",
                     pos);
        pos++;
    } while (c1 != EOF);
    assert_true(pos < 5L * 1024 * 1024);
    fclose(x);
    fclose(y);
    free(dir);
}

static char *write_tmp(const char *dir, const char *name, const char *content)
{
    char *path = malloc(1024);
    snprintf(path, 1024, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return path;
}

static void test_bad_tsv(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("ai_bad");
    char *bad = write_tmp(dir, "bad.tsv", "label\tlang\ttext\nescalate\ten\tsue\nno tabs here\n");
    char *label = write_tmp(dir, "label.tsv", "label\tlang\ttext\nangry\ten\tgrr\n");
    char *err = NULL;
    char *a[] = {(char *)"ai", (char *)"eval", bad, NULL};
    assert_int_equal(ts_aicos_run(a, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "bad.tsv:3: expected 3 tab-separated fields"));
    free(err);
    char *b[] = {(char *)"ai",
                 (char *)"train",
                 (char *)"--no-db",
                 (char *)"--seed",
                 label,
                 (char *)"--out",
                 bad,
                 NULL};
    assert_int_equal(ts_aicos_run(b, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "label.tsv:2: unknown label \"angry\""));
    free(err);
    char *m[] = {(char *)"ai", (char *)"classify", (char *)"hi", (char *)"--model", label, NULL};
    assert_int_equal(ts_aicos_run(m, NULL, NULL, &err), 1);
    assert_true(ts_contains(err, "not an aicos model file"));
    free(err);
    free(bad);
    free(label);
    free(dir);
}

static void test_classify_cli(void **state)
{
    (void)state;
    char *out = NULL;
    char *a[] = {(char *)"ai", (char *)"classify", (char *)"where is my order", NULL};
    assert_int_equal(ts_aicos_run(a, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "label where_is_my_order"));
    assert_true(ts_contains(out, "lang en"));
    assert_true(ts_contains(out, "confidence 0."));
    free(out);
    char *j[] = {(char *)"ai", (char *)"classify", (char *)"ok", (char *)"--lang",
                 (char *)"de", (char *)"--json",   NULL};
    assert_int_equal(ts_aicos_run(j, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "\"lang\":\"de\""));
    free(out);
}

/* Two lines per label, and a correction that relabels one of them. */
static void test_train_with_corrections(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("ai_corr");
    char content[8192] = "label\tlang\ttext\n";
    const char *labels[] = {
        "where_is_my_order", "delivery_late",  "delivered_not_received", "damaged_item",
        "wrong_item",        "missing_item",   "not_as_described",       "return_request",
        "refund_status",     "cancel_request", "change_address",         "invoice_request",
        "product_question",  "escalate",       "thanks_or_other",        "unknown"};
    for (size_t i = 0; i < 16; i++) {
        size_t n = strlen(content);
        snprintf(content + n, sizeof content - n, "%s\ten\t%s one\n%s\ten\t%s two\n", labels[i],
                 labels[i], labels[i], labels[i]);
    }
    char *seed = write_tmp(dir, "seed.tsv", content);
    char model[1024];
    snprintf(model, sizeof model, "%s/model.bin", dir);
    ts_db_exec(db_url, "INSERT INTO ai_corrections (text, lang, label, actor, created_at) VALUES "
                       "('refund please now', 'en', 'refund_status', 'ana', '2026-12-04')");
    char env_db[600];
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    char *env[] = {env_db, NULL};
    char *out = NULL, *err = NULL;
    char *a[] = {(char *)"ai", (char *)"train", (char *)"--seed", seed, (char *)"--out", model,
                 NULL};
    int rc = ts_aicos_run(a, env, &out, &err);
    if (rc != 0)
        fail_msg("ai train: %s", err);
    assert_true(ts_contains(out, "Trained on 33 messages (1 corrections)"));
    free(out);
    free(err);
    char *n[] = {(char *)"ai",
                 (char *)"train",
                 (char *)"--no-db",
                 (char *)"--seed",
                 seed,
                 (char *)"--out",
                 model,
                 NULL};
    assert_int_equal(ts_aicos_run(n, env, &out, NULL), 0);
    assert_true(ts_contains(out, "Trained on 32 messages (0 corrections)"));
    free(out);
    free(seed);
    free(dir);
}

static void test_classify_route(void **state)
{
    (void)state;
    struct ts_http_resp r;
    assert_true(ts_http_ex(server.port, "POST", "/api/v1/ai/classify", auth_header,
                           "application/json",
                           "{\"text\":\"tracking says delivered but nothing here\"}", &r));
    assert_int_equal(r.status, 200);
    json_t *doc = json_loads(r.body, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "label")), "delivered_not_received");
    assert_string_equal(json_string_value(json_object_get(doc, "lang")), "en");
    assert_true(json_is_number(json_object_get(doc, "confidence")));
    assert_true(json_is_boolean(json_object_get(doc, "urgent")));
    json_decref(doc);
    ts_http_free(&r);
    struct {
        const char *body;
        int status;
        const char *code;
    } bad[] = {
        {"{}", 422, "bad_text"},
        {"{\"text\":\"\"}", 422, "bad_text"},
        {"{\"text\":5}", 422, "bad_text"},
        {"{\"text\":\"hola\",\"lang\":\"pt\"}", 422, "bad_lang"},
        {"{\"text\":\"hola\",\"region\":7}", 422, "bad_region"},
        {"{\"text\":", 400, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(ts_http_ex(server.port, "POST", "/api/v1/ai/classify", auth_header,
                               "application/json", bad[i].body, &r));
        if (r.status != bad[i].status)
            fail_msg("%s: %d, want %d", bad[i].body, r.status, bad[i].status);
        if (bad[i].code != NULL)
            assert_true(ts_contains(r.body, bad[i].code));
        ts_http_free(&r);
    }
    char big[2200 + 32];
    memset(big, 'a', sizeof big);
    memcpy(big, "{\"text\":\"", 9);
    memcpy(big + sizeof big - 3, "\"}", 3);
    assert_true(ts_http_ex(server.port, "POST", "/api/v1/ai/classify", auth_header,
                           "application/json", big, &r));
    assert_int_equal(r.status, 413);
    ts_http_free(&r);
    assert_true(ts_http(server.port, "POST", "/api/v1/ai/classify", "application/json",
                        "{\"text\":\"hi\"}", &r));
    assert_int_equal(r.status, 401);
    ts_http_free(&r);
}

static int setup(void **state)
{
    (void)state;
    ts_fresh_db_url("ai", db_url, sizeof db_url);
    ts_server_start(&server, db_url, NULL);
    ts_bearer_header(db_url, "viewer", auth_header, sizeof auth_header);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_server_teardown(&server);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_heldout_targets),
        cmocka_unit_test(test_train_reproduces_model),
        cmocka_unit_test(test_bad_tsv),
        cmocka_unit_test(test_classify_cli),
        cmocka_unit_test(test_train_with_corrections),
        cmocka_unit_test(test_classify_route),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
