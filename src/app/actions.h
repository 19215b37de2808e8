/*
 * The audited use-cases of the action center (src/actions does the work): a person snoozes,
 * resolves, assigns or reopens an item. POST /api/v1/actions/{id}/... and the action center's
 * forms call these; both write the same audit entry ("action.<op>", target the item id) and
 * the item's own history row.
 */
#ifndef AICOS_APP_ACTIONS_H
#define AICOS_APP_ACTIONS_H

#include "actions/actions.h"
#include "app/app.h"

/* The operation named op ("snooze", "resolve", "assign", "reopen"); false when unknown. */
bool app_action_op_parse(const char *op, enum actions_op *out);

/*
 * Applies op to item id as who (its role limits what it may see). until: SNOOZE's end (unix
 * s); assignee: ASSIGN's user ("" to unassign); note optional. Errors as actions_apply.
 */
ERR_MUST_USE enum err app_action_change(const struct app *app, const struct app_actor *who,
                                        enum actions_op op, const char *id, int64_t until,
                                        const char *assignee, const char *note, struct errbuf *eb);

#endif
