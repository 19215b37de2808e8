/* The signed request inspector. */
#ifndef AICOS_CONNECT_INSPECT_H
#define AICOS_CONNECT_INSPECT_H

#include "connect/common.h"

struct connect_inspect_req {
    const char *type;          /* API type */
    const json_t *params;      /* business parameters (object) or NULL */
    enum temu_region region;   /* whose App Key/Secret sign */
    const char *connection_id; /* whose token to send, or NULL for none */
    bool send;                 /* also send it and report the answer */
};

/*
 * The signed request inspector: the canonical string with the secret and token masked, the
 * timestamp and its skew against the answer, the signature, the body (token masked) and,
 * when sent, the platform's answer or error. *out is a new object. ERR_INVAL for a bad type
 * or parameters; Temu failures are part of the answer, not errors.
 */
ERR_MUST_USE enum err connect_inspect(const struct connect_env *env,
                                      const struct connect_inspect_req *rq, int64_t now,
                                      json_t **out, struct errbuf *eb);

#endif
