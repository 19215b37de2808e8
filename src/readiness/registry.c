/*
 * The integration registry: a table of integrations, each with a function that computes its
 * row from real state. Adding an integration is adding a row here.
 */
#include <stdio.h>
#include <string.h>

#include "readiness/facts.h"
#include "readiness/readiness.h"
#include "settlement/status.h"
#include "sync/sync.h"
#include "tracking/tracking.h"

#define REGISTRY_TEXT_MAX      400
#define REGISTRY_SYNC_RECENT_S (24 * 3600) /* "connected" needs a successful sync this recent */

struct registry_row {
    const char *status;
    char risk[REGISTRY_TEXT_MAX];
    char next[REGISTRY_TEXT_MAX];
    int64_t last_success_at; /* 0: never */
    int64_t auth_errors, sync_errors;
    const char *token_warning;     /* NULL when none */
    int64_t token_days_left;       /* valid with token_warning or an active connection */
    struct readiness_facts *facts; /* read once for all rows (and the progress, on a page) */
};

typedef enum err (*registry_compute_fn)(const struct connect_env *env, int64_t now,
                                        struct registry_row *row, struct errbuf *eb);

struct registry_entry {
    const char *key;
    const char *item;
    const char *owner;
    registry_compute_fn compute;
};

/* Sets the row's status, its risk and its next step (texts, not formats). */
static void registry_say(struct registry_row *row, const char *status, const char *risk,
                         const char *next)
{
    row->status = status;
    snprintf(row->risk, sizeof row->risk, "%s", risk);
    snprintf(row->next, sizeof row->next, "%s", next);
}

static bool registry_any_credentials(struct registry_row *row)
{
    const bool *present = NULL;
    if (readiness_facts_creds(row->facts, &present, NULL) != ERR_OK)
        return false;
    for (int r = 0; r < TEMU_REGION__COUNT; r++) {
        if (present[r])
            return true;
    }
    return false;
}

/* An active connection with no token or connection trouble: judged by the sync runs. */
ERR_MUST_USE static enum err registry_temu_sync(const struct connect_env *env, int64_t now,
                                                const struct connect_summary *s, int64_t days,
                                                struct registry_row *row, struct errbuf *eb)
{
    (void)env;
    const struct sync_summary *sp = NULL;
    enum err e = readiness_facts_sync(row->facts, &sp, eb);
    if (e != ERR_OK)
        return e;
    const struct sync_summary ss = *sp;
    if (ss.last_success_at > 0 && ss.paused == 0 && ss.failing == 0 &&
        now - ss.last_success_at <= REGISTRY_SYNC_RECENT_S) {
        row->status = "connected";
        snprintf(row->risk, sizeof row->risk,
                 "%lld shop(s) authorized and verified; token expires in %lld day(s); "
                 "the latest sync succeeded.",
                 (long long)s->active, (long long)days);
        snprintf(row->next, sizeof row->next, "Nothing to do.");
    } else if (ss.paused > 0 || ss.failing > 0) {
        row->status = ss.paused > 0 ? "paused" : "degraded";
        snprintf(row->risk, sizeof row->risk, "Sync is %s: %.300s",
                 ss.paused > 0 ? "paused" : "failing", ss.last_error);
        snprintf(row->next, sizeof row->next,
                 "operator: read /api/v1/sync/runs, fix the cause, aicos sync resume.");
    } else {
        row->status = "authorized";
        snprintf(row->risk, sizeof row->risk,
                 "%lld shop(s) connected (authorized and verified); token expires in "
                 "%lld day(s); no recent successful sync.",
                 (long long)s->active, (long long)days);
        snprintf(row->next, sizeof row->next,
                 "operator: aicos sync run --connection ID --stream orders.");
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err registry_temu(const struct connect_env *env, int64_t now,
                                           struct registry_row *row, struct errbuf *eb)
{
    const struct connect_summary *sp = NULL;
    enum err e = readiness_facts_connect(row->facts, &sp, eb);
    if (e != ERR_OK)
        return e;
    const struct connect_summary s = *sp;
    row->last_success_at = s.last_success_at;
    row->auth_errors = s.auth_errors;
    row->sync_errors = s.sync_errors;
    if (s.active > 0) {
        int64_t days = connect_days_left(s.soonest_expiry, now);
        row->token_days_left = days;
        row->token_warning = connect_expiry_warning(days);
        if (days <= CONNECT_WARN_DAYS_7) {
            row->status = "degraded";
            snprintf(row->risk, sizeof row->risk,
                     "The Temu token expires in %lld day(s); sync stops when it does.",
                     (long long)days);
            snprintf(row->next, sizeof row->next,
                     "seller_admin: re-authorize the connection in /integrations.");
        } else if (s.failed > 0) {
            row->status = "degraded";
            snprintf(row->risk, sizeof row->risk, "One Temu connection failed: %s.",
                     s.failed_reason);
            snprintf(row->next, sizeof row->next,
                     "seller_admin: re-authorize the failed connection in /integrations.");
        } else {
            e = registry_temu_sync(env, now, &s, days, row, eb);
            if (e != ERR_OK)
                return e;
        }
    } else if (s.failed > 0) {
        row->status = "failed";
        snprintf(row->risk, sizeof row->risk, "Temu authorization is broken: %s.", s.failed_reason);
        snprintf(row->next, sizeof row->next,
                 "seller_admin: re-authorize the connection in /integrations.");
    } else if (s.open_sessions > 0) {
        registry_say(row, "authorization_pending",
                     "Temu authorization session created. Complete the Seller Center callback to "
                     "enable automatic sync.",
                     "seller_admin: approve the authorization URL in Temu Seller Center.");
    } else if (registry_any_credentials(row)) {
        registry_say(row, "configured",
                     "App Key/App Secret stored; no shop has authorized the app yet.",
                     "seller_admin: generate the authorization URL in /integrations.");
    } else {
        registry_say(row, "not_configured",
                     "No Temu App Key/App Secret is stored, so nothing can be synced.",
                     "Store them: aicos temu credentials set --region us --app-key KEY "
                     "--app-secret-file FILE.");
    }
    return ERR_OK;
}

/* The risk sentence of flagged parcels: the orders by name, or their count when many. */
static void registry_tracking_risk(const struct tracking_summary *t, struct registry_row *row)
{
    if (t->flagged <= 3) {
        size_t n =
            (size_t)snprintf(row->risk, sizeof row->risk, "Tracking update delay observed for");
        for (size_t i = 0; i < 3 && t->flagged_orders[i][0] && n < sizeof row->risk; i++)
            n += (size_t)snprintf(row->risk + n, sizeof row->risk - n, "%s %s", i ? "," : "",
                                  t->flagged_orders[i]);
        if (n < sizeof row->risk)
            snprintf(row->risk + n, sizeof row->risk - n, "%s.",
                     t->flagged_orders[0][0] ? "" : " parcels entered by hand");
    } else {
        snprintf(row->risk, sizeof row->risk,
                 "Tracking update delay observed for %lld orders (%s, %s, ...).",
                 (long long)t->flagged, t->flagged_orders[0], t->flagged_orders[1]);
    }
}

ERR_MUST_USE static enum err registry_tracking(const struct connect_env *env, int64_t now,
                                               struct registry_row *row, struct errbuf *eb)
{
    struct tracking_summary t;
    enum err e = tracking_summary_get(env, &t, eb);
    if (e != ERR_OK)
        return e;
    bool is17 = strcmp(t.settings.provider, "17track") == 0;
    row->last_success_at = t.settings.last_ok_at;
    if (strcmp(t.settings.provider, "none") == 0 || (is17 && !t.key_present)) {
        registry_say(row, "not_configured",
                     "No tracking provider is configured, so no parcel is followed.",
                     "logistics: choose a provider in Settings > Carrier tracking "
                     "(/settings/tracking) or aicos tracking configure --provider temu (or "
                     "17track --key-file F).");
    } else if (t.settings.key_refused_at > 0) {
        row->status = "failed";
        row->auth_errors = 1;
        snprintf(row->risk, sizeof row->risk, "The tracking provider refuses the key: %.300s",
                 t.settings.last_error);
        snprintf(row->next, sizeof row->next,
                 "logistics: store a valid key: aicos tracking configure --provider 17track "
                 "--key-file F.");
    } else if (!t.settings.enabled) {
        registry_say(row, "configured",
                     "Tracking refreshes are switched off: parcels change only by push.",
                     "logistics: turn refreshes on in /settings/tracking (or aicos tracking "
                     "configure --enable).");
    } else if (t.settings.last_ok_at == 0 || now - t.settings.last_ok_at > TRACKING_RECENT_S) {
        row->status = "configured";
        row->sync_errors = t.settings.last_error[0] ? 1 : 0;
        snprintf(row->risk, sizeof row->risk,
                 "Provider %s configured; no recent successful "
                 "refresh%s%.250s",
                 t.settings.provider, t.settings.last_error[0] ? ": " : ".", t.settings.last_error);
        snprintf(row->next, sizeof row->next, "logistics: aicos tracking refresh.");
    } else if (t.flagged > 0) {
        row->status = "degraded";
        registry_tracking_risk(&t, row);
        snprintf(row->next, sizeof row->next,
                 "logistics: review /shipments?flag=any and contact the carrier or the buyer.");
    } else {
        row->status = "connected";
        snprintf(row->risk, sizeof row->risk,
                 "%lld parcel(s) followed through %s (%lld open); none delayed or stalled.",
                 (long long)t.parcels, t.settings.provider, (long long)t.open);
        snprintf(row->next, sizeof row->next, "Nothing to do.");
        if (t.unmapped > 0)
            snprintf(row->next, sizeof row->next,
                     "logistics: %lld open parcel(s) have a carrier no mapping names (left to "
                     "17TRACK's auto-detection): map it in /settings/tracking.",
                     (long long)t.unmapped);
    }
    return ERR_OK;
}

/* The risk of a degraded settlement row: overdue orders and unexplained variance, named. */
static void registry_settlement_risk(const struct settle_status *st, struct registry_row *row)
{
    struct money miss = {st->missing_minor, ""}, var = {st->unexplained_minor, ""};
    snprintf(miss.currency, sizeof miss.currency, "%s", st->currency[0] ? st->currency : "USD");
    memcpy(var.currency, miss.currency, sizeof var.currency);
    char a[MONEY_FORMAT_MAX] = "", b[MONEY_FORMAT_MAX] = "";
    err_discard(money_format(&miss, MONEY_STYLE_EN, a, sizeof a));
    err_discard(money_format(&var, MONEY_STYLE_EN, b, sizeof b));
    row->status = "degraded";
    snprintf(row->risk, sizeof row->risk,
             "%lld order(s) overdue without settlement (%s expected), unexplained variance %s on "
             "%lld order(s): %.160s",
             (long long)st->missing, a, b, (long long)st->unexplained_orders, st->orders);
    snprintf(row->next, sizeof row->next,
             "Import the missing statements on /settlements, or open each order's settlement to "
             "see which lines are missing.");
}

ERR_MUST_USE static enum err registry_settlement(const struct connect_env *env, int64_t now,
                                                 struct registry_row *row, struct errbuf *eb)
{
    (void)now;
    struct settle_status st;
    enum err e = settle_status_get(env->db, &st, eb);
    if (e != ERR_OK)
        return e;
    row->last_success_at = st.ran_at;
    if (st.imports == 0 && st.profiles == 0 && !st.api_credential) {
        registry_say(row, "not_configured",
                     "No statement has been imported and no payout provider credential is set: "
                     "settlements are not reconciled.",
                     "Import a Temu FundDetail workbook or a settlement CSV on /settlements.");
    } else if (st.missing > 0 || st.unexplained_minor > SETTLE_VARIANCE_MAX_MINOR) {
        registry_settlement_risk(&st, row);
    } else if (!st.api_credential) {
        row->status = "configured";
        snprintf(row->risk, sizeof row->risk, "Settlement import pending real API credential");
        snprintf(row->next, sizeof row->next,
                 "%lld file(s) imported, %lld line(s); store the payout provider's API credential "
                 "(aicos settlement airwallex set-credential) to import settlements by API.",
                 (long long)st.imports, (long long)st.lines);
    } else if (st.api_error[0] != '\0') {
        row->status = "degraded";
        snprintf(row->risk, sizeof row->risk, "The payout provider's API import fails: %s",
                 st.api_error);
        snprintf(row->next, sizeof row->next,
                 "Check the credential (aicos settlement airwallex status), then run aicos "
                 "settlement airwallex sync.");
    } else {
        row->status = "connected";
        snprintf(row->risk, sizeof row->risk,
                 "Payout provider credential stored; %lld file(s) imported; the last "
                 "reconciliation found nothing overdue or unexplained.",
                 (long long)st.imports);
        snprintf(row->next, sizeof row->next, "Nothing to do.");
        if (st.api_ok_at > row->last_success_at)
            row->last_success_at = st.api_ok_at;
    }
    return ERR_OK;
}

static const struct registry_entry registry_entries[] = {
    {"temu", "Temu Open Platform", "temu", registry_temu},
    {"carrier_tracking", "Carrier Tracking", "logistics", registry_tracking},
    {"payment_settlement", "Payment Settlement", "payments", registry_settlement},
};

enum err readiness_registry_of(struct readiness_facts *f, json_t **out, struct errbuf *eb)
{
    const struct connect_env *env = f->env;
    int64_t now = f->now;
    json_t *list = json_array();
    if (list == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < sizeof registry_entries / sizeof registry_entries[0]; i++) {
        const struct registry_entry *en = &registry_entries[i];
        struct registry_row row;
        memset(&row, 0, sizeof row);
        row.facts = f;
        enum err e = en->compute(env, now, &row, eb);
        if (e != ERR_OK) {
            json_decref(list);
            return e;
        }
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I}, s:s}", "key", en->key,
                              "item", en->item, "owner", en->owner, "status", row.status, "risk",
                              row.risk, "last_success_at",
                              row.last_success_at ? json_integer(row.last_success_at) : json_null(),
                              "errors", "auth", (json_int_t)row.auth_errors, "sync",
                              (json_int_t)row.sync_errors, "next_action", row.next);
        if (j != NULL && row.token_warning != NULL)
            json_object_set_new(j, "token_warning",
                                json_pack("{s:s, s:I}", "level", row.token_warning, "days_left",
                                          (json_int_t)row.token_days_left));
        if (j == NULL || json_array_append_new(list, j) != 0) {
            json_decref(list);
            return err_set(eb, ERR_NOMEM, NULL, "out of memory");
        }
    }
    *out = json_pack("{s:o}", "integrations", list);
    return *out ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
}
