/*
 * `aicos deploy smoke`: checks a running deployment from the outside, over HTTPS with
 * libcurl (certificate verification on): the API and Web hosts' health, the OpenAPI
 * document, the callback diagnostics, the deployment packet, the callback route itself (a
 * request without code must get a 400 JSON error), the certificate (trusted, not expiring
 * soon) and the server clock (Temu rejects requests more than 300 s off).
 */
#ifndef AICOS_DEPLOY_SMOKE_H
#define AICOS_DEPLOY_SMOKE_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "base/limits.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"

/* The routes the smoke test calls (the callback routes are those of inputs.h). */
#define DEPLOY_SMOKE_PATH_HEALTH      "/healthz"
#define DEPLOY_SMOKE_PATH_OPENAPI     "/api/v1/openapi.json"
#define DEPLOY_SMOKE_PATH_DIAGNOSTICS "/api/v1/integrations/temu/authorization/callback/diagnostics"
#define DEPLOY_SMOKE_PATH_PACKET      "/api/v1/integrations/temu/deployment-packet"

struct deploy_smoke_opts {
    const char *api_origin; /* https://host[:port] */
    const char *web_origin;
    enum deploy_callback_mode mode;
    const char *token;  /* Bearer token for the deployment packet; may be NULL (a secret) */
    const char *cacert; /* extra CA bundle to trust instead of the system's; may be NULL */
    /* Test and diagnostic aid: "host:port:address" entries that bypass DNS (CURLOPT_RESOLVE). */
    const char *resolve[LIMIT_DEPLOY_RESOLVE_ENTRIES];
    size_t nresolve;
};

/*
 * Runs every check and appends findings to f. ERR_OK when the checks ran, whatever they
 * found; ERR_INVAL (with a sentence) when the options are unusable: an origin that is not
 * https://host[:port], a malformed --resolve entry, an unreadable --cacert.
 */
ERR_MUST_USE enum err deploy_smoke_run(const struct deploy_smoke_opts *opts,
                                       struct deploy_findings *f, struct errbuf *eb);

/*
 * The clock check on its own: date_header is the server's Date value (NULL when absent),
 * now the local time. smoke.clock_skew (blocker) beyond LIMIT_DEPLOY_CLOCK_SKEW_S,
 * smoke.clock_unknown (warning) when the header is missing or unreadable.
 */
void deploy_smoke_check_clock(const char *origin, const char *date_header, time_t now,
                              struct deploy_findings *f);

/*
 * The certificate-lifetime check on its own: expire_date as libcurl's certinfo gives it
 * ("Jan  2 03:04:05 2027 GMT"). smoke.cert_expired (blocker) when past, smoke.cert_expiring
 * (warning) within LIMIT_DEPLOY_CERT_WARN_DAYS.
 */
void deploy_smoke_check_cert_expiry(const char *host, const char *expire_date, time_t now,
                                    struct deploy_findings *f);

#endif
