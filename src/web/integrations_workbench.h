/*
 * Private to the Integrations page (integrations_page.c, integrations_workbench.c): what a
 * form post adds to the page it renders, and the workbench card.
 */
#ifndef AICOS_WEB_INTEGRATIONS_WORKBENCH_H
#define AICOS_WEB_INTEGRATIONS_WORKBENCH_H

#include <jansson.h>
#include <stdbool.h>

#include "connect/connect.h"
#include "http/http.h"
#include "web/html.h"

struct page_extra {
    const char *notice_kind; /* "ok", "error", "info" or NULL */
    const char *notice;
    const struct connect_session_out *session; /* a session just created */
    bool session_dev;
    const json_t *launch; /* a launch packet result */
};

/* The workbench card: launch packet, dev entry, connections, sessions, manual token form. */
void integrations_workbench(struct http_req *req, struct html *h, const struct page_extra *x,
                            const json_t *sessions, const json_t *conns);

#endif
