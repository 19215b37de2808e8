/*
 * The webhook intake (temu-open-platform.md §9): verify, decrypt, store durably, schedule a
 * targeted refresh. It runs inside the HTTP request, which must be answered within 500 ms
 * (§9.6), so it only reads the vault and writes the database; it never calls Temu.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"
#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/credentials.h"
#include "temu/webhook.h"
#include "vault/vault.h"

/*
 * The streams an event code refreshes (at most two; NULL-terminated, empty for the portal's
 * test event and unknown codes). bg_cancel_order_status_change carries an after-sales record
 * (parentAfterSalesSn, parentAfterSalesStatus) about an order, so it refreshes both.
 */
static void intake_streams_of(const char *code, const char *out[3])
{
    out[0] = out[1] = out[2] = NULL;
    if (strcmp(code, "bg_order_status_change_event") == 0 ||
        strcmp(code, "bg_trade_logistics_address_changed") == 0) {
        out[0] = "orders";
        out[1] = "shipments"; /* a shipped order's parcels are read again */
    } else if (strcmp(code, "bg_cancel_order_status_change") == 0) {
        out[0] = "orders";
        out[1] = "buyer_cases";
    } else if (strcmp(code, "bg_aftersales_status_change") == 0) {
        out[0] = "buyer_cases";
    }
}

/* The App Secret of the region whose App Key is app_key; ERR_AUTH when none is. */
ERR_MUST_USE static enum err intake_secret(struct vault *v, const char *app_key, char **secret,
                                           size_t *secret_len, struct errbuf *eb)
{
    for (int r = 0; r < TEMU_REGION__COUNT; r++) {
        char key_name[48], secret_name[48];
        char *key = NULL;
        size_t key_len = 0;
        temu_credentials_names((enum temu_region)r, key_name, secret_name, sizeof key_name);
        if (vault_get(v, key_name, &key, &key_len, NULL) != ERR_OK)
            continue;
        bool match = key_len == strlen(app_key) && memcmp(key, app_key, key_len) == 0;
        vault_secret_free(key, key_len);
        if (match)
            return vault_get(v, secret_name, secret, secret_len, eb);
    }
    return err_set(eb, ERR_AUTH, "webhook_unknown_app", "No stored Temu app has that App Key.");
}

/* Lowers refresh_from of stream for every connection of mall_id to at (in c's transaction). */
ERR_MUST_USE static enum err intake_schedule(struct db_conn *c, int64_t mall_id, const char *stream,
                                             int64_t at, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(mall_id), DB_P_TEXT(stream), DB_P_INT(at)};
    return db_exec(c,
                   "UPDATE sync_state SET refresh_from = CASE WHEN refresh_from = 0 OR "
                   "refresh_from > $3 THEN $3 ELSE refresh_from END WHERE stream = $2 AND "
                   "connection_id IN (SELECT id FROM temu_connections WHERE mall_id = $1)",
                   p, 3, NULL, eb);
}

/* The event's id: the hash of app key, event code and the canonical event text (*text). */
ERR_MUST_USE static enum err intake_event_id(const struct temu_webhook_headers *h, json_t *event,
                                             char **text, char id[SECURE_HASH_HEX],
                                             struct errbuf *eb)
{
    *text = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
    size_t n = (*text != NULL ? strlen(*text) : 0) + strlen(h->app_key) + strlen(h->event_code) + 3;
    char *idsrc = *text != NULL ? malloc(n) : NULL;
    if (idsrc == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    snprintf(idsrc, n, "%s|%s|%s", h->app_key, h->event_code, *text);
    secure_hash_hex(idsrc, id);
    free(idsrc);
    return ERR_OK;
}

/* Stores the event once (a repeat counts a delivery) and schedules the streams it touches. */
ERR_MUST_USE static enum err intake_store(struct db *db, const struct temu_webhook_headers *h,
                                          json_t *event, const char *text, const char *id,
                                          int64_t now, bool *duplicate, struct errbuf *eb)
{
    int64_t sent_ms = 0;
    if (parse_int64(h->timestamp, INT64_MIN, INT64_MAX, &sent_ms) != ERR_OK)
        sent_ms = 0;
    const char *order_sn = json_string_value(json_object_get(event, "parentOrderSn"));
    int64_t mall_id = json_get_int(event, "mallId");
    int64_t changed = 0;
    struct db_param p[] = {
        DB_P_TEXT(id),
        DB_P_TEXT(h->app_key),
        DB_P_TEXT(h->event_code),
        DB_P_INT(sent_ms),
        DB_P_INT(now),
        DB_P_INT(mall_id),
        DB_P_TEXT(order_sn != NULL && strlen(order_sn) <= SYNC_SN_MAX ? order_sn : ""),
        DB_P_TEXT(text)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO temu_webhook_events (id, app_key, event_code, sent_at_ms, "
                    "received_at, mall_id, parent_order_sn, payload, processed_at) VALUES ($1, "
                    "$2, $3, $4, $5, $6, $7, $8, $5) ON CONFLICT (id) DO NOTHING",
                    p, 8, &changed, eb);
    if (e == ERR_OK && changed == 0) {
        *duplicate = true;
        e = db_exec(c, "UPDATE temu_webhook_events SET deliveries = deliveries + 1 WHERE id = $1",
                    p, 1, NULL, eb);
    }
    const char *streams[3];
    intake_streams_of(h->event_code, streams);
    /* The order event's updateTime is in seconds; the after-sales events' updateAt in
     * milliseconds (the official event table), so it is converted. */
    int64_t at = json_get_int(event, "updateTime");
    at = at > 0 ? at : sync_time_seconds(json_get_int(event, "updateAt"));
    for (size_t k = 0; e == ERR_OK && !*duplicate && mall_id > 0 && streams[k] != NULL; k++)
        e = intake_schedule(c, mall_id, streams[k], at > 0 && at <= now ? at : now, eb);
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

enum err sync_webhook_receive(struct db *db, struct vault *v, const struct temu_webhook_headers *h,
                              const char *body, size_t body_len, int64_t now, bool *duplicate,
                              struct errbuf *eb)
{
    char *secret = NULL, *text = NULL;
    size_t secret_len = 0;
    json_t *event = NULL;
    char id[SECURE_HASH_HEX];
    enum err e;
    *duplicate = false;
    if (v == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so the App Secret cannot be read.");
    if (h->app_key == NULL || h->event_code == NULL || h->timestamp == NULL ||
        h->signature == NULL || strlen(h->event_code) > SYNC_SN_MAX ||
        strlen(h->app_key) > TEMU_APP_KEY_MAX)
        return err_set(eb, ERR_BADREQ, "webhook_headers",
                       "A Temu event needs x-tm-app-key, x-tm-event-code, x-tm-timestamp and "
                       "x-tm-signature.");
    e = intake_secret(v, h->app_key, &secret, &secret_len, eb);
    if (e == ERR_OK)
        e = temu_webhook_open(secret, secret_len, h->app_key, h, body, body_len, &event, eb);
    if (e == ERR_INVAL || e == ERR_PARSE)
        e = err_set(eb, ERR_BADREQ, "webhook_malformed", "%s", errbuf_message(eb, e));
    if (e != ERR_OK)
        goto out;
    e = intake_event_id(h, event, &text, id, eb);
    if (e == ERR_OK)
        e = intake_store(db, h, event, text, id, now, duplicate, eb);
out:
    vault_secret_free(secret, secret_len);
    json_decref(event);
    free(text);
    return e;
}
