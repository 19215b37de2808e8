/* What the connect modules share: seller types, ids, regions, one connection's row. */
#include "connect/common.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool connect_seller_type_parse(const char *s, enum connect_seller_type *out)
{
    if (s == NULL || *s == '\0' || strcmp(s, "local") == 0) {
        *out = CONNECT_SELLER_LOCAL;
        return true;
    }
    if (strcmp(s, "cross_border") == 0) {
        *out = CONNECT_SELLER_CROSS_BORDER;
        return true;
    }
    return false;
}

const char *connect_seller_type_name(enum connect_seller_type t)
{
    return t == CONNECT_SELLER_CROSS_BORDER ? "cross_border" : "local";
}

void connect_random_id(char out[CONNECT_ID_LEN + 1])
{
    unsigned char raw[CONNECT_ID_LEN / 2];
    if (sodium_init() < 0)
        abort(); /* libsodium cannot start: nothing secure can be done */
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, CONNECT_ID_LEN + 1, raw, sizeof raw);
}

bool connect_id_valid(const char *id)
{
    if (id == NULL || strlen(id) != CONNECT_ID_LEN)
        return false;
    for (const char *p = id; *p; p++) {
        if (!isxdigit((unsigned char)*p))
            return false;
    }
    return true;
}

void connect_region_lower(enum temu_region region, char *dst, size_t len)
{
    const char *name = temu_region_name(region);
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        dst[i] = (char)tolower((unsigned char)name[i]);
    dst[i] = '\0';
}

/* Region and mall of a connection; ERR_NOTFOUND when absent. */
enum err connect_connection_get(struct db_conn *c, const char *id, char *region, size_t region_len,
                                int64_t *mall, char *secret_name, size_t secret_len,
                                struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    if (!connect_id_valid(id))
        return err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such connection.");
    enum err e =
        db_query(c, "SELECT region, mall_id, token_secret FROM temu_connections WHERE id = $1", p,
                 1, &rows, eb);
    if (e == ERR_OK && db_rows_count(rows) == 0)
        e = err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such connection.");
    if (e == ERR_OK) {
        snprintf(region, region_len, "%s", db_rows_get(rows, 0, 0));
        e = db_rows_ints(rows, 0, 1, (size_t[]){1}, (int64_t *const[]){mall}, eb);
        if (secret_name != NULL)
            snprintf(secret_name, secret_len, "%s", db_rows_get(rows, 0, 2));
    }
    db_rows_free(rows);
    return e;
}

int64_t connect_days_left(int64_t expires_at, int64_t now)
{
    int64_t d = expires_at - now;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

const char *connect_expiry_warning(int64_t days_left)
{
    if (days_left < 0)
        return "expired";
    if (days_left <= CONNECT_WARN_DAYS_1)
        return "1d";
    if (days_left <= CONNECT_WARN_DAYS_7)
        return "7d";
    if (days_left <= CONNECT_WARN_DAYS_30)
        return "30d";
    return NULL;
}
