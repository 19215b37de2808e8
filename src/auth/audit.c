#include "auth/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "export/export.h"

#define AUDIT_COLUMNS     "id, at, actor, role, action, target, outcome, ip, request_id, detail"
#define AUDIT_NCOLS       10
#define AUDIT_PATTERN_MAX 128

static const char *const audit_names[AUDIT_NCOLS] = {
    "id", "at", "actor", "role", "action", "target", "outcome", "ip", "request_id", "detail"};

static const char *audit_str(const char *s)
{
    return s != NULL ? s : "";
}

#define AUDIT_NFIELDS 8

enum err audit_write(struct db *db, const struct audit_entry *e, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    /* Request bytes reach the log (a user name, a callback's error): stored as valid UTF-8
     * so the JSON list and export never drop a field. */
    const char *in[AUDIT_NFIELDS] = {e->actor,   e->role, e->action,     e->target,
                                     e->outcome, e->ip,   e->request_id, e->detail};
    char *clean[AUDIT_NFIELDS] = {0};
    enum err err = ERR_OK;
    for (size_t i = 0; i < AUDIT_NFIELDS; i++) {
        clean[i] = json_utf8_sanitize(audit_str(in[i]));
        if (clean[i] == NULL) {
            err = err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory writing the audit log.");
            goto out;
        }
    }
    struct db_param p[] = {DB_P_TEXT(now),      DB_P_TEXT(clean[0]), DB_P_TEXT(clean[1]),
                           DB_P_TEXT(clean[2]), DB_P_TEXT(clean[3]), DB_P_TEXT(clean[4]),
                           DB_P_TEXT(clean[5]), DB_P_TEXT(clean[6]), DB_P_TEXT(clean[7])};
    struct db_conn *c = db_acquire(db);
    err = db_exec(c,
                  "INSERT INTO audit_log (at, actor, role, action, target, outcome, ip, "
                  "request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                  p, 9, NULL, eb);
    db_release(c);
out:
    for (size_t i = 0; i < AUDIT_NFIELDS; i++)
        free(clean[i]);
    return err;
}

/* Builds "SELECT ... WHERE ... ORDER BY id <dir>" with numbered parameters. */
ERR_MUST_USE static enum err audit_query(const struct audit_filter *f, bool newest_first,
                                         bool paged, struct buf *sql, struct db_param *p,
                                         size_t *np, char prefix_pattern[AUDIT_PATTERN_MAX])
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
    if (f->max_id > 0) {
        p[n++] = DB_P_INT(f->max_id);
        e = e ? e : buf_printf(sql, " AND id <= $%u", n);
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
    json_object_set_new(o, "id", json_integer(db_rows_int_or(r, row, 0, 0)));
    for (size_t c = 1; c < AUDIT_NCOLS; c++) {
        const char *v = audit_str(db_rows_get(r, row, c));
        /* Rows written before the writer sanitized may hold bytes that are not UTF-8. */
        char *clean = json_utf8_valid(v) ? NULL : json_utf8_sanitize(v);
        json_object_set_new(o, audit_names[c], json_string(clean ? clean : v));
        free(clean);
    }
    return o;
}

enum err audit_list(struct db *db, const struct audit_filter *f, json_t **out, struct errbuf *eb)
{
    *out = NULL;
    if (f->limit < 1 || f->limit > LIMIT_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be from 1 to %d.",
                       LIMIT_PAGE_SIZE_MAX);
    struct buf sql = {0};
    struct db_param p[9];
    size_t np = 0;
    char pattern[AUDIT_PATTERN_MAX]; /* outlives the query: p may point into it */
    enum err e = audit_query(f, true, true, &sql, p, &np, pattern);
    struct db_rows *rows = NULL;
    if (e == ERR_OK) {
        e = db_pool_query(db, sql.data, p, np, &rows, eb);
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

/* The rows as a table (src/export): CSV or XLSX, a header row, the id as a number. */
ERR_MUST_USE static enum err audit_export_table(const struct db_rows *rows,
                                                enum audit_format format, FILE *out,
                                                struct errbuf *eb)
{
    struct export_options o;
    export_options_init(&o, format == AUDIT_XLSX ? EXPORT_XLSX : EXPORT_CSV);
    o.sheet = "audit";
    struct export *x = NULL;
    enum err e = export_open_table(&o, out, audit_names, AUDIT_NCOLS, &x, eb);
    if (e != ERR_OK)
        return e;
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        int64_t id = db_rows_int_or(rows, i, 0, 0);
        export_cell_int(x, id);
        for (size_t c = 1; c < AUDIT_NCOLS; c++)
            export_cell_text(x, audit_str(db_rows_get(rows, i, c)));
        export_row_end(x);
    }
    return export_finish(x, eb);
}

enum err audit_export(struct db *db, const struct audit_filter *f, enum audit_format format,
                      FILE *out, struct errbuf *eb)
{
    struct buf sql = {0};
    struct db_param p[9];
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
    if (format != AUDIT_JSONL) {
        e = audit_export_table(rows, format, out, eb);
        goto out;
    }
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        json_t *o = audit_row_json(rows, i);
        char *line = json_dumps(o, JSON_COMPACT);
        if (line != NULL) {
            fputs(line, out);
            fputc('\n', out);
            free(line);
        }
        json_decref(o);
    }
    if (ferror(out))
        e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
out:
    db_rows_free(rows);
    buf_free(&sql);
    return e;
}

enum err audit_refusal_count(struct db *db, const char *source, const char *action,
                             const char *target, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN], minute[CLOCK_ISO_LEN];
    clock_now_iso(now);
    snprintf(minute, sizeof minute, "%.16s", now); /* YYYY-MM-DDTHH:MM */
    char *src = json_utf8_sanitize(audit_str(source));
    char *tgt = json_utf8_sanitize(audit_str(target));
    enum err e = ERR_OK;
    if (src == NULL || tgt == NULL) {
        e = err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory counting a refusal.");
        goto out;
    }
    struct db_param p[] = {DB_P_TEXT(src), DB_P_TEXT(minute), DB_P_TEXT(audit_str(action)),
                           DB_P_TEXT(tgt), DB_P_TEXT(now)};
    struct db_conn *c = db_acquire(db);
    e = db_exec(
        c,
        "INSERT INTO audit_refusals (source, minute, action, target, count, first_at, "
        "last_at) VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT (source, minute, action, "
        "target) DO UPDATE SET count = audit_refusals.count + 1, last_at = excluded.last_at",
        p, 5, NULL, eb);
    db_release(c);
out:
    free(src);
    free(tgt);
    return e;
}

enum err audit_refusals_list(struct db *db, int64_t limit, json_t **out, struct errbuf *eb)
{
    *out = NULL;
    if (limit < 1 || limit > LIMIT_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be from 1 to %d.",
                       LIMIT_PAGE_SIZE_MAX);
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_INT(limit)};
    enum err e =
        db_pool_query(db,
                      "SELECT source, minute, action, target, count, first_at, last_at FROM "
                      "audit_refusals ORDER BY minute DESC, source, action, target LIMIT $1",
                      p, 1, &rows, eb);
    if (e != ERR_OK)
        return e;
    static const char *const names[] = {"source", "minute",   "action", "target",
                                        "count",  "first_at", "last_at"};
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        json_t *o = json_object();
        for (size_t k = 0; k < 7; k++) {
            int64_t n = 0;
            if (k == 4 && db_rows_int(rows, i, k, &n) == ERR_OK)
                json_object_set_new(o, names[k], json_integer(n));
            else
                json_object_set_new(o, names[k], json_string(audit_str(db_rows_get(rows, i, k))));
        }
        json_array_append_new(list, o);
    }
    db_rows_free(rows);
    *out = list;
    return list != NULL ? ERR_OK : ERR_NOMEM;
}

/* t as 2026-11-28T15:25:48.000Z (the audit log's "at" form). */
static void audit_iso_at(int64_t t, char dst[CLOCK_ISO_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (strftime(dst, CLOCK_ISO_LEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
        dst[0] = '\0';
}

/* Hex SHA-256 of the file at path. */
ERR_MUST_USE static enum err audit_file_sha256(const char *path, char hex[65], struct errbuf *eb)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(eb, ERR_IO, "archive_unreadable", "Cannot read back %s.", path);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char chunk[8192], digest[crypto_hash_sha256_BYTES];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        crypto_hash_sha256_update(&st, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad)
        return err_set(eb, ERR_IO, "archive_unreadable", "Cannot read back %s.", path);
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
    return ERR_OK;
}

/* Writes the entries through res->through_id to a new file, synced, and its digest. */
ERR_MUST_USE static enum err audit_prune_archive(struct db *db, const char *archive_path,
                                                 struct audit_prune_result *res, struct errbuf *eb)
{
    int fd = open(archive_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(eb, ERR_IO, "archive_exists",
                       "Cannot create the archive %s (%s); name a new file.", archive_path,
                       strerror(errno));
    FILE *out = fdopen(fd, "w");
    if (out == NULL) {
        close(fd);
        return err_set(eb, ERR_IO, "archive_failed", "Cannot write %s.", archive_path);
    }
    struct audit_filter f = {.max_id = res->through_id};
    enum err e = audit_export(db, &f, AUDIT_JSONL, out, eb);
    if (e == ERR_OK && (fflush(out) != 0 || fsync(fileno(out)) != 0))
        e = err_set(eb, ERR_IO, "archive_failed", "Cannot write %s to disk.", archive_path);
    if (fclose(out) != 0 && e == ERR_OK)
        e = err_set(eb, ERR_IO, "archive_failed", "Cannot write %s.", archive_path);
    if (e == ERR_OK)
        e = audit_file_sha256(archive_path, res->sha256, eb);
    return e;
}

/* In one transaction: records the prune, deletes the archived entries and old refusal counts,
 * and logs it. */
ERR_MUST_USE static enum err audit_prune_delete(struct db *db, const char *before,
                                                const char *archive_path, const char *actor,
                                                struct audit_prune_result *res, struct errbuf *eb)
{
    char at[CLOCK_ISO_LEN], minute[CLOCK_ISO_LEN], detail[512];
    clock_now_iso(at);
    snprintf(minute, sizeof minute, "%.16s", before);
    int64_t deleted = 0;
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, eb);
    struct db_param ins[] = {
        DB_P_INT(res->through_id), DB_P_INT(res->entries), DB_P_TEXT(archive_path),
        DB_P_TEXT(res->sha256),    DB_P_TEXT(at),          DB_P_TEXT(audit_str(actor))};
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO audit_prune (through_id, entries, archive, archive_sha256, at, "
                    "actor) VALUES ($1, $2, $3, $4, $5, $6)",
                    ins, 6, NULL, eb);
    struct db_param del[] = {DB_P_INT(res->through_id)};
    if (e == ERR_OK)
        e = db_exec(c, "DELETE FROM audit_log WHERE id <= $1", del, 1, &deleted, eb);
    struct db_param delr[] = {DB_P_TEXT(minute)};
    if (e == ERR_OK)
        e = db_exec(c, "DELETE FROM audit_refusals WHERE minute < $1", delr, 1, &res->refusals, eb);
    snprintf(detail, sizeof detail,
             "%" PRId64 " entries through id %" PRId64 " (before %.32s) archived to %.300s "
             "(sha256 %s), then deleted; %" PRId64 " refusal count rows deleted",
             deleted, res->through_id, before, archive_path, res->sha256, res->refusals);
    struct db_param a[] = {DB_P_TEXT(at), DB_P_TEXT(audit_str(actor)), DB_P_TEXT(detail),
                           DB_P_TEXT(before)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO audit_log (at, actor, role, action, target, outcome, ip, "
                    "request_id, detail) VALUES ($1, $2, 'system', 'audit.prune', $4, 'success', "
                    "'local', '', $3)",
                    a, 4, NULL, eb);
    e = db_end(c, e, eb);
    db_release(c);
    if (e == ERR_OK)
        res->entries = deleted;
    return e;
}

enum err audit_prune(struct db *db, const char *before, const char *archive_path, const char *actor,
                     int64_t now, struct audit_prune_result *res, struct errbuf *eb)
{
    memset(res, 0, sizeof *res);
    char limit[CLOCK_ISO_LEN];
    audit_iso_at(now - (int64_t)AUDIT_PRUNE_MIN_DAYS * 86400, limit);
    if (before == NULL || strlen(before) < 10 || strcmp(before, limit) > 0)
        return err_set(eb, ERR_INVAL, "retention_too_short",
                       "Entries younger than %d days are kept: --before must be %s or "
                       "earlier.",
                       AUDIT_PRUNE_MIN_DAYS, limit);
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(before)};
    enum err e = db_pool_query(
        db, "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM audit_log WHERE at < $1", p, 1, &rows, eb);
    if (e == ERR_OK)
        e = db_rows_ints(rows, 0, 2, (size_t[]){0, 1},
                         (int64_t *const[]){&res->through_id, &res->entries}, eb);
    db_rows_free(rows);
    if (e != ERR_OK)
        return e;
    rows = NULL;
    if (res->through_id == 0)
        return ERR_OK;
    /* The archive first, complete and on disk, or nothing is deleted. */
    e = audit_prune_archive(db, archive_path, res, eb);
    if (e != ERR_OK)
        return e;
    return audit_prune_delete(db, before, archive_path, actor, res, eb);
}
