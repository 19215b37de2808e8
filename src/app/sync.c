#include "app/sync.h"

enum err app_sync_run(const struct app *app, const struct app_actor *who,
                      const struct sync_run_opts *o, struct sync_run_result *r, struct errbuf *eb)
{
    struct connect_env env;
    app_connect_env(app, &env);
    enum err e = sync_run_stream(&env, o, r, eb);
    app_audit(app, who, "sync.run", o->connection_id, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? sync_stream_name(o->stream) : errbuf_code(eb, e));
    return e;
}

enum err app_sync_resume(const struct app *app, const struct app_actor *who, const char *conn,
                         enum sync_stream s, struct errbuf *eb)
{
    enum err e = sync_resume(app->db, conn, s, eb);
    app_audit(app, who, "sync.resume", conn, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? sync_stream_name(s) : errbuf_code(eb, e));
    return e;
}

enum err app_sync_cancel(const struct app *app, const struct app_actor *who, const char *id,
                         struct errbuf *eb)
{
    enum err e = sync_run_cancel(app->db, id, eb);
    app_audit(app, who, "sync.cancel", id, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "" : errbuf_code(eb, e));
    return e;
}
