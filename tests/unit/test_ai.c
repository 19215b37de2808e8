/*
 * Unit tests of the intent classifier (src/ai): normalisation and features, the model file
 * checks, language detection, the threat and urgency rules, the TSV reader's errors, the
 * seed and held-out files (disjoint by hash, enough lines per intent and language), and the
 * operators' corrections on SQLite or PostgreSQL.
 */
#include "testsupport.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/classify.h"
#include "ai/corrections.h"
#include "ai/dataset.h"
#include "ai/features.h"
#include "ai/labels.h"
#include "ai/lang.h"
#include "ai/model.h"
#include "ai/urgency.h"
#include "store/db.h"
#include "store/migrate.h"

static struct ai_tokens tok;
static struct ai_feats feats;

static void tokens_of(const char *s)
{
    ai_tokenize(s, strlen(s), &tok);
}

static void test_tokenize(void **state)
{
    (void)state;
    tokens_of("Où EST ma Commande?? Straße 12, Œuvre 😡 包裹");
    assert_string_equal(tok.text, "ou est ma commande ? ? strasse 00 oeuvre 😡 包 裹");
    assert_int_equal(tok.kind[0], AI_TOK_WORD);
    assert_int_equal(tok.kind[4], AI_TOK_SYMBOL);
    assert_int_equal(tok.kind[tok.n - 1], AI_TOK_HAN);
    assert_int_equal(tok.han, 2);
    tokens_of("\xff\xfe bad \xc3 utf8 \xe2\x82");
    assert_string_equal(tok.text, "bad utf0");
    tokens_of("SCAAAM sooo good zzzz mdrrrr 1000"); /* elongations fold, one-letter junk stays */
    assert_string_equal(tok.text, "scam so good zzzz mdr 0000");
    tokens_of("");
    assert_int_equal(tok.n, 0);
    char big[AI_TEXT_MAX * 2];
    memset(big, 'a', sizeof big);
    ai_tokenize(big, sizeof big, &tok); /* cut at AI_TEXT_MAX */
    assert_int_equal(tok.len[0], AI_TEXT_MAX);
}

static void test_features(void **state)
{
    (void)state;
    tokens_of("where is my order");
    ai_features(&tok, &feats);
    assert_true(feats.n > 10);
    double sum = 0;
    for (size_t i = 0; i < feats.n; i++) {
        if (i > 0)
            assert_true(feats.id[i] > feats.id[i - 1]);
        sum += (double)feats.val[i] * feats.val[i];
    }
    assert_true(fabs(sum - 1.0) < 1e-5);
    uint32_t first = feats.id[0];
    size_t n = feats.n;
    tokens_of("WHERE is my ORDER!");
    ai_features(&tok, &feats);
    assert_int_not_equal(feats.n, n); /* the '!' token adds features */
    tokens_of("where   is my order");
    ai_features(&tok, &feats);
    assert_int_equal(feats.n, n);
    assert_int_equal(feats.id[0], first);
    assert_int_equal(ai_hash('w', "ab", 2), ai_hash('w', "ab", 2));
    assert_int_not_equal(ai_hash('w', "ab", 2), ai_hash('b', "ab", 2));
}

static void test_labels(void **state)
{
    (void)state;
    assert_int_equal(ai_label_find("escalate"), AI_ESCALATE);
    assert_int_equal(ai_label_find("unknown"), AI_UNKNOWN);
    assert_int_equal(ai_label_find("nope"), -1);
    assert_int_equal(ai_label_find(NULL), -1);
    assert_string_equal(ai_label_name(AI_WHERE_IS_MY_ORDER), "where_is_my_order");
    assert_true(ai_lang_known("zh"));
    assert_false(ai_lang_known("pt"));
    assert_string_equal(ai_band_name(AI_BAND_HIGH), "high");
}

static void test_model_checks(void **state)
{
    (void)state;
    const struct ai_model *m = ai_model_embedded();
    assert_non_null(m);
    assert_true(m->nfeat > 1000);
    assert_true(m->high_pm > m->medium_pm);
    size_t len = AI_MODEL_HEADER + m->nfeat * AI_MODEL_ROW;
    assert_true(len < 5 * 1024 * 1024);
    unsigned char *copy = malloc(len);
    memcpy(copy, m->rows - AI_MODEL_HEADER, len);
    struct ai_model out;
    struct errbuf eb = {0};
    assert_int_equal(ai_model_load(copy, len, &out, &eb), ERR_OK);
    assert_int_equal(ai_model_load(copy, len - 1, &out, &eb), ERR_PARSE);
    assert_int_equal(ai_model_load(copy, 10, &out, &eb), ERR_PARSE);
    copy[0] = 'X';
    assert_int_equal(ai_model_load(copy, len, &out, &eb), ERR_PARSE);
    copy[0] = 'A';
    copy[36] = 'x'; /* the first label name */
    assert_int_equal(ai_model_load(copy, len, &out, &eb), ERR_PARSE);
    assert_true(strstr(eb.msg, "where_is_my_order") != NULL);
    copy[36] = 'w';
    memcpy(copy + AI_MODEL_HEADER + AI_MODEL_ROW, copy + AI_MODEL_HEADER, 4); /* ids not rising */
    assert_int_equal(ai_model_load(copy, len, &out, &eb), ERR_PARSE);
    free(copy);
}

static void lang_is(const char *text, const char *hint, const char *region, const char *want)
{
    char got[AI_LANG_MAX];
    tokens_of(text);
    ai_lang_detect(text, strlen(text), &tok, hint, region, AI_LANG_COMBINED, got);
    if (strcmp(got, want) != 0)
        fail_msg("lang of \"%s\" (hint %s, region %s): %s, want %s", text, hint, region, got, want);
}

static void test_lang(void **state)
{
    (void)state;
    assert_true(ai_lang_textcat_ready());
    lang_is("买家说包裹显示已签收但没收到", NULL, NULL, "zh");
    lang_is("买家说 tracking 已签收", NULL, "us", "zh");
    lang_is("hola, donde esta mi pedido? todavia no llego nada", NULL, NULL, "es");
    lang_is("wo ist meine bestellung, ich warte schon seit zwei wochen", NULL, NULL, "de");
    lang_is("bonjour, je n'ai toujours pas reçu ma commande", NULL, NULL, "fr");
    lang_is("ciao, il mio pacco non è ancora arrivato", NULL, NULL, "it");
    lang_is("hi, my parcel has not arrived yet and it is late", NULL, NULL, "en");
    lang_is("ok 👍", NULL, "de", "de"); /* too short: the region decides */
    lang_is("ok 👍", "fr", "de", "fr"); /* a hint beats the region */
    lang_is("ok 👍", NULL, NULL, "und");
    lang_is("hi, my parcel has not arrived yet and it is late", "de", NULL, "en");
    assert_string_equal(ai_lang_of_region("US"), "en");
    assert_null(ai_lang_of_region("eu"));
    assert_null(ai_lang_of_region(NULL));
}

static void flags_are(const char *text, bool threat, bool urgent)
{
    struct ai_flags f;
    tokens_of(text);
    ai_flags_of(&tok, &f);
    if (f.threat != threat || f.urgent != urgent)
        fail_msg("flags of \"%s\": threat %d urgent %d", text, f.threat, f.urgent);
}

static void test_flags(void **state)
{
    (void)state;
    flags_are("i will file a CHARGEBACK", true, true);
    flags_are("voy a llamar a mi abogado", true, true);
    flags_are("das ist Betrug", true, true);
    flags_are("买家说要找律师", true, true);
    flags_are("where is my order", false, false);
    flags_are("where is my order!!!", false, true);
    flags_are("I need it ASAP", false, true);
    flags_are("unacceptable 😡", false, true);
    flags_are("my lawyers will call you", true, true); /* lawyer* is a prefix */
    flags_are("sue", true, true);
    flags_are("suede shoes", false, false);
    flags_are("filed a paypal claim", true, true);
    flags_are("had an allergic reaction", true, true);
    flags_are("is it ok if im allergic to latex", false, false);
    flags_are("la batterie se decharge vite", false, false);
    flags_are("betruuug", true, true);
}

static void classify_is(const char *text, const char *label)
{
    struct ai_result r;
    struct errbuf eb = {0};
    assert_int_equal(ai_classify(text, strlen(text), NULL, NULL, &r, &eb), ERR_OK);
    if (strcmp(r.label, label) != 0)
        fail_msg("\"%s\": %s (%.3f), want %s", text, r.label, r.confidence, label);
    assert_true(r.confidence >= 0 && r.confidence <= 1);
}

static void test_classify(void **state)
{
    (void)state;
    /* Lines of the seed set: the model must fit its own training data. */
    classify_is("where is my order", "where_is_my_order");
    classify_is("cancel my order", "cancel_request");
    classify_is("wo bleibt meine rückerstattung", "refund_status");
    classify_is("j'ai besoin d'une facture", "invoice_request");
    classify_is("arrivato rotto", "damaged_item");
    classify_is("显示已签收但买家没收到", "delivered_not_received");
    classify_is("asdfghjkl", "unknown");
    classify_is("I will sue you", "escalate"); /* the threat rule */
    struct ai_result r;
    struct errbuf eb = {0};
    assert_int_equal(ai_classify("", 0, NULL, NULL, &r, &eb), ERR_OK);
    assert_string_equal(r.label, "unknown");
    assert_int_equal(r.band, AI_BAND_LOW);
    assert_int_equal(ai_classify(NULL, 0, NULL, NULL, &r, &eb), ERR_INVAL);
    const char *t = "this is a scam, you are frauds!!!";
    assert_int_equal(ai_classify(t, strlen(t), "en", "us", &r, &eb), ERR_OK);
    assert_string_equal(r.label, "escalate");
    assert_true(r.urgent);
    assert_true(r.confidence >= 0.9);
    assert_string_equal(r.lang, "en");
    struct ai_result again;
    assert_int_equal(ai_classify(t, strlen(t), "en", "us", &again, &eb), ERR_OK);
    assert_memory_equal(&r, &again, sizeof r); /* deterministic */
}

/* Writes content to a fresh file and reads it as a dataset; returns the error. */
static enum err read_tsv(const char *content, struct ai_dataset *ds, struct errbuf *eb)
{
    char *dir = ts_tmpdir("ai_tsv");
    char path[512];
    snprintf(path, sizeof path, "%s/x.tsv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    memset(ds, 0, sizeof *ds);
    enum err e = ai_dataset_read(ds, path, eb);
    free(dir);
    return e;
}

static void tsv_fails(const char *content, const char *why)
{
    struct ai_dataset ds;
    struct errbuf eb = {0};
    assert_int_equal(read_tsv(content, &ds, &eb), ERR_PARSE);
    if (strstr(eb.msg, why) == NULL)
        fail_msg("\"%s\" does not say \"%s\"", eb.msg, why);
    ai_dataset_free(&ds);
}

static void test_dataset_errors(void **state)
{
    (void)state;
    struct ai_dataset ds;
    struct errbuf eb = {0};
    assert_int_equal(
        read_tsv("label\tlang\ttext\r\nescalate\ten\tsue\nunknown\tund\tqq\n", &ds, &eb), ERR_OK);
    assert_int_equal(ds.n, 2);
    assert_int_equal(ds.ex[0].label, AI_ESCALATE);
    assert_string_equal(ds.ex[0].text, "sue");
    assert_int_equal(ai_dataset_put(&ds, "sue", "en", AI_THANKS_OR_OTHER, &eb), ERR_OK);
    assert_int_equal(ds.n, 2); /* relabelled, not added */
    assert_int_equal(ds.ex[0].label, AI_THANKS_OR_OTHER);
    ai_dataset_free(&ds);
    tsv_fails("", ":1: empty file");
    tsv_fails("text\tlabel\tlang\n", ":1: the header");
    tsv_fails("label\tlang\ttext\nescalate\ten\tok\nescalate\ten\n", ":3: expected 3");
    tsv_fails("label\tlang\ttext\nescalate\ten\ta\tb\n", ":2: expected 3");
    tsv_fails("label\tlang\ttext\nangry\ten\tgrr\n", ":2: unknown label \"angry\"");
    tsv_fails("label\tlang\ttext\nescalate\tpt\tgrr\n", ":2: unknown language");
    tsv_fails("label\tlang\ttext\nescalate\ten\t\n", ":2: the text is empty");
    assert_int_equal(ai_dataset_read(&ds, "/nonexistent/x.tsv", &eb), ERR_IO);
}

static void read_data(const char *name, struct ai_dataset *ds)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/ai/%s", getenv("AICOS_SOURCE_DIR"), name);
    struct errbuf eb = {0};
    memset(ds, 0, sizeof *ds);
    if (ai_dataset_read(ds, path, &eb) != ERR_OK)
        fail_msg("%s", eb.msg);
}

/* SHA-256 of a message's normalised tokens (case, accents, spacing and punctuation ignored). */
static void text_hash(const char *text, unsigned char out[crypto_hash_sha256_BYTES])
{
    tokens_of(text);
    crypto_hash_sha256(out, (const unsigned char *)tok.text, strlen(tok.text));
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, crypto_hash_sha256_BYTES);
}

static void test_data_files(void **state)
{
    (void)state;
    struct ai_dataset seed, held;
    read_data("seed.tsv", &seed);
    read_data("heldout.tsv", &held);
    size_t count[AI_NLABELS][AI_NLANGS] = {{0}};
    unsigned char(*hashes)[crypto_hash_sha256_BYTES] = malloc(seed.n * sizeof *hashes);
    for (size_t i = 0; i < seed.n; i++) {
        text_hash(seed.ex[i].text, hashes[i]);
        for (int l = 0; l < AI_NLANGS; l++)
            count[seed.ex[i].label][l] += strcmp(seed.ex[i].lang, ai_lang_name(l)) == 0;
    }
    for (int k = 0; k < AI_NLABELS; k++) {
        if (count[k][0] < 40)
            fail_msg("%s has %zu English seed lines", ai_label_name(k), count[k][0]);
        for (int l = 1; l < 5; l++) {
            if (count[k][l] < 15)
                fail_msg("%s has %zu %s seed lines", ai_label_name(k), count[k][l],
                         ai_lang_name(l));
        }
    }
    qsort(hashes, seed.n, sizeof *hashes, cmp_hash);
    for (size_t i = 1; i < seed.n; i++)
        assert_memory_not_equal(hashes[i - 1], hashes[i], crypto_hash_sha256_BYTES);
    for (size_t i = 0; i < held.n; i++) {
        unsigned char h[crypto_hash_sha256_BYTES];
        text_hash(held.ex[i].text, h);
        if (bsearch(h, hashes, seed.n, sizeof *hashes, cmp_hash) != NULL)
            fail_msg("held-out line %zu is also in the seed set: %s", i + 2, held.ex[i].text);
    }
    assert_true(held.n * 5 >= seed.n); /* about a quarter the size */
    free(hashes);
    ai_dataset_free(&seed);
    ai_dataset_free(&held);
}

static void test_corrections(void **state)
{
    (void)state;
    char url[512];
    ts_fresh_db_url("ai_corrections", url, sizeof url);
    struct db *db = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(url, 1, &db, &eb), ERR_OK);
    assert_int_equal(migrate_apply(db, NULL, &eb), ERR_OK);
    assert_int_equal(ai_correction_add(db, "is it vegan", "en", "product_question", "ana", &eb),
                     ERR_OK);
    assert_int_equal(ai_correction_add(db, "where is my order", NULL, "delivery_late", "bo", &eb),
                     ERR_OK);
    assert_int_equal(ai_correction_add(db, "is it vegan", "en", "thanks_or_other", "ana", &eb),
                     ERR_OK); /* the latest label wins */
    assert_int_equal(ai_correction_add(db, "x", "en", "angry", "ana", &eb), ERR_INVAL);
    assert_int_equal(ai_correction_add(db, "", "en", "escalate", "ana", &eb), ERR_INVAL);
    assert_int_equal(ai_correction_add(db, "x", "pt", "escalate", "ana", &eb), ERR_INVAL);
    assert_int_equal(ai_correction_add(db, "x", "en", "escalate", "", &eb), ERR_INVAL);
    struct ai_dataset ds = {0};
    assert_int_equal(ai_dataset_put(&ds, "where is my order", "en", AI_WHERE_IS_MY_ORDER, &eb),
                     ERR_OK);
    size_t n = 0;
    assert_int_equal(ai_corrections_load(db, &ds, &n, &eb), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ds.n, 2);
    assert_int_equal(ds.ex[0].label, AI_DELIVERY_LATE); /* the seed line relabelled */
    assert_string_equal(ds.ex[0].lang, "und");
    assert_string_equal(ds.ex[1].text, "is it vegan");
    assert_int_equal(ds.ex[1].label, AI_THANKS_OR_OTHER);
    ai_dataset_free(&ds);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenize),   cmocka_unit_test(test_features),
        cmocka_unit_test(test_labels),     cmocka_unit_test(test_model_checks),
        cmocka_unit_test(test_lang),       cmocka_unit_test(test_flags),
        cmocka_unit_test(test_classify),   cmocka_unit_test(test_dataset_errors),
        cmocka_unit_test(test_data_files), cmocka_unit_test(test_corrections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
