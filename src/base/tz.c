#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_DIR       "/usr/share/zoneinfo/"
#define TZ_FILE_MAX  (256 * 1024) /* the largest zone file is under 4 KiB */
#define TZ_CACHE_MAX 64           /* distinct zones kept; a bigger set is refused */

struct tz_zone {
    char name[TZ_NAME_MAX + 1];
    size_t n;          /* transitions */
    int64_t *at;       /* transition times, ascending */
    int32_t *off;      /* the offset from each transition on */
    int32_t off_first; /* before the first transition */
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone *tz_cache[TZ_CACHE_MAX];
static size_t tz_cached;

bool tz_name_ok(const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '+' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

static uint32_t tz_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t tz_be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)tz_be32(p) << 32 | tz_be32(p + 4));
}

/* The six counts of a TZif header at p: isutcnt isstdcnt leapcnt timecnt typecnt charcnt. */
static void tz_counts(const unsigned char *p, uint32_t c[6])
{
    for (int i = 0; i < 6; i++)
        c[i] = tz_be32(p + 20 + 4 * i);
}

static size_t tz_block_len(const uint32_t c[6], size_t tsize)
{
    return c[3] * tsize + c[3] + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
}

/* Fills z from the 64-bit part of a TZif file (d, n bytes); false when it is not one. */
static bool tz_parse(struct tz_zone *z, const unsigned char *d, size_t n)
{
    uint32_t c[6];
    if (n < 44 || memcmp(d, "TZif", 4) != 0 || d[4] < '2')
        return false;
    tz_counts(d, c);
    size_t skip = 44 + tz_block_len(c, 4);
    if (skip + 44 > n || memcmp(d + skip, "TZif", 4) != 0)
        return false;
    const unsigned char *h = d + skip;
    tz_counts(h, c);
    if (c[4] == 0 || skip + 44 + tz_block_len(c, 8) > n)
        return false;
    const unsigned char *times = h + 44, *idx = times + (size_t)c[3] * 8;
    const unsigned char *types = idx + c[3];
    z->n = c[3];
    z->at = calloc(z->n + 1, sizeof *z->at);
    z->off = calloc(z->n + 1, sizeof *z->off);
    if (z->at == NULL || z->off == NULL)
        return false;
    for (size_t i = 0; i < z->n; i++) {
        if (idx[i] >= c[4])
            return false;
        z->at[i] = tz_be64(times + 8 * i);
        z->off[i] = (int32_t)tz_be32(types + 6 * (size_t)idx[i]);
    }
    /* Before the first transition: the first standard-time type (RFC 8536 3.2). */
    z->off_first = (int32_t)tz_be32(types);
    return true;
}

static void tz_free(struct tz_zone *z)
{
    if (z != NULL) {
        free(z->at);
        free(z->off);
        free(z);
    }
}

/* Reads and parses the zone file of name; NULL when missing or not TZif. */
static struct tz_zone *tz_read(const char *name)
{
    char path[sizeof TZ_DIR + TZ_NAME_MAX];
    snprintf(path, sizeof path, "%s%s", TZ_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    unsigned char *d = malloc(TZ_FILE_MAX);
    size_t n = d != NULL ? fread(d, 1, TZ_FILE_MAX, f) : 0;
    fclose(f);
    struct tz_zone *z = calloc(1, sizeof *z);
    if (z != NULL) {
        snprintf(z->name, sizeof z->name, "%s", name);
        if (!tz_parse(z, d, n)) {
            tz_free(z);
            z = NULL;
        }
    }
    free(d);
    return z;
}

static const struct tz_zone *tz_cache_find(const char *name)
{
    for (size_t i = 0; i < tz_cached; i++) {
        if (strcmp(tz_cache[i]->name, name) == 0)
            return tz_cache[i];
    }
    return NULL;
}

enum err tz_load(const char *name, const struct tz_zone **out, struct errbuf *eb)
{
    *out = NULL;
    if (!tz_name_ok(name))
        return err_set(eb, ERR_INVAL, "bad_time_zone",
                       "A time zone is a name such as UTC or Asia/Shanghai.");
    if (strcmp(name, "UTC") == 0)
        return ERR_OK; /* NULL is UTC */
    pthread_mutex_lock(&tz_lock);
    const struct tz_zone *z = tz_cache_find(name);
    if (z == NULL && tz_cached < TZ_CACHE_MAX) {
        struct tz_zone *nz = tz_read(name);
        if (nz != NULL)
            tz_cache[tz_cached++] = nz;
        z = nz;
    }
    pthread_mutex_unlock(&tz_lock);
    if (z == NULL)
        return err_set(eb, ERR_NOTFOUND, "unknown_time_zone",
                       "The time zone %.63s is not in the tz database.", name);
    *out = z;
    return ERR_OK;
}

const char *tz_name(const struct tz_zone *z)
{
    return z != NULL ? z->name : "UTC";
}

int32_t tz_offset(const struct tz_zone *z, int64_t t)
{
    if (z == NULL)
        return 0;
    if (z->n == 0 || t < z->at[0])
        return z->off_first;
    size_t lo = 0, hi = z->n; /* the last transition at or before t is in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

bool tz_local(const struct tz_zone *z, int64_t t, struct tm *out)
{
    int64_t local = t + tz_offset(z, t);
    time_t tt = (time_t)local;
    if ((int64_t)tt != local || gmtime_r(&tt, out) == NULL)
        return false;
    return true;
}
