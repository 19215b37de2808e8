/* The OpenAPI 3.1 document, generated from the route table so the two cannot drift. */
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "api/openapi.h"

#include "api/api.h"
#include "auth/roles.h"
#include "version.h"

/* "GET /api/v1/things/{id}" becomes "getApiV1ThingsId". */
static json_t *openapi_operation_id(const struct route *r)
{
    char id[256];
    size_t n = 0;
    for (const char *m = r->method; *m && n < sizeof id - 1; m++)
        id[n++] = (char)tolower((unsigned char)*m);
    int upper = 1;
    for (const char *p = r->pattern; *p && n < sizeof id - 1; p++) {
        if (isalnum((unsigned char)*p)) {
            id[n++] = upper ? (char)toupper((unsigned char)*p) : *p;
            upper = 0;
        } else {
            upper = 1;
        }
    }
    id[n] = '\0';
    return json_string(id);
}

static json_t *openapi_path_parameters(const char *pattern)
{
    json_t *params = json_array();
    for (const char *p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (end == NULL)
            break;
        json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
                                                (size_t)(end - p - 1), "in", "path", "required", 1,
                                                "schema", "type", "string"));
    }
    return params;
}

static json_t *openapi_operation(const struct route *r)
{
    const char *type = r->response_type ? r->response_type : "application/json";
    json_t *op = json_pack(
        "{s:o, s:s, s:[s], s:o, s:{s:{s:s, s:{s:{}}}, s:{s:s, s:{s:{s:{s:s}}}}}}", "operationId",
        openapi_operation_id(r), "summary", r->summary ? r->summary : "", "tags",
        r->tag ? r->tag : "general", "parameters", openapi_path_parameters(r->pattern), "responses",
        "200", "description", "Success.", "content", type, "default", "description",
        "An error; see the Error schema.", "content", "application/json", "schema", "$ref",
        "#/components/schemas/Error");
    if (op == NULL)
        return NULL;
    if (r->flags & ROUTE_JSON_BODY)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content",
                                      "application/json", "schema", "type", "object"));
    if (r->flags & ROUTE_PUBLIC) {
        json_object_set_new(op, "security", json_array());
        return op;
    }
    /* Either scheme, each naming the least role (OpenAPI 3.1 allows role names for
     * non-OAuth schemes); cookie callers also send X-CSRF-Token on state changes. */
    const char *role =
        auth_role_name((enum auth_role)(r->min_role ? r->min_role : ROLE_SELLER_ADMIN));
    json_object_set_new(op, "security",
                        json_pack("[{s:[s]}, {s:[s]}]", "bearer", role, "session", role));
    json_object_set_new(op, "x-aicos-min-role", json_string(role));
    json_t *responses = json_object_get(op, "responses");
    json_object_set_new(responses, "401",
                        json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
                                  "No valid API token or session.", "content", "application/json",
                                  "schema", "$ref", "#/components/schemas/Error"));
    json_object_set_new(responses, "403",
                        json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
                                  "Below the least role, or a cookie write without CSRF.",
                                  "content", "application/json", "schema", "$ref",
                                  "#/components/schemas/Error"));
    return op;
}

json_t *api_openapi_document(const struct route *routes, size_t n)
{
    json_t *paths = json_object();
    if (paths == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const struct route *r = &routes[i];
        if (r->flags & ROUTE_INTERNAL)
            continue;
        json_t *item = json_object_get(paths, r->pattern);
        if (item == NULL) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        char method[16];
        size_t m = 0;
        for (; r->method[m] && m < sizeof method - 1; m++)
            method[m] = (char)tolower((unsigned char)r->method[m]);
        method[m] = '\0';
        json_object_set_new(item, method, openapi_operation(r));
    }
    json_t *error_schema =
        json_pack("{s:s, s:[s], s:{s:{s:s, s:[s,s], s:{s:{s:s}, s:{s:s}}}}}", "type", "object",
                  "required", "error", "properties", "error", "type", "object", "required", "code",
                  "message", "properties", "code", "type", "string", "message", "type", "string");
    json_t *schemes = json_pack(
        "{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "bearer", "type", "http", "scheme", "bearer",
        "description", "An API token from `aicos token create` (role fixed at creation).",
        "session", "type", "apiKey", "in", "cookie", "name", "aicos_session", "description",
        "The console session from POST /api/v1/session; state-changing requests also send its "
        "csrf_token as X-CSRF-Token.");
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:[{s:[]}, {s:[]}], s:{s:{s:o}, s:o}}",
                     "openapi", "3.1.0", "info", "title", "AI Commerce OS API", "version",
                     AICOS_VERSION, "description",
                     "Self-hosted operations back end for Temu sellers. Each operation names its "
                     "least role (viewer < operator < ops < seller_admin) in its security "
                     "requirement and in x-aicos-min-role.",
                     "paths", paths, "security", "bearer", "session", "components", "schemas",
                     "Error", error_schema, "securitySchemes", schemes);
}

/* The document cannot change while the process runs: it is built and serialized once. */
static char *openapi_text;
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;
/* The app of the thread that builds the document (the once routine runs in that thread). */
static _Thread_local const struct app *openapi_app;

static void openapi_build(void)
{
    json_t *doc = api_openapi_document(openapi_app->routes, openapi_app->nroutes);
    if (doc != NULL)
        openapi_text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
}

enum err api_openapi(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    openapi_app = req->app;
    pthread_once(&openapi_once, openapi_build);
    if (openapi_text == NULL)
        return ERR_NOMEM;
    return http_resp_text(resp, 200, "application/json", openapi_text, strlen(openapi_text));
}
