/*
 * The append-only audit log: who did what, to what, with which outcome, from where. The
 * table refuses UPDATE and DELETE (triggers), so entries can only be added.
 */
#ifndef AICOS_AUTH_AUDIT_H
#define AICOS_AUTH_AUDIT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "store/db.h"

struct audit_entry {
    const char *actor;      /* user name, "token:<name>", "cli:<user>" or "anonymous" */
    const char *role;       /* role name or "none"/"system" */
    const char *action;     /* dotted verb: login, logout, user.add, secret.write, ... */
    const char *target;     /* what it acted on; "" if nothing */
    const char *outcome;    /* "success", "failure" or "denied" */
    const char *ip;         /* source address or "local" */
    const char *request_id; /* "" outside a request */
    const char *detail;     /* a short human sentence, never a secret */
};

/* Appends one entry (NULL fields are written as ""). */
ERR_MUST_USE enum err audit_write(struct db *db, const struct audit_entry *e, struct errbuf *eb);

/*
 * Counts one refusal of an anonymous caller (bad token, stale cookie, a callback matching no
 * session): one row per source address, UTC minute, action and target holds the count, so a
 * flood of refusals grows no table beyond one row a minute per source and route.
 */
ERR_MUST_USE enum err audit_refusal_count(struct db *db, const char *source, const char *action,
                                          const char *target, struct errbuf *eb);

/* Summary rows newest first, at most limit: a new JSON array of objects. */
ERR_MUST_USE enum err audit_refusals_list(struct db *db, int64_t limit, json_t **out,
                                          struct errbuf *eb);

/* Entries of the audit log older than this many days may be pruned, never younger ones. */
#define AUDIT_PRUNE_MIN_DAYS 30

struct audit_prune_result {
    int64_t through_id; /* the highest id pruned (0: nothing to prune) */
    int64_t entries;    /* entries archived and deleted */
    int64_t refusals;   /* refusal summary rows deleted */
    char sha256[65];    /* hex digest of the archive file */
};

/*
 * Retention: writes every entry older than before (ISO timestamp, at least
 * AUDIT_PRUNE_MIN_DAYS days ago at time now) to a new file archive_path (JSONL, mode 0600,
 * fsync'd; an existing file is refused), then in one transaction records the prune in
 * audit_prune, deletes exactly the archived entries and the refusal counts of those minutes,
 * and appends an "audit.prune" entry by actor. Nothing is deleted unless the archive is
 * complete on disk.
 */
ERR_MUST_USE enum err audit_prune(struct db *db, const char *before, const char *archive_path,
                                  const char *actor, int64_t now, struct audit_prune_result *res,
                                  struct errbuf *eb);

struct audit_filter {
    const char *actor;   /* exact match, or NULL */
    const char *action;  /* exact match, or a prefix ending in '.', or NULL */
    const char *outcome; /* exact match, or NULL */
    const char *since;   /* ISO timestamp, inclusive, or NULL */
    const char *until;   /* ISO timestamp, exclusive, or NULL */
    int64_t before_id;   /* page backwards from this id (0: newest) */
    int64_t max_id;      /* only entries with id <= max_id (0: no bound) */
    int64_t limit;       /* 1..LIMIT_PAGE_SIZE_MAX */
};

/* Newest first. *out is a new JSON array of entry objects (with "id"). */
ERR_MUST_USE enum err audit_list(struct db *db, const struct audit_filter *f, json_t **out,
                                 struct errbuf *eb);

/* CSV and XLSX through src/export (formula-looking cells neutralized); JSONL one object a line. */
enum audit_format { AUDIT_CSV, AUDIT_JSONL, AUDIT_XLSX };

/* Writes every entry matching f (oldest first; f->limit ignored) to out. */
ERR_MUST_USE enum err audit_export(struct db *db, const struct audit_filter *f,
                                   enum audit_format format, FILE *out, struct errbuf *eb);

#endif
