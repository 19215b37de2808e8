/*
 * The integration tests' shared fixture: one temu-sandbox, a fresh database on the driver
 * under test, a vault master key and one `aicos serve` pointed at the sandbox, plus the
 * helpers that call them and parse the JSON answers. A test keeps one struct ts_app.
 */
#ifndef AICOS_TS_APP_H
#define AICOS_TS_APP_H

#include <jansson.h>
#include <stddef.h>

#include "testsupport.h"

struct ts_app {
    char *tmp; /* the test's folder (malloc'd) */
    struct ts_proc sandbox;
    unsigned sbx_port;
    char db_url[TS_PATH_MAX];
    char env_db[TS_PATH_MAX + 32];  /* "AICOS_DATABASE_URL=<db_url>" */
    char env_key[TS_PATH_MAX + 32]; /* "AICOS_MASTER_KEY_FILE=<tmp>/master.key" */
    char env_gw[128];               /* "AICOS_TEMU_GATEWAY_URL=<sandbox>/openapi/router" */
    struct ts_server server;
    char admin_hdr[160]; /* "Authorization: Bearer <seller_admin token>\r\n" */
    /* The other roles' headers, made by ts_app_role_headers(). */
    char viewer_hdr[160], operator_hdr[160], ops_hdr[160];
};

/*
 * Makes the folder (named after name), starts the sandbox with apps_json and sandbox_args
 * (ts_sandbox_start), writes the master key and picks a fresh database; fills every field
 * but the server and admin_hdr.
 */
void ts_app_prepare(struct ts_app *a, const char *name, const char *apps_json,
                    char *const sandbox_args[]);

/*
 * Starts `aicos serve` on a's database with the master key, the sandbox gateway and the
 * extra NULL-terminated env (may be NULL), then creates a seller_admin token for admin_hdr.
 */
void ts_app_serve(struct ts_app *a, char *const env[]);

/* Stops the server and the sandbox (whichever run) and frees the folder name. */
void ts_app_stop(struct ts_app *a);

/* A suite's teardown: ts_app_stop, then 0. */
int ts_app_teardown(struct ts_app *a);

/*
 * Runs `aicos sync run --connection conn_id --stream stream` from days before the sandbox's
 * epoch to completion (client rate 200/s); fails the test unless it succeeds.
 */
void ts_app_sync_days(const struct ts_app *a, const char *conn_id, const char *stream, int days);

/* Creates an API token for role on a's database and writes its Authorization header line. */
void ts_app_token_header(const struct ts_app *a, const char *role, char *hdr, size_t len);

/* Fills viewer_hdr, operator_hdr and ops_hdr with fresh tokens of those roles. */
void ts_app_role_headers(struct ts_app *a);

/*
 * Sends a request to aicos on port with the header lines hdr (may be NULL) and body as JSON
 * (may be NULL). Fails the test without an answer, or when want is not 0 and the status
 * differs. Returns the parsed body (NULL when it is not JSON); the caller json_decref()s it.
 */
json_t *ts_api_at(unsigned port, const char *method, const char *path, const char *hdr,
                  const char *body, int want);

/* ts_api_at on a's server with the header lines hdr. */
json_t *ts_api_as(const struct ts_app *a, const char *method, const char *path, const char *hdr,
                  const char *body, int want);

/* ts_api_at on a's server as the seller admin. */
json_t *ts_api(const struct ts_app *a, const char *method, const char *path, const char *body,
               int want);

/* A request to the sandbox's admin API; fails the test unless it answers 200. */
json_t *ts_sbx(const struct ts_app *a, const char *method, const char *path, const char *body);

/*
 * Stores the app credentials (region us) in aicos, asks the sandbox for a shop token with
 * token_request (the body of POST /_sandbox/tokens) and connects that shop in manual mode.
 * Writes the connection id into conn_id and (when not NULL) the shop token into token.
 */
void ts_app_connect_shop(const struct ts_app *a, const char *token_request, char *conn_id,
                         size_t conn_len, char *token, size_t token_len);

/* PUT /api/v1/integrations/temu/credentials with app_key and app_secret (region us). */
void ts_app_put_credentials(const struct ts_app *a, const char *app_key, const char *app_secret);

#endif
