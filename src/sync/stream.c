/*
 * The skeleton's upsert with change detection (see stream.h): one page of a part's items,
 * each keyed, hashed and compared with the stored hash, written by the part's hook only when
 * new, changed or enriched.
 */
#include "sync/stream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"

const struct sync_stream_def *sync_stream_def_of(enum sync_stream s)
{
    if (s == SYNC_STREAM_PRODUCTS)
        return &sync_products_def;
    if (s == SYNC_STREAM_BUYER_CASES)
        return &sync_cases_def;
    if (s == SYNC_STREAM_SHIPMENTS)
        return &sync_parcels_def;
    return &sync_orders_def;
}

const char *sync_json_sn(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (s == NULL || *s == '\0' || strlen(s) > SYNC_SN_MAX)
        return NULL;
    return s;
}

int64_t sync_time_seconds(int64_t t)
{
    return t > 100000000000LL ? t / 1000 : t;
}

void sync_key_text(const struct sync_part *part, const struct sync_key *key, char *out, size_t len)
{
    if (part->key_is_int)
        snprintf(out, len, "%" PRId64, key->id);
    else
        snprintf(out, len, "%s", key->sn != NULL ? key->sn : "");
}

enum err sync_item_upsert(struct db_conn *c, struct sync_item *it, const char *sql,
                          const struct db_param *p, size_t n, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    enum err e = db_query(c, sql, p, n, &rows, eb);
    if (e == ERR_OK) {
        size_t back = db_rows_count(rows);
        it->exists = back == 0 || !db_rows_is_null(rows, 0, 0);
        it->changed = back == 1;
        it->old_watch = back == 1 ? db_rows_int_or(rows, 0, 0, 0) : 0;
    }
    db_rows_free(rows);
    return e;
}

/* Stores one item; *kind gets 0 added, 1 updated, 2 unchanged. */
ERR_MUST_USE static enum err stream_store_one(struct db_conn *c, const struct sync_part *part,
                                              struct sync_item *it, int *kind, struct errbuf *eb)
{
    char hash[SECURE_HASH_HEX];
    char *data = NULL;
    enum err e = ERR_OK;
    json_t *content =
        part->content != NULL ? part->content(it->item, it->win) : json_incref((json_t *)it->item);
    if (content == NULL || (data = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    secure_hash_hex(data, hash);
    it->hash = hash;
    it->data = data;
    e = part->write(c, it, eb);
    *kind = !it->exists ? 0 : it->changed ? 1 : 2;
out:
    json_decref(content);
    free(data);
    return e;
}

enum err sync_part_store_page(struct db_conn *c, const struct sync_part *part,
                              const char *connection_id, const struct sync_window *w,
                              const json_t *items, const json_t *extras, int64_t now,
                              struct sync_counts *counts, struct errbuf *eb)
{
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        struct sync_item it = {.connection_id = connection_id, .item = item, .win = w, .now = now};
        char name[SYNC_SN_MAX + 24];
        int kind = 2;
        if (!json_is_object(item) || !part->key(item, &it.key)) {
            counts->failed++;
            continue;
        }
        sync_key_text(part, &it.key, name, sizeof name);
        it.extra = extras != NULL ? json_object_get(extras, name) : NULL;
        enum err e = stream_store_one(c, part, &it, &kind, eb);
        if (e != ERR_OK)
            return e;
        if (kind == 0)
            counts->added++;
        else if (kind == 1)
            counts->updated++;
        else
            counts->unchanged++;
    }
    return ERR_OK;
}
