/*
 * Rows, cells and header detection shared by the statement readers (table.h).
 */
#include "settlement/table.h"

#include <string.h>
#include <strings.h>

void table_column_name(size_t col, char out[TABLE_COLUMN_NAME_MAX])
{
    char rev[TABLE_COLUMN_NAME_MAX];
    size_t n = 0;
    size_t c = col + 1;
    while (c > 0 && n < TABLE_COLUMN_NAME_MAX - 1) {
        rev[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

/* Length of the space at s (ASCII space or tab, U+00A0, U+3000), or 0. */
static size_t space_at(const char *s, size_t left)
{
    const unsigned char *u = (const unsigned char *)s;
    if (left >= 1 && (u[0] == ' ' || u[0] == '\t'))
        return 1;
    if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (left >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* Length of the space that ends s[0..len), or 0. */
static size_t space_before(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 1 && (u[len - 1] == ' ' || u[len - 1] == '\t'))
        return 1;
    if (len >= 2 && u[len - 2] == 0xC2 && u[len - 1] == 0xA0)
        return 2;
    if (len >= 3 && u[len - 3] == 0xE3 && u[len - 2] == 0x80 && u[len - 1] == 0x80)
        return 3;
    return 0;
}

size_t table_trim(const char *s, const char **start)
{
    size_t len = strlen(s), k;
    while ((k = space_at(s, len)) > 0) {
        s += k;
        len -= k;
    }
    while ((k = space_before(s, len)) > 0)
        len -= k;
    *start = s;
    return len;
}

enum err table_cell_money(const struct table_row *row, size_t col, const char *currency,
                          enum money_style style, unsigned flags, struct money *out, bool *absent,
                          struct errbuf *eb)
{
    const char *cell = col < row->ncells ? row->cells[col] : "";
    const char *t;
    size_t n = table_trim(cell, &t);
    struct errbuf inner = {{0}, {0}};
    enum err e = money_parse(t, n, currency, style, flags, out, absent, &inner);
    if (e != ERR_OK) {
        char name[TABLE_COLUMN_NAME_MAX];
        table_column_name(col, name);
        return err_set(eb, e, errbuf_code(&inner, e), "row %zu column %s: %s", row->number, name,
                       errbuf_message(&inner, e));
    }
    return ERR_OK;
}

/* Reads exactly n digits at *s into *v and moves *s past them. */
static bool digits(const char **s, const char *end, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (*s >= end || **s < '0' || **s > '9')
            return false;
        *v = *v * 10 + (**s - '0');
    }
    return true;
}

int64_t table_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

enum err table_time_parse(const char *text, int32_t utc_offset_s, int64_t *out, struct errbuf *eb)
{
    const char *t;
    size_t n = table_trim(text != NULL ? text : "", &t);
    const char *s = t, *end = t + n;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(&s, end, 4, &y) || s >= end || (*s != '-' && *s != '/'))
        goto bad;
    char sep = *s++;
    if (!digits(&s, end, 2, &mo) || s >= end || *s++ != sep || !digits(&s, end, 2, &d))
        goto bad;
    if (s < end) {
        if (*s != ' ' && *s != 'T')
            goto bad;
        s++;
        if (!digits(&s, end, 2, &h) || s >= end || *s++ != ':' || !digits(&s, end, 2, &mi))
            goto bad;
        if (s < end && (*s++ != ':' || !digits(&s, end, 2, &sec)))
            goto bad;
        if (s != end)
            goto bad;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
        mi > 59 || sec > 59)
        goto bad;
    *out = table_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - utc_offset_s;
    return ERR_OK;
bad:
    return err_set(eb, ERR_INVAL, "bad_time",
                   "time \"%.*s\" is not a date-time like "
                   "2025-01-21 12:00:00",
                   (int)(n > 40 ? 40 : n), t);
}

enum err table_header_init(struct table_header *h, const struct table_header_spec *spec,
                           struct errbuf *eb)
{
    memset(h, 0, sizeof *h);
    if (spec->nnames == 0 || spec->nnames > TABLE_HEADER_NAMES_MAX || spec->min_matches == 0 ||
        spec->min_matches > spec->nnames || spec->max_rows == 0)
        return err_set(eb, ERR_INVAL, "bad_header_spec",
                       "a header profile needs 1..%d names, 1..names matches and max_rows > 0",
                       TABLE_HEADER_NAMES_MAX);
    h->spec = *spec;
    return ERR_OK;
}

static bool name_equal(const char *cell, const char *name)
{
    const char *a, *b;
    size_t na = table_trim(cell, &a), nb = table_trim(name, &b);
    return na > 0 && na == nb && strncasecmp(a, b, na) == 0;
}

ERR_MUST_USE static enum err header_missing(const struct table_header *h, struct errbuf *eb)
{
    if (h->best_matches == 0)
        return err_set(eb, ERR_NOTFOUND, "header_not_found",
                       "no header row: none of the first %zu rows names any expected column",
                       h->rows_seen);
    return err_set(eb, ERR_NOTFOUND, "header_not_found",
                   "no header row in the first %zu rows: the best, row %zu, names %zu of the "
                   "%zu expected columns (at least %zu needed)",
                   h->rows_seen, h->best_row, h->best_matches, h->spec.nnames, h->spec.min_matches);
}

enum err table_header_feed(struct table_header *h, const struct table_row *row, struct errbuf *eb)
{
    if (h->found)
        return ERR_OK;
    if (h->rows_seen >= h->spec.max_rows)
        return header_missing(h, eb);
    h->rows_seen++;
    long column[TABLE_HEADER_NAMES_MAX];
    size_t matches = 0;
    for (size_t i = 0; i < h->spec.nnames; i++) {
        column[i] = -1;
        for (size_t c = 0; c < row->ncells; c++) {
            if (name_equal(row->cells[c], h->spec.names[i])) {
                column[i] = (long)c;
                matches++;
                break;
            }
        }
    }
    if (matches > h->best_matches) {
        h->best_matches = matches;
        h->best_row = row->number;
    }
    if (matches >= h->spec.min_matches) {
        h->found = true;
        h->row_number = row->number;
        memcpy(h->column, column, sizeof column[0] * h->spec.nnames);
        return ERR_OK;
    }
    if (h->rows_seen >= h->spec.max_rows)
        return header_missing(h, eb);
    return ERR_OK;
}

enum err table_header_finish(const struct table_header *h, struct errbuf *eb)
{
    return h->found ? ERR_OK : header_missing(h, eb);
}
