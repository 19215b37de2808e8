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
enum err audit_write(struct db *db, const struct audit_entry *e, struct errbuf *eb);

struct audit_filter {
    const char *actor;   /* exact match, or NULL */
    const char *action;  /* exact match, or a prefix ending in '.', or NULL */
    const char *outcome; /* exact match, or NULL */
    const char *since;   /* ISO timestamp, inclusive, or NULL */
    const char *until;   /* ISO timestamp, exclusive, or NULL */
    int64_t before_id;   /* page backwards from this id (0: newest) */
    int64_t limit;       /* 1..LIMIT_PAGE_SIZE_MAX */
};

/* Newest first. *out is a new JSON array of entry objects (with "id"). */
enum err audit_list(struct db *db, const struct audit_filter *f, json_t **out, struct errbuf *eb);

enum audit_format { AUDIT_CSV, AUDIT_JSONL };

/* Writes every entry matching f (oldest first; f->limit ignored) to out. */
enum err audit_export(struct db *db, const struct audit_filter *f, enum audit_format format,
                      FILE *out, struct errbuf *eb);

#endif
