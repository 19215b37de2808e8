/*
 * The Temu provider: temu.track.trackinginfo.get by packageSn with the parcel's connection's
 * Temu client, every request drawing on the app's budget shared by all processes
 * (sync_budget_acquire, as the sync engine does). Nothing is registered and nothing is
 * pushed. See provider.h.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "connect/connect.h"
#include "sync/sync.h"
#include "temu/api.h"
#include "temu/client.h"
#include "tracking/provider.h"
#include "vault/vault.h"

#define PTEMU_CLIENTS 16 /* connections one refresh keeps a client for */

struct ptemu_client {
    char connection_id[CONNECT_ID_LEN + 1];
    struct temu_client *client;
    struct sync_budget budget;
};

struct ptemu {
    const struct connect_env *env;
    struct ptemu_client clients[PTEMU_CLIENTS];
    size_t count;
};

/* The (cached) client of a connection. */
ERR_MUST_USE static enum err ptemu_client(struct ptemu *s, const char *conn,
                                          struct temu_client **out, struct errbuf *eb)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->clients[i].connection_id, conn) == 0) {
            *out = s->clients[i].client;
            return ERR_OK;
        }
    }
    if (s->count == PTEMU_CLIENTS || strlen(conn) > CONNECT_ID_LEN)
        return err_set(eb, ERR_LIMIT, "too_many_connections", "too many connections at once");
    enum temu_region region;
    char *token = NULL;
    size_t token_len = 0;
    struct ptemu_client *pc = &s->clients[s->count];
    enum err e = connect_token_get(s->env, conn, &region, &token, &token_len, eb);
    if (e == ERR_OK)
        e = connect_client_new(s->env, region, token, &pc->client, eb);
    if (token != NULL)
        vault_secret_free(token, token_len);
    if (e != ERR_OK)
        return e;
    memcpy(pc->connection_id, conn, strlen(conn) + 1);
    pc->budget.db = s->env->db;
    pc->budget.app_key = temu_client_app_key(pc->client);
    pc->budget.rate = (uint32_t)s->env->cfg->temu_rate_limit;
    temu_client_set_acquire(pc->client, sync_budget_acquire, &pc->budget);
    s->count++;
    *out = pc->client;
    return ERR_OK;
}

ERR_MUST_USE static enum err ptemu_register(struct tracking_provider *p,
                                            const struct tracking_ref *refs, size_t n,
                                            struct tracking_reg_result *res, struct errbuf *eb)
{
    (void)p;
    (void)refs;
    (void)eb;
    for (size_t i = 0; i < n; i++)
        res[i] = (struct tracking_reg_result){.accepted = true};
    return ERR_OK;
}

/* One parcel's scans into u. */
ERR_MUST_USE static enum err ptemu_one(struct ptemu *s, const struct tracking_ref *r,
                                       struct tracking_update *u, struct errbuf *eb)
{
    struct temu_client *c = NULL;
    struct temu_tracking t = {0};
    struct temu_error te;
    snprintf(u->number, sizeof u->number, "%s", r->number);
    enum err e = ptemu_client(s, r->connection_id != NULL ? r->connection_id : "", &c, eb);
    if (e != ERR_OK)
        return e;
    e = temu_api_tracking_get(c, r->package_sn, NULL, &t, &te);
    if (e != ERR_OK) {
        if (te.code == 170070011)
            return ERR_OK; /* unknown package: not found */
        return err_set(eb, te.cls == TEMU_ERROR_AUTH ? ERR_AUTH : ERR_UPSTREAM,
                       te.cls == TEMU_ERROR_AUTH ? "temu_token_rejected" : "temu_call_failed",
                       "Temu trackinginfo.get failed: %lld %.200s", (long long)te.code, te.message);
    }
    u->found = true;
    u->events = t.count > 0 ? calloc(t.count, sizeof *u->events) : NULL;
    for (size_t i = 0; u->events != NULL && i < t.count && i < TRACKING_EVENTS_MAX; i++) {
        struct tracking_event *ev = &u->events[u->count++];
        bool known = false;
        ev->at = t.events[i].updated_at;
        ev->status = tracking_status_from_temu(t.events[i].status, &known);
        snprintf(ev->raw, sizeof ev->raw, "%s", t.events[i].status);
        snprintf(ev->text, sizeof ev->text, "%s", t.events[i].text);
        if (ev->status == TRACKING_DELIVERED && u->delivered_at == 0)
            u->delivered_at = ev->at;
        if (strcmp(ev->raw, "Picked up") == 0)
            u->picked_up_at = ev->at;
    }
    temu_tracking_clear(&t);
    tracking_events_normalize(u);
    if (u->count > 0) {
        u->has_status = true;
        u->status = u->events[0].status;
        u->latest_at = u->events[0].at;
        snprintf(u->raw_status, sizeof u->raw_status, "%s", u->events[0].raw);
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err ptemu_fetch(struct tracking_provider *p,
                                         const struct tracking_ref *refs, size_t n,
                                         struct tracking_update *out, struct errbuf *eb)
{
    for (size_t i = 0; i < n; i++) {
        enum err e = ptemu_one(p->impl, &refs[i], &out[i], eb);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err ptemu_push_open(struct tracking_provider *p, const char *body,
                                             size_t len, const char *sign,
                                             struct tracking_update *out, struct errbuf *eb)
{
    (void)p;
    (void)body;
    (void)len;
    (void)sign;
    (void)out;
    return err_set(eb, ERR_BADREQ, "push_unsupported", "The Temu provider has no pushes.");
}

ERR_MUST_USE static enum err ptemu_quota(struct tracking_provider *p, struct tracking_quota *out,
                                         struct errbuf *eb)
{
    (void)p;
    (void)eb;
    memset(out, 0, sizeof *out);
    out->remain = -1; /* no quota: limited by the Temu request budget only */
    return ERR_OK;
}

static void ptemu_free(struct tracking_provider *p)
{
    struct ptemu *s = p->impl;
    for (size_t i = 0; i < s->count; i++)
        temu_client_free(s->clients[i].client);
    free(s);
    free(p);
}

static const struct tracking_provider_ops ptemu_ops = {
    .name = "temu",
    .register_numbers = ptemu_register,
    .fetch = ptemu_fetch,
    .push_open = ptemu_push_open,
    .quota = ptemu_quota,
    .free = ptemu_free,
    .batch = 20,
};

enum err tracking_provider_temu_new(const struct connect_env *env, struct tracking_provider **out,
                                    struct errbuf *eb)
{
    struct tracking_provider *p = calloc(1, sizeof *p);
    struct ptemu *s = calloc(1, sizeof *s);
    *out = NULL;
    if (p == NULL || s == NULL) {
        free(p);
        free(s);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    s->env = env;
    p->ops = &ptemu_ops;
    p->impl = s;
    *out = p;
    return ERR_OK;
}

enum err tracking_temu_client(struct tracking_provider *p, const char *conn,
                              struct temu_client **out, struct errbuf *eb)
{
    if (p == NULL || p->ops != &ptemu_ops)
        return err_set(eb, ERR_INVAL, NULL, "not the Temu provider");
    return ptemu_client(p->impl, conn, out, eb);
}
