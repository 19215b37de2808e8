#include "rate.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vclock.h"
#include "tk_limits.h"

struct rate_key {
    char key[TK_KEY_MAX];
    int64_t at[TK_RATE_MAX]; /* ring of the last accepted requests, monotonic ms */
    size_t next;
};

struct rate {
    pthread_mutex_t lock;
    int limit;
    struct rate_key keys[TK_KEYS_MAX];
    size_t nkeys;
};

struct rate *rate_new(int limit)
{
    struct rate *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    rate_set(r, limit);
    return r;
}

void rate_free(struct rate *r)
{
    if (r == NULL)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void rate_set(struct rate *r, int limit)
{
    pthread_mutex_lock(&r->lock);
    r->limit = limit < 0 ? 0 : limit > TK_RATE_MAX ? TK_RATE_MAX : limit;
    for (size_t i = 0; i < r->nkeys; i++) {
        memset(r->keys[i].at, 0, sizeof r->keys[i].at);
        r->keys[i].next = 0;
    }
    pthread_mutex_unlock(&r->lock);
}

int rate_get(struct rate *r)
{
    pthread_mutex_lock(&r->lock);
    int l = r->limit;
    pthread_mutex_unlock(&r->lock);
    return l;
}

bool rate_take(struct rate *r, const char *key)
{
    pthread_mutex_lock(&r->lock);
    bool ok = true;
    if (r->limit > 0) {
        struct rate_key *k = NULL;
        for (size_t i = 0; i < r->nkeys && k == NULL; i++)
            if (strcmp(r->keys[i].key, key) == 0)
                k = &r->keys[i];
        if (k == NULL && r->nkeys < TK_KEYS_MAX) {
            k = &r->keys[r->nkeys++];
            snprintf(k->key, sizeof k->key, "%s", key);
        }
        if (k != NULL) {
            /* The slot to overwrite holds the limit-th most recent request: if that one is
             * less than a second old, this request would be one too many. */
            int64_t now = vclock_mono_ms(), oldest = k->at[k->next];
            ok = oldest == 0 || now - oldest >= 1000;
            if (ok) {
                k->at[k->next] = now;
                k->next = (k->next + 1) % (size_t)r->limit;
            }
        }
    }
    pthread_mutex_unlock(&r->lock);
    return ok;
}
