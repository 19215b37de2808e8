#include "fault.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prng.h"
#include "sbx_limits.h"

struct fault_rule {
    enum fault_kind kind;
    double probability;
    int remaining; /* -1: until cleared */
    int param;
    int fired;
};

struct fault {
    pthread_mutex_t lock;
    struct prng g;
    uint64_t seed;
    uint64_t seq;
    struct fault_rule rules[SBX_FAULTS_MAX];
    size_t n;
};

static const char *const fault_names[] = {"none",   "latency",   "reset",     "http",
                                          "system", "malformed", "truncated", "null"};

struct fault *fault_new(uint64_t seed)
{
    struct fault *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    f->seed = seed;
    prng_seed(&f->g, seed, 3);
    return f;
}

void fault_free(struct fault *f)
{
    if (f == NULL)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

bool fault_add(struct fault *f, const char *kind, double probability, int count, int param,
               char *err, size_t errlen)
{
    enum fault_kind k = FAULT_NONE;
    for (size_t i = 1; i < sizeof fault_names / sizeof fault_names[0]; i++)
        if (strcmp(kind, fault_names[i]) == 0)
            k = (enum fault_kind)i;
    if (k == FAULT_NONE) {
        snprintf(err, errlen,
                 "unknown fault kind %s (latency, reset, http, system, malformed, truncated, null)",
                 kind);
        return false;
    }
    if (!(probability > 0.0 && probability <= 1.0) || count < 0) {
        snprintf(err, errlen, "fault %s: probability must be in (0,1] and count >= 0", kind);
        return false;
    }
    if (k == FAULT_LATENCY && (param < 1 || param > SBX_LATENCY_MAX_MS)) {
        snprintf(err, errlen, "fault latency: milliseconds must be 1 to %d", SBX_LATENCY_MAX_MS);
        return false;
    }
    if (k == FAULT_HTTP && param == 0)
        param = 503;
    if (k == FAULT_HTTP && (param < 500 || param > 599)) {
        snprintf(err, errlen, "fault http: status must be 500 to 599");
        return false;
    }
    pthread_mutex_lock(&f->lock);
    bool ok = f->n < SBX_FAULTS_MAX;
    if (ok)
        f->rules[f->n++] = (struct fault_rule){k, probability, count > 0 ? count : -1, param, 0};
    pthread_mutex_unlock(&f->lock);
    if (!ok)
        snprintf(err, errlen, "at most %d fault rules", SBX_FAULTS_MAX);
    return ok;
}

bool fault_add_spec(struct fault *f, const char *spec, char *err, size_t errlen)
{
    char kind[32];
    double p = 1.0;
    long param = 0;
    const char *colon = strchr(spec, ':');
    size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (klen == 0 || klen >= sizeof kind) {
        snprintf(err, errlen, "--fault %s: want kind[:probability[:param]]", spec);
        return false;
    }
    memcpy(kind, spec, klen);
    kind[klen] = '\0';
    if (colon != NULL) {
        char *end = NULL;
        errno = 0;
        p = strtod(colon + 1, &end);
        if (errno != 0 || end == colon + 1 || (*end != '\0' && *end != ':')) {
            snprintf(err, errlen, "--fault %s: bad probability", spec);
            return false;
        }
        if (*end == ':') {
            const char *ps = end + 1;
            errno = 0;
            param = strtol(ps, &end, 10);
            if (errno != 0 || end == ps || *end != '\0' || param < 0 || param > 1000000) {
                snprintf(err, errlen, "--fault %s: bad parameter", spec);
                return false;
            }
        }
    }
    if (strcmp(kind, "latency") == 0 && param == 0)
        param = 1000;
    return fault_add(f, kind, p, 0, (int)param, err, errlen);
}

void fault_reset(struct fault *f, uint64_t seed)
{
    pthread_mutex_lock(&f->lock);
    f->n = 0;
    f->seq = 0;
    f->seed = seed;
    prng_seed(&f->g, seed, 3);
    pthread_mutex_unlock(&f->lock);
}

void fault_pick(struct fault *f, struct fault_action *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->lock);
    out->seq = ++f->seq;
    for (size_t i = 0; i < f->n; i++) {
        struct fault_rule *r = &f->rules[i];
        if (r->remaining == 0)
            continue;
        /* Every active rule draws once per request so one rule's outcome never shifts the
         * draws of the others: a replay with the same rules gives the same faults. */
        bool fire = prng_unit(&f->g) < r->probability;
        if (!fire)
            continue;
        if (r->kind == FAULT_LATENCY) {
            out->latency_ms += r->param;
        } else if (out->kind == FAULT_NONE) {
            out->kind = r->kind;
            out->http_status = r->param;
        } else {
            continue; /* only one terminal fault per request; this rule did not fire */
        }
        r->fired++;
        if (r->remaining > 0)
            r->remaining--;
    }
    pthread_mutex_unlock(&f->lock);
    if (out->kind != FAULT_NONE || out->latency_ms > 0)
        fprintf(stderr, "%s: fault request=%llu kind=%s latency_ms=%d status=%d\n",
                program_invocation_short_name, (unsigned long long)out->seq, fault_names[out->kind],
                out->latency_ms, out->http_status);
}

json_t *fault_json(struct fault *f)
{
    pthread_mutex_lock(&f->lock);
    json_t *rules = json_array();
    for (size_t i = 0; i < f->n; i++) {
        const struct fault_rule *r = &f->rules[i];
        json_array_append_new(rules,
                              json_pack("{s:s, s:f, s:i, s:i, s:i}", "kind", fault_names[r->kind],
                                        "probability", r->probability, "remaining", r->remaining,
                                        "param", r->param, "fired", r->fired));
    }
    json_t *o = json_pack("{s:I, s:I, s:o}", "seed", (json_int_t)f->seed, "requests",
                          (json_int_t)f->seq, "rules", rules);
    pthread_mutex_unlock(&f->lock);
    return o;
}
