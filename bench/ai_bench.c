/*
 * ai_bench: the intent classifier's costs and its language detection (src/ai).
 *
 *   ai_bench [heldout.tsv] [seconds]      (defaults data/ai/heldout.tsv, 1)
 *
 * Prints the embedded model's size; the time to check and map it (ai_model_load, the work
 * done once per process) and to read the libexttextcat fingerprints (once); microseconds per
 * ai_classify() over the file's messages, repeated for the given time; and the accuracy of
 * the three language detectors (combined, libexttextcat alone, function words alone) against
 * the file's lang column, on all lines and on lines of at least 20 letters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/classify.h"
#include "ai/dataset.h"
#include "ai/features.h"
#include "ai/lang.h"
#include "ai/model.h"
#include "ai/model_data.h"
#include "base/clock.h"

static double ms_since(uint64_t t0)
{
    return (double)(clock_mono_ns() - t0) / 1e6;
}

static void bench_load(void)
{
    struct ai_model m;
    int n = 200;
    uint64_t t0 = clock_mono_ns();
    for (int i = 0; i < n; i++) {
        if (ai_model_load(ai_model_bin, ai_model_bin_len, &m, NULL) != ERR_OK) {
            fputs("ai_bench: the embedded model does not load\n", stderr);
            exit(1);
        }
    }
    printf("model: %zu bytes, %zu features; load %.3f ms\n", ai_model_bin_len, m.nfeat,
           ms_since(t0) / n);
    t0 = clock_mono_ns();
    bool ok = ai_lang_textcat_ready();
    printf("libexttextcat fingerprints (5 languages): %s in %.3f ms\n", ok ? "read" : "MISSING",
           ms_since(t0));
}

static void bench_classify(const struct ai_dataset *ds, double seconds)
{
    struct ai_result r;
    size_t done = 0;
    uint64_t t0 = clock_mono_ns();
    while (ms_since(t0) < seconds * 1000 || done == 0) {
        for (size_t i = 0; i < ds->n; i++) {
            const char *t = ds->ex[i].text;
            if (ai_classify(t, strlen(t), NULL, NULL, &r, NULL) != ERR_OK)
                exit(1);
        }
        done += ds->n;
    }
    printf("classify: %.1f us per message (%zu messages)\n", ms_since(t0) * 1000 / (double)done,
           done);
}

static void bench_lang(const struct ai_dataset *ds)
{
    static const char *const names[] = {"combined", "libexttextcat", "function words"};
    static struct ai_tokens tok;
    printf("language detection (no hint, no region): accuracy all lines / >= 20 letters\n");
    for (int m = 0; m < 3; m++) {
        size_t right = 0, long_n = 0, long_right = 0;
        for (size_t i = 0; i < ds->n; i++) {
            const char *t = ds->ex[i].text;
            char got[AI_LANG_MAX];
            ai_tokenize(t, strlen(t), &tok);
            ai_lang_detect(t, strlen(t), &tok, NULL, NULL, (enum ai_lang_method)m, got);
            bool ok = strcmp(got, ds->ex[i].lang) == 0;
            right += ok;
            if (tok.letters + tok.han >= 20) {
                long_n++;
                long_right += ok;
            }
        }
        printf("  %-15s %.3f / %.3f (%zu lines, %zu long)\n", names[m],
               (double)right / (double)ds->n, long_n ? (double)long_right / (double)long_n : 0,
               ds->n, long_n);
    }
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "data/ai/heldout.tsv";
    double seconds = argc > 2 ? strtod(argv[2], NULL) : 1.0;
    struct ai_dataset ds = {0};
    struct errbuf eb = {0};
    if (ai_dataset_read(&ds, path, &eb) != ERR_OK) {
        fprintf(stderr, "ai_bench: %s\n", eb.msg);
        return 1;
    }
    bench_load();
    bench_classify(&ds, seconds > 0 ? seconds : 1.0);
    bench_lang(&ds);
    ai_dataset_free(&ds);
    return 0;
}
