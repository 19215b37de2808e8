/* aicos ai: train the intent model, evaluate it on a labelled file, classify one message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/classify.h"
#include "ai/corrections.h"
#include "ai/dataset.h"
#include "ai/eval.h"
#include "ai/model.h"
#include "ai/train.h"
#include "base/json.h"
#include "cli/cli.h"
#include "store/db.h"

static const char ai_usage[] =
    "usage: aicos ai train [--seed FILE] [--out FILE] [--no-db]\n"
    "       aicos ai eval FILE [--json] [--errors] [--model FILE]\n"
    "       aicos ai classify TEXT [--lang L] [--region R] [--model FILE] [--json]\n"
    "\n"
    "train     rebuilds the intent model deterministically from the seed data (default\n"
    "          data/ai/seed.tsv) plus the operators' corrections (table ai_corrections) when\n"
    "          AICOS_DATABASE_URL is set and --no-db is not given, and writes it to --out\n"
    "          (default data/ai/model.bin, the file embedded into the binary at build time:\n"
    "          rebuild to ship it). Thresholds come from 5-fold cross-validation.\n"
    "eval      classifies every line of a TSV file (header label<TAB>lang<TAB>text) and\n"
    "          prints per-label precision, recall, F1 and support, accuracy, macro-F1, the\n"
    "          confusion matrix, coverage and precision at high confidence, per language;\n"
    "          --json prints one object (accuracy, macro_f1, per_label, per_lang,\n"
    "          coverage_high, precision_high). --errors lists the wrong answers on standard\n"
    "          error (line, true label, answer, confidence, text).\n"
    "classify  prints the label, confidence, band, language and urgent flag of one message.\n"
    "--model FILE uses a model file instead of the embedded one. Exit 0 success, 1 failure,\n"
    "2 bad usage or input (a bad TSV line is named by its line number).\n";

/* Reads a whole file; *out is malloc'd. */
static bool read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "aicos ai: %s: %s\n", path, strerror(errno));
        return false;
    }
    size_t cap = 1 << 20, n = 0;
    unsigned char *b = malloc(cap);
    while (b != NULL) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *bigger = realloc(b, cap * 2);
        if (bigger == NULL)
            free(b);
        b = bigger;
        cap *= 2;
    }
    bool ok = b != NULL && !ferror(f);
    fclose(f);
    if (!ok) {
        fprintf(stderr, "aicos ai: %s: cannot read\n", path);
        free(b);
        return false;
    }
    *out = b;
    *len = n;
    return true;
}

/* The model of --model FILE into m (bytes kept in *bytes), or false after a message. */
static bool load_model_file(const char *path, unsigned char **bytes, struct ai_model *m)
{
    size_t len = 0;
    if (!read_file(path, bytes, &len))
        return false;
    struct errbuf eb = {0};
    if (ai_model_load(*bytes, len, m, &eb) != ERR_OK) {
        fprintf(stderr, "aicos ai: %s: %s\n", path, eb.msg);
        free(*bytes);
        *bytes = NULL;
        return false;
    }
    return true;
}

/* Writes bytes to path through a temporary file and a rename. */
static bool write_file(const char *path, const unsigned char *b, size_t len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL && fwrite(b, 1, len, f) == len;
    ok = f != NULL && fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "aicos ai train: cannot write %s: %s\n", path, strerror(errno));
        remove(tmp);
    }
    return ok;
}

/* Adds the stored corrections when a database is configured; false after a message. */
static bool train_corrections(struct ai_dataset *ds, size_t *count)
{
    *count = 0;
    const char *url = getenv("AICOS_DATABASE_URL");
    if (url == NULL || url[0] == '\0')
        return true;
    struct config cfg;
    struct db *db = NULL;
    if (!cli_load_config(&cfg) || !cli_open_db("ai train", &cfg, &db))
        return false;
    struct errbuf eb = {0};
    enum err e = ai_corrections_load(db, ds, count, &eb);
    db_close(db);
    if (e != ERR_OK)
        fprintf(stderr, "aicos ai train: %s\n", errbuf_message(&eb, e));
    return e == ERR_OK;
}

static int train_run(const char *seed, const char *out, bool use_db)
{
    struct ai_dataset ds = {0};
    struct errbuf eb = {0};
    enum err e = ai_dataset_read(&ds, seed, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos ai train: %s\n", errbuf_message(&eb, e));
        ai_dataset_free(&ds);
        return e == ERR_PARSE ? CLI_USAGE : CLI_FAIL;
    }
    size_t corrections = 0;
    if (use_db && !train_corrections(&ds, &corrections)) {
        ai_dataset_free(&ds);
        return CLI_FAIL;
    }
    struct ai_model_draft d;
    struct ai_train_report rep;
    unsigned char *bytes = NULL;
    size_t len = 0;
    e = ai_train(&ds, &d, &rep, &eb);
    if (e == ERR_OK)
        e = ai_model_serialize(&d, &bytes, &len, &eb);
    ai_model_draft_free(&d);
    ai_dataset_free(&ds);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos ai train: %s\n", errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    bool ok = write_file(out, bytes, len);
    free(bytes);
    if (ok)
        printf("Trained on %zu messages (%zu corrections): %zu features, %zu bytes, "
               "cross-validated accuracy %.3f; thresholds high %.3f medium %.3f abstain %.3f "
               "escalate %.3f; wrote %s.\n",
               rep.examples, corrections, rep.features, len, rep.cv_accuracy, rep.high_pm / 1000.0,
               rep.medium_pm / 1000.0, rep.abstain_pm / 1000.0, rep.escalate_pm / 1000.0, out);
    return ok ? CLI_OK : CLI_FAIL;
}

static int ai_train_cmd(int argc, char **argv)
{
    const char *seed = "data/ai/seed.tsv", *out = "data/ai/model.bin";
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"no-db", no_argument, NULL, 'n'},
                                         {0}};
    const struct cli_getopt g = {"ai train", opts, true};
    bool no_db = false;
    const struct cli_slot slots[] = {
        {'s', .text = &seed}, {'o', .text = &out}, {'n', .on = &no_db}, {0}};
    if (cli_getopt_store(&g, slots, argc, argv) != CLI_OK ||
        cli_no_operands("ai train", argc, argv) != CLI_OK)
        return CLI_USAGE;
    return train_run(seed, out, !no_db);
}

/* Options shared by eval and classify, and the model --model names (loaded by ai_parse). */
struct ai_cli_args {
    const char *model, *lang, *region;
    bool json, errors;
    unsigned char *bytes; /* the model file, freed by the caller */
    struct ai_model m;
};

static int ai_parse(const char *cmd, int argc, char **argv, bool classify, struct ai_cli_args *a)
{
    static const struct option eval_opts[] = {{"json", no_argument, NULL, 'j'},
                                              {"errors", no_argument, NULL, 'e'},
                                              {"model", required_argument, NULL, 'm'},
                                              {0}};
    static const struct option classify_opts[] = {{"json", no_argument, NULL, 'j'},
                                                  {"model", required_argument, NULL, 'm'},
                                                  {"lang", required_argument, NULL, 'l'},
                                                  {"region", required_argument, NULL, 'r'},
                                                  {0}};
    const struct cli_getopt g = {cmd, classify ? classify_opts : eval_opts, true};
    int c;
    cli_getopt_begin();
    while ((c = cli_getopt_next(&g, argc, argv)) != CLI_OPT_END) {
        if (c == CLI_OPT_BAD)
            return CLI_USAGE;
        if (c == 'j')
            a->json = true;
        else if (c == 'e')
            a->errors = true;
        else if (c == 'm')
            a->model = optarg;
        else if (c == 'l')
            a->lang = optarg;
        else
            a->region = optarg;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "aicos %s: expected one %s; see `aicos ai --help`.\n", cmd,
                classify ? "TEXT" : "FILE");
        return CLI_USAGE;
    }
    if (a->lang != NULL && !ai_lang_known(a->lang)) {
        fprintf(stderr, "aicos %s: --lang must be one of en es de fr it zh.\n", cmd);
        return CLI_USAGE;
    }
    if (a->model != NULL && !load_model_file(a->model, &a->bytes, &a->m))
        return CLI_FAIL;
    return CLI_OK;
}

static int ai_eval_cmd(int argc, char **argv)
{
    struct ai_cli_args a = {0};
    int rc = ai_parse("ai eval", argc, argv, false, &a);
    if (rc != CLI_OK)
        return rc;
    struct ai_dataset ds = {0};
    struct errbuf eb = {0};
    enum err e = ai_dataset_read(&ds, argv[optind], &eb);
    struct ai_eval *ev = e == ERR_OK ? malloc(sizeof *ev) : NULL;
    if (e == ERR_OK && ev == NULL)
        e = err_set(&eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK)
        e = ai_eval_run(a.model != NULL ? &a.m : NULL, &ds, ev, a.errors ? stderr : NULL, &eb);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos ai eval: %s\n", errbuf_message(&eb, e));
        rc = e == ERR_PARSE ? CLI_USAGE : CLI_FAIL;
    } else if (a.json) {
        json_t *j = ai_eval_json(ev);
        char *s = json_dumps(j, JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
        if (s != NULL)
            puts(s);
        rc = s != NULL ? CLI_OK : CLI_FAIL;
        free(s);
        json_decref(j);
    } else {
        ai_eval_print(ev, stdout);
    }
    free(ev);
    ai_dataset_free(&ds);
    free(a.bytes);
    return rc;
}

static int ai_classify_cmd(int argc, char **argv)
{
    struct ai_cli_args a = {0};
    int rc = ai_parse("ai classify", argc, argv, true, &a);
    if (rc != CLI_OK)
        return rc;
    const char *text = argv[optind];
    struct ai_result r;
    struct errbuf eb = {0};
    enum err e = ai_classify_with(a.model != NULL ? &a.m : NULL, text, strlen(text), a.lang,
                                  a.region, &r, &eb);
    free(a.bytes);
    if (e != ERR_OK) {
        fprintf(stderr, "aicos ai classify: %s\n", errbuf_message(&eb, e));
        return CLI_FAIL;
    }
    if (a.json)
        printf("{\"label\":\"%s\",\"confidence\":%.4f,\"band\":\"%s\",\"lang\":\"%s\","
               "\"urgent\":%s}\n",
               r.label, r.confidence, ai_band_name(r.band), r.lang, r.urgent ? "true" : "false");
    else
        printf("label %s\nconfidence %.4f\nband %s\nlang %s\nurgent %s\n", r.label, r.confidence,
               ai_band_name(r.band), r.lang, r.urgent ? "yes" : "no");
    return CLI_OK;
}

int cmd_ai(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        bool help = cli_wants_help(argc, argv);
        fputs(ai_usage, help ? stdout : stderr);
        return help ? CLI_OK : CLI_USAGE;
    }
    if (strcmp(argv[1], "train") == 0)
        return ai_train_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "eval") == 0)
        return ai_eval_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "classify") == 0)
        return ai_classify_cmd(argc - 1, argv + 1);
    return cli_bad_option("ai", argv[1]);
}
