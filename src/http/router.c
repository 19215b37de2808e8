#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Length of the segment starting at s (up to '/' or end). */
static size_t router_seg_len(const char *s)
{
    const char *slash = strchr(s, '/');
    return slash ? (size_t)(slash - s) : strlen(s);
}

/*
 * Matches path against pattern. When req is not NULL, captured parameters are stored in it.
 */
static int router_path_matches(const char *pattern, const char *path, struct http_req *req)
{
    const char *p = pattern, *u = path;
    unsigned nparams = 0;
    if (*p != '/' || *u != '/')
        return 0;
    while (*p == '/' && *u == '/') {
        p++;
        u++;
        size_t plen = router_seg_len(p), ulen = router_seg_len(u);
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (ulen == 0 || nparams >= LIMIT_HTTP_PATH_PARAMS)
                return 0;
            if (req != NULL) {
                req->param_names[nparams] = arena_strndup(req->arena, p + 1, plen - 2);
                req->param_values[nparams] = arena_strndup(req->arena, u, ulen);
                if (req->param_names[nparams] == NULL || req->param_values[nparams] == NULL)
                    return 0;
            }
            nparams++;
        } else if (plen != ulen || memcmp(p, u, plen) != 0) {
            return 0;
        }
        p += plen;
        u += ulen;
    }
    if (*p != '\0' || *u != '\0')
        return 0;
    if (req != NULL)
        req->nparams = nparams;
    return 1;
}

enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                const char *path, struct http_req *req, size_t *index, char *allow,
                                size_t allow_len)
{
    int path_seen = 0;
    size_t allow_used = 0;
    if (allow != NULL && allow_len > 0)
        allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!router_path_matches(routes[i].pattern, path, NULL))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            if (!router_path_matches(routes[i].pattern, path, req))
                return ROUTER_NO_PATH; /* arena exhausted */
            *index = i;
            return ROUTER_FOUND;
        }
        path_seen = 1;
        if (allow != NULL && allow_len > 0) {
            int w = snprintf(allow + allow_used, allow_len - allow_used, "%s%s",
                             allow_used ? ", " : "", routes[i].method);
            if (w > 0 && (size_t)w < allow_len - allow_used)
                allow_used += (size_t)w;
            else
                allow[allow_used] = '\0'; /* drop the truncated name */
        }
    }
    return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}

int router_pattern_valid(const char *pattern)
{
    if (pattern == NULL || pattern[0] != '/')
        return 0;
    unsigned params = 0;
    const char *p = pattern;
    while (*p == '/') {
        p++;
        size_t len = router_seg_len(p);
        if (len == 0)
            return p[0] == '\0' && p == pattern + 1; /* only "/" may end in a slash */
        if (p[0] == '{' || p[len - 1] == '}' || memchr(p, '{', len) || memchr(p, '}', len)) {
            if (!(len > 2 && p[0] == '{' && p[len - 1] == '}'))
                return 0;
            if (memchr(p + 1, '{', len - 2) || memchr(p + 1, '}', len - 2))
                return 0;
            if (++params > LIMIT_HTTP_PATH_PARAMS)
                return 0;
        }
        p += len;
    }
    return *p == '\0';
}
