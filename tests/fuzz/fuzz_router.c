/*
 * Fuzz target: the router's path matching (router_match) over the real route table. The
 * first input byte picks the method, the rest is the path (as the server hands it over:
 * decoded, NUL-terminated). A match fills one parameter per {name} of the pattern, each a
 * non-empty segment of the path, and putting the values into the pattern gives back the
 * path; "no method" lists the methods the path accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routes/routes.h"
#include "base/buf.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "get"};

/* The pattern with each {name} replaced by the value of that parameter. */
static void fill(struct buf *b, const char *pattern, const struct http_req *req)
{
    unsigned k = 0;
    for (const char *p = pattern; *p != '\0';) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close == NULL || k >= req->nparams ||
                strncmp(req->param_names[k], p + 1, (size_t)(close - p - 1)) != 0 ||
                req->param_names[k][close - p - 1] != '\0')
                abort();
            if (req->param_values[k][0] == '\0' || strchr(req->param_values[k], '/') != NULL)
                abort();
            if (buf_puts(b, req->param_values[k++]) != ERR_OK)
                abort();
            p = close + 1;
        } else {
            if (buf_append(b, p, 1) != ERR_OK)
                abort();
            p++;
        }
    }
    if (k != req->nparams)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    char *path = malloc(size);
    if (path == NULL)
        abort();
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    struct http_req req = {0};
    struct buf b = {0};
    req.arena = arena_new(1u << 20);
    if (req.arena == NULL)
        abort();
    size_t index = 0;
    char allow[128];
    enum router_result r =
        router_match(api_routes, api_routes_count, method, path, &req, &index, allow, sizeof allow);
    if (r == ROUTER_FOUND) {
        if (index >= api_routes_count || strcmp(api_routes[index].method, method) != 0)
            abort();
        fill(&b, api_routes[index].pattern, &req);
        if (strcmp(b.data, path) != 0)
            abort();
    } else if (r == ROUTER_NO_METHOD) {
        if (allow[0] == '\0' || strstr(allow, method) != NULL)
            abort();
    } else if (r != ROUTER_NO_PATH) {
        abort();
    }
    buf_free(&b);
    arena_free(req.arena);
    free(path);
    return 0;
}
