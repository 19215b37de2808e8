#include "ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbx_limits.h"
#include "vclock.h"

struct ratelimit_slot {
    char key[SBX_NAME_MAX];
    int64_t second;
    int count;
};

struct ratelimit {
    pthread_mutex_t lock;
    int limit;
    bool http429;
    struct ratelimit_slot slots[SBX_APPS_MAX];
};

struct ratelimit *ratelimit_new(int limit, bool http429)
{
    struct ratelimit *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->limit = limit;
    r->http429 = http429;
    return r;
}

void ratelimit_free(struct ratelimit *r)
{
    if (r == NULL)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void ratelimit_set(struct ratelimit *r, int limit, bool http429)
{
    pthread_mutex_lock(&r->lock);
    r->limit = limit;
    r->http429 = http429;
    memset(r->slots, 0, sizeof r->slots);
    pthread_mutex_unlock(&r->lock);
}

void ratelimit_get(struct ratelimit *r, int *limit, bool *http429)
{
    pthread_mutex_lock(&r->lock);
    *limit = r->limit;
    *http429 = r->http429;
    pthread_mutex_unlock(&r->lock);
}

bool ratelimit_take(struct ratelimit *r, const char *key, bool *http429)
{
    bool ok = true;
    pthread_mutex_lock(&r->lock);
    *http429 = r->http429;
    if (r->limit > 0 && strlen(key) < SBX_NAME_MAX) {
        int64_t second = vclock_mono_ms() / 1000;
        struct ratelimit_slot *s = NULL;
        for (size_t i = 0; i < SBX_APPS_MAX && s == NULL; i++)
            if (strcmp(r->slots[i].key, key) == 0)
                s = &r->slots[i];
        /* Keys are known app keys only (checked before), so SBX_APPS_MAX slots suffice. */
        for (size_t i = 0; i < SBX_APPS_MAX && s == NULL; i++)
            if (r->slots[i].key[0] == '\0') {
                s = &r->slots[i];
                memcpy(s->key, key, strlen(key) + 1);
            }
        if (s != NULL) {
            if (s->second != second) {
                s->second = second;
                s->count = 0;
            }
            ok = ++s->count <= r->limit;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return ok;
}
