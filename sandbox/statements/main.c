/*
 * temu-statements --seed N --out DIR [--scenario NAME]: writes every scripted settlement
 * scenario (or one) into DIR/<scenario>/ with its golden reconciliation report (gen.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char usage[] =
    "usage: temu-statements --seed N --out DIR [--scenario NAME]\n"
    "Writes scripted settlement statements (order amounts, a Temu FundDetail workbook or a\n"
    "settlement export CSV, withdrawals, a provider statement) and the golden reconciliation\n"
    "report of each scenario into DIR/<scenario>/. Same seed, same files. Scenarios:\n";

static bool parse_seed(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno != 0)
        return false;
    *out = (uint64_t)v;
    return true;
}

static int run_one(const struct gen_scenario *sc, uint64_t seed, int index, const char *out)
{
    struct gen g;
    memset(&g, 0, sizeof g);
    g.name = sc->name;
    g.reasons = json_object();
    prng_seed(&g.rng, seed, (uint64_t)index + 1);
    sc->script(&g);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", out, sc->name);
    bool ok = gen_write(&g, dir);
    json_decref(g.reasons);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"scenario", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    uint64_t seed = 1;
    const char *out = NULL, *only = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 's' && parse_seed(optarg, &seed))
            continue;
        if (c == 'o')
            out = optarg;
        else if (c == 'c')
            only = optarg;
        else if (c == 'h') {
            fputs(usage, stdout);
            for (int i = 0; i < gen_nscenarios; i++)
                printf("  %s\n", gen_scenarios[i].name);
            return 0;
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (out == NULL || optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    int rc = 0, done = 0;
    for (int i = 0; i < gen_nscenarios; i++) {
        if (only != NULL && strcmp(only, gen_scenarios[i].name) != 0)
            continue;
        rc |= run_one(&gen_scenarios[i], seed, i, out);
        done++;
    }
    if (done == 0) {
        fprintf(stderr, "temu-statements: no scenario called %s\n", only);
        return 2;
    }
    return rc;
}
