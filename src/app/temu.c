#include "app/temu.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "temu/credentials.h"
#include "temu/regions.h"

enum err app_temu_body_region(const struct app *app, const json_t *body, enum temu_region *out,
                              struct errbuf *eb)
{
    const char *name = json_get_string(body, "region");
    if (name == NULL || *name == '\0')
        name = app->cfg->temu_region;
    if (!temu_region_parse(name, out))
        return err_set(eb, ERR_INVAL, "bad_region",
                       "region must be one of us, eu, global, partner or cn.");
    return ERR_OK;
}

json_t *app_temu_session_json(const struct connect_session_out *s, const char *purpose)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s}", "id", s->id, "authorization_url",
                     s->url, "redirect_uri", s->redirect_uri, "expires_at",
                     (json_int_t)s->expires_at, "purpose", purpose, "production_path",
                     strcmp(purpose, "production") == 0, "note",
                     strcmp(purpose, "production") == 0
                         ? "Open the URL as a seller admin and approve the app in Temu Seller "
                           "Center. The shop login password is never needed."
                         : "Development debug entry: NOT the production path. For local "
                           "validation against the Temu sandbox only.");
}

enum err app_temu_session_start(const struct app *app, const struct app_actor *who,
                                const json_t *body, enum connect_purpose purpose,
                                struct connect_session_out *out, struct errbuf *eb)
{
    struct connect_env env;
    struct connect_session_req rq = {.purpose = purpose, .actor = who->name};
    const char *action = purpose == CONNECT_PURPOSE_DEV ? "temu.authorization.dev"
                                                        : "temu.authorization.session.create";
    app_connect_env(app, &env);
    enum err e = app_refuse_password_fields(body, eb);
    if (e == ERR_OK)
        e = app_temu_body_region(app, body, &rq.region, eb);
    if (e == ERR_OK &&
        !connect_seller_type_parse(json_get_string(body, "seller_type"), &rq.seller_type))
        e = err_set(eb, ERR_INVAL, "bad_seller_type", "seller_type must be local or cross_border.");
    const char *cid = json_get_string(body, "connection_id");
    rq.connection_id = cid != NULL && *cid != '\0' ? cid : NULL;
    if (e == ERR_OK)
        e = connect_session_create(&env, &rq, (int64_t)time(NULL), out, eb);
    if (e == ERR_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "session %s, region %s%s%s", out->id,
                 temu_region_name(rq.region), rq.connection_id ? ", re-authorizes " : "",
                 rq.connection_id ? rq.connection_id : "");
        app_audit(app, who, action, out->id, "success", detail);
    } else {
        app_audit(app, who, action, "", e == ERR_FORBIDDEN ? "denied" : "failure",
                  errbuf_code(eb, e));
    }
    return e;
}

enum err app_temu_session_cancel(const struct app *app, const struct app_actor *who, const char *id,
                                 struct errbuf *eb)
{
    struct connect_env env;
    app_connect_env(app, &env);
    enum err e = connect_session_cancel(&env, id, who->name, app_actor_is_admin(who),
                                        (int64_t)time(NULL), eb);
    app_audit(app, who, "temu.authorization.session.cancel", id ? id : "",
              e == ERR_OK ? "success" : "failure", e == ERR_OK ? "cancelled" : errbuf_code(eb, e));
    return e;
}

enum err app_temu_callback_run(const struct app *app, const struct app_actor *who, const char *code,
                               const char *state, const char *error, struct connect_result *out,
                               struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    char detail[ERRBUF_MSG_MAX + 160];
    app_connect_env(app, &env);
    enum err e = connect_callback(&env, code, state, error, (int64_t)time(NULL), out, &te, eb);
    if (e == ERR_OK)
        snprintf(detail, sizeof detail,
                 "session %s of %s: shop %lld in %s authorized%s; %zu scope(s)", out->session_id,
                 out->created_by, (long long)out->mall_id, out->region,
                 out->reauthorized ? " again (history kept)" : "", out->scopes);
    else
        snprintf(detail, sizeof detail, "%s%s%s: %s", out->session_id[0] ? "session " : "",
                 out->session_id, out->session_id[0] ? "" : "no session", errbuf_message(eb, e));
    if (e != ERR_OK && out->session_id[0] == '\0')
        /* Matches no session: an anonymous refusal, counted rather than audited one by one. */
        app_audit_refusal(app, who, "temu.authorization.callback", errbuf_code(eb, e));
    else
        app_audit(app, who, "temu.authorization.callback",
                  out->connection_id[0] ? out->connection_id : "",
                  e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err app_temu_launch_run(const struct app *app, const struct app_actor *who, const json_t *body,
                             json_t **out, struct errbuf *eb)
{
    struct connect_env env;
    enum temu_region region;
    json_t *blockers = NULL;
    app_connect_env(app, &env);
    enum err e = app_refuse_password_fields(body, eb);
    if (e == ERR_OK)
        e = app_temu_body_region(app, body, &region, eb);
    if (e == ERR_OK)
        e = connect_launch_blockers(&env, region, &blockers, eb);
    if (e != ERR_OK)
        return e;
    if (json_array_size(blockers) > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu gate(s) closed", json_array_size(blockers));
        app_audit(app, who, "temu.launch_packet", "", "denied", detail);
        *out = json_pack("{s:b, s:o, s:s}", "ready", 0, "blockers", blockers, "note",
                         "Nothing was created. The shop login password is never needed.");
        return *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(blockers);
    struct connect_session_out s;
    e = app_temu_session_start(app, who, body, CONNECT_PURPOSE_PRODUCTION, &s, eb);
    if (e != ERR_OK)
        return e;
    *out = json_pack("{s:b, s:o, s:o}", "ready", 1, "blockers", json_array(), "session",
                     app_temu_session_json(&s, "production"));
    return *out ? ERR_OK : ERR_NOMEM;
}

enum err app_temu_manual_run(const struct app *app, const struct app_actor *who,
                             const char *region_name, const char *token, const char *connection_id,
                             struct connect_result *out, struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    enum temu_region region;
    app_connect_env(app, &env);
    if (region_name == NULL || *region_name == '\0')
        region_name = app->cfg->temu_region;
    enum err e = temu_region_parse(region_name, &region)
                     ? ERR_OK
                     : err_set(eb, ERR_INVAL, "bad_region",
                               "region must be one of us, eu, global, partner or cn.");
    if (e == ERR_OK)
        e = connect_manual(&env, region, token,
                           connection_id != NULL && *connection_id ? connection_id : NULL,
                           who->name, (int64_t)time(NULL), out, &te, eb);
    char detail[ERRBUF_MSG_MAX + 64];
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "shop %lld in %s verified with info.get and stored%s",
                 (long long)out->mall_id, out->region,
                 out->reauthorized ? " (re-authorized, history kept)" : "");
    else
        snprintf(detail, sizeof detail, "%s", errbuf_message(eb, e));
    app_audit(app, who, "temu.authorization.manual", e == ERR_OK ? out->connection_id : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err app_temu_check_run(const struct app *app, const struct app_actor *who, const char *id,
                            json_t **out, struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    app_connect_env(app, &env);
    enum err e = connect_connection_check(&env, id, (int64_t)time(NULL), out, &te, eb);
    app_audit(app, who, "temu.connection.check", id ? id : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "token verified with info.get" : errbuf_message(eb, e));
    return e;
}

enum err app_temu_inspect_run(const struct app *app, const struct app_actor *who,
                              const json_t *body, json_t **out, struct errbuf *eb)
{
    struct connect_env env;
    app_connect_env(app, &env);
    struct connect_inspect_req rq = {
        .type = json_get_string(body, "type"),
        .params = json_object_get(body, "params"),
        .connection_id = json_get_string(body, "connection_id"),
        .send = !json_is_false(json_object_get(body, "send")),
    };
    enum err e = app_refuse_password_fields(body, eb);
    if (e == ERR_OK)
        e = app_temu_body_region(app, body, &rq.region, eb);
    if (e == ERR_OK)
        e = connect_inspect(&env, &rq, (int64_t)time(NULL), out, eb);
    app_audit(app, who, "temu.inspect", rq.type ? rq.type : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? (rq.send ? "signed and sent" : "signed, not sent")
                          : errbuf_code(eb, e));
    return e;
}

enum err app_temu_credentials_put(const struct app *app, const struct app_actor *who,
                                  const json_t *body, struct app_temu_credentials *out,
                                  struct errbuf *eb)
{
    enum err e = app_refuse_password_fields(body, eb);
    if (e != ERR_OK) {
        app_audit(app, who, "temu.credentials.write", "", "denied", "password-like field refused");
        return e;
    }
    if (!temu_region_parse(json_get_string(body, "region"), &out->region))
        return err_set(eb, ERR_INVAL, "bad_region",
                       "region must be one of US, EU, GLOBAL, PARTNER or CN.");
    if (app->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No master key is configured, so the App Secret cannot be stored "
                       "encrypted; configure AICOS_MASTER_KEY_FILE first.");
    temu_credentials_names(out->region, out->key_name, out->secret_name, sizeof out->key_name);
    e = temu_credentials_store(app->vault, out->region, json_get_string(body, "app_key"),
                               json_get_string(body, "app_secret"), who->name, out->key_masked,
                               out->secret_masked, eb);
    if (e == ERR_INVAL)
        return e;
    app_audit(app, who, "secret.write", out->secret_name, e == ERR_OK ? "success" : "failure",
              "Temu App Key and App Secret stored");
    return e;
}
