/*
 * The mainland China compliance sign-off kept in deploy_signoffs: the one in force,
 * recording it, revoking it.
 */
#ifndef AICOS_DEPLOY_SIGNOFF_H
#define AICOS_DEPLOY_SIGNOFF_H

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

/* The mainland sign-off in force as a new object, or a new JSON null when there is none. */
ERR_MUST_USE enum err deploy_signoff_current(struct db *db, json_t **out, struct errbuf *eb);

/*
 * Records the compliance sign-off of the mainland China strategy by actor (an ops user).
 * body: {"cleared_by": who cleared it (1..LIMIT_DEPLOY_SIGNOFF_NAME_BYTES), "cleared": every
 * one of "domain", "hosting", "data", "compliance", "note"?: text}; other fields are refused.
 * ERR_INVAL (nothing stored) naming the defect; ERR_CONFLICT when a sign-off is already in
 * force. *out gets the stored sign-off (new reference).
 */
ERR_MUST_USE enum err deploy_signoff_record(struct db *db, const char *actor, const json_t *body,
                                            json_t **out, struct errbuf *eb);

/*
 * Revokes the sign-off in force; body {"reason": text}. ERR_INVAL for a missing or bad
 * reason, ERR_NOTFOUND when none is in force. *out gets the revoked sign-off.
 */
ERR_MUST_USE enum err deploy_signoff_revoke(struct db *db, const char *actor, const json_t *body,
                                            json_t **out, struct errbuf *eb);

#endif
