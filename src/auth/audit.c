#include "auth/audit.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"

#define AUDIT_COLUMNS     "id, at, actor, role, action, target, outcome, ip, request_id, detail"
#define AUDIT_NCOLS       10
#define AUDIT_PATTERN_MAX 128

static const char *const audit_names[AUDIT_NCOLS] = {
    "id", "at", "actor", "role", "action", "target", "outcome", "ip", "request_id", "detail"};

static const char *audit_str(const char *s)
{
    return s != NULL ? s : "";
}

enum err audit_write(struct db *db, const struct audit_entry *e, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(now),
                           DB_P_TEXT(audit_str(e->actor)),
                           DB_P_TEXT(audit_str(e->role)),
                           DB_P_TEXT(audit_str(e->action)),
                           DB_P_TEXT(audit_str(e->target)),
                           DB_P_TEXT(audit_str(e->outcome)),
                           DB_P_TEXT(audit_str(e->ip)),
                           DB_P_TEXT(audit_str(e->request_id)),
                           DB_P_TEXT(audit_str(e->detail))};
    struct db_conn *c = db_acquire(db);
    enum err err = db_exec(c,
                           "INSERT INTO audit_log (at, actor, role, action, target, outcome, ip, "
                           "request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                           p, 9, NULL, eb);
    db_release(c);
    return err;
}

/* Builds "SELECT ... WHERE ... ORDER BY id <dir>" with numbered parameters. */
static enum err audit_query(const struct audit_filter *f, bool newest_first, bool paged,
                            struct buf *sql, struct db_param *p, size_t *np,
                            char prefix_pattern[AUDIT_PATTERN_MAX])
{
    unsigned n = 0;
    enum err e = buf_puts(sql, "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE 1 = 1");
    if (f->actor != NULL) {
        p[n++] = DB_P_TEXT(f->actor);
        e = e ? e : buf_printf(sql, " AND actor = $%u", n);
    }
    if (f->action != NULL) {
        size_t len = strlen(f->action);
        if (len > 0 && f->action[len - 1] == '.' && len < AUDIT_PATTERN_MAX - 1) {
            /* A prefix such as "user." selects a family of actions. */
            snprintf(prefix_pattern, AUDIT_PATTERN_MAX, "%s%%", f->action);
            p[n++] = DB_P_TEXT(prefix_pattern);
            e = e ? e : buf_printf(sql, " AND action LIKE $%u", n);
        } else {
            p[n++] = DB_P_TEXT(f->action);
            e = e ? e : buf_printf(sql, " AND action = $%u", n);
        }
    }
    if (f->outcome != NULL) {
        p[n++] = DB_P_TEXT(f->outcome);
        e = e ? e : buf_printf(sql, " AND outcome = $%u", n);
    }
    if (f->since != NULL) {
        p[n++] = DB_P_TEXT(f->since);
        e = e ? e : buf_printf(sql, " AND at >= $%u", n);
    }
    if (f->until != NULL) {
        p[n++] = DB_P_TEXT(f->until);
        e = e ? e : buf_printf(sql, " AND at < $%u", n);
    }
    if (paged && f->before_id > 0) {
        p[n++] = DB_P_INT(f->before_id);
        e = e ? e : buf_printf(sql, " AND id < $%u", n);
    }
    e = e ? e : buf_puts(sql, newest_first ? " ORDER BY id DESC" : " ORDER BY id ASC");
    if (paged) {
        p[n++] = DB_P_INT(f->limit);
        e = e ? e : buf_printf(sql, " LIMIT $%u", n);
    }
    *np = n;
    return e;
}

static json_t *audit_row_json(const struct db_rows *r, size_t row)
{
    json_t *o = json_object();
    int64_t id = 0;
    db_rows_int(r, row, 0, &id);
    json_object_set_new(o, "id", json_integer(id));
    for (size_t c = 1; c < AUDIT_NCOLS; c++)
        json_object_set_new(o, audit_names[c], json_string(audit_str(db_rows_get(r, row, c))));
    return o;
}

enum err audit_list(struct db *db, const struct audit_filter *f, json_t **out, struct errbuf *eb)
{
    *out = NULL;
    if (f->limit < 1 || f->limit > LIMIT_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be from 1 to %d.",
                       LIMIT_PAGE_SIZE_MAX);
    struct buf sql = {0};
    struct db_param p[8];
    size_t np = 0;
    char pattern[AUDIT_PATTERN_MAX]; /* outlives the query: p may point into it */
    enum err e = audit_query(f, true, true, &sql, p, &np, pattern);
    struct db_rows *rows = NULL;
    if (e == ERR_OK) {
        struct db_conn *c = db_acquire(db);
        e = db_query(c, sql.data, p, np, &rows, eb);
        db_release(c);
    }
    if (e == ERR_OK) {
        json_t *list = json_array();
        for (size_t i = 0; i < db_rows_count(rows); i++)
            json_array_append_new(list, audit_row_json(rows, i));
        *out = list;
    }
    db_rows_free(rows);
    buf_free(&sql);
    return e;
}

/* Writes one CSV field, quoted when needed, doubling quotes. */
static void audit_csv_field(FILE *out, const char *v, bool last)
{
    bool quote =
        strpbrk(v, ",\"\r\n") != NULL || (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
    if (quote) {
        fputc('"', out);
        /* A leading formula character is neutralized so spreadsheets do not evaluate it. */
        if (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')
            fputc('\'', out);
        for (const char *s = v; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(v, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

enum err audit_export(struct db *db, const struct audit_filter *f, enum audit_format format,
                      FILE *out, struct errbuf *eb)
{
    struct buf sql = {0};
    struct db_param p[8];
    size_t np = 0;
    struct db_rows *rows = NULL;
    char pattern[AUDIT_PATTERN_MAX];
    enum err e = audit_query(f, false, false, &sql, p, &np, pattern);
    if (e == ERR_OK) {
        struct db_conn *c = db_acquire(db);
        e = db_query(c, sql.data, p, np, &rows, eb);
        db_release(c);
    }
    if (e != ERR_OK)
        goto out;
    if (format == AUDIT_CSV) {
        for (size_t c = 0; c < AUDIT_NCOLS; c++)
            audit_csv_field(out, audit_names[c], c + 1 == AUDIT_NCOLS);
    }
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        if (format == AUDIT_CSV) {
            for (size_t c = 0; c < AUDIT_NCOLS; c++)
                audit_csv_field(out, audit_str(db_rows_get(rows, i, c)), c + 1 == AUDIT_NCOLS);
        } else {
            json_t *o = audit_row_json(rows, i);
            char *line = json_dumps(o, JSON_COMPACT);
            if (line != NULL) {
                fputs(line, out);
                fputc('\n', out);
                free(line);
            }
            json_decref(o);
        }
    }
    if (ferror(out))
        e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
out:
    db_rows_free(rows);
    buf_free(&sql);
    return e;
}
