/*
 * Outbound notifications of the action center (notify.c): webhooks of the workspace for new
 * high-severity items and the daily brief, in five formats: a generic signed JSON (headers
 * X-Aicos-Event, X-Aicos-Delivery, X-Aicos-Timestamp and X-Aicos-Signature: sha256=<hex of
 * HMAC-SHA256(secret, timestamp "." body)>), the WeCom (企业微信) group bot, the DingTalk
 * (钉钉) bot (with its secret: timestamp and sign query arguments), the Feishu/Lark (飞书) bot
 * (with its secret: timestamp and sign in the body) and Slack-compatible JSON ({"text"}).
 *
 * Crash-safe and deduplicated through an outbox (notify_outbox, unique per hook and event):
 * events are queued in the database first, a delivery claims a row (next_at moved ahead as a
 * lease) before it calls out, marks it sent on success, and otherwise retries with
 * exponential backoff (30 s × 2^attempt, at most 1 h) up to NOTIFY_ATTEMPTS_MAX, then failed.
 * A kill between the call and the mark sends the event again after the lease: receivers
 * deduplicate on X-Aicos-Delivery (at-least-once). Secrets are sealed in the vault under
 * notify/<hook id>.
 */
#ifndef AICOS_ACTIONS_NOTIFY_H
#define AICOS_ACTIONS_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"
#include "vault/vault.h"

#define NOTIFY_ATTEMPTS_MAX 8
#define NOTIFY_LEASE_S      120
#define NOTIFY_BATCH        20
#define NOTIFY_URL_MAX      1000
#define NOTIFY_BRIEF_HOUR   8 /* UTC: the brief is queued once a day from this hour */

struct notify_hook_req {
    const char *kind;     /* generic, wecom, dingtalk, feishu, slack */
    const char *url;      /* http:// or https:// */
    const char *secret;   /* generic: required; dingtalk, feishu: optional; others: none */
    int64_t min_severity; /* 1..3 */
    bool brief;           /* also send the daily brief */
};

/* Adds a hook (its secret sealed in v); *id gets its id. ERR_INVAL for bad values. */
ERR_MUST_USE enum err notify_hook_add(struct db *db, struct vault *v,
                                      const struct notify_hook_req *r, const char *actor,
                                      int64_t now, char id[32], struct errbuf *eb);

/* [{id, kind, url, min_severity, brief, enabled, created_at}], secrets never shown. */
ERR_MUST_USE enum err notify_hooks_list(struct db *db, json_t **out, struct errbuf *eb);

/* url with everything after its origin hidden but the last 4 characters
 * ("https://hooks.slack.com/…XyZ9"): the key of a WeCom, Slack or Feishu URL is in its path or
 * query, so lists and pages show only this. */
void notify_url_mask(const char *url, char *out, size_t len);

/* Turns a hook on or off (off: nothing is queued or delivered for it). ERR_NOTFOUND. */
ERR_MUST_USE enum err notify_hook_enable(struct db *db, const char *id, bool enabled,
                                         struct errbuf *eb);

/* Sends a test event ({"event":"test"}) to hook id now, outside the outbox. ERR_NOTFOUND,
 * ERR_UPSTREAM "hook_test_failed" with the receiver's answer. */
ERR_MUST_USE enum err notify_hook_test(struct db *db, struct vault *v, const char *id, int64_t now,
                                       struct errbuf *eb);

/* Deletes a hook and its queued events. ERR_NOTFOUND when absent. */
ERR_MUST_USE enum err notify_hook_delete(struct db *db, struct vault *v, const char *id,
                                         struct errbuf *eb);

/* Queues, per hook, every open item at or above its severity opened since the hook was added,
 * and once a day the brief; each event at most once per hook. */
ERR_MUST_USE enum err notify_enqueue(struct db *db, int64_t now, struct errbuf *eb);

/* Delivers up to NOTIFY_BATCH due events; *sent and *failed count this call's outcomes. */
ERR_MUST_USE enum err notify_deliver(struct db *db, struct vault *v, int64_t now, int *sent,
                                     int *failed, struct errbuf *eb);

/* [{id, hook_id, dedupe, state, attempts, next_at, sent_at, last_error}] newest first. */
ERR_MUST_USE enum err notify_outbox_list(struct db *db, int64_t limit, json_t **out,
                                         struct errbuf *eb);

/* The ticker's after-pass callback: enqueue then deliver (ctx is the struct vault *). */
void notify_tick(void *ctx, struct db *db, int64_t now);

#endif
