#include "app/actions.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const op_names[] = {"snooze", "resolve", "assign", "reopen"};

bool app_action_op_parse(const char *op, enum actions_op *out)
{
    for (size_t i = 0; op != NULL && i < sizeof op_names / sizeof op_names[0]; i++) {
        if (strcmp(op, op_names[i]) == 0) {
            *out = (enum actions_op)i;
            return true;
        }
    }
    return false;
}

enum err app_action_change(const struct app *app, const struct app_actor *who, enum actions_op op,
                           const char *id, int64_t until, const char *assignee, const char *note,
                           struct errbuf *eb)
{
    char action[32], detail[160];
    struct actions_change ch = {.op = op,
                                .id = id,
                                .actor = who->name,
                                .role = who->role,
                                .until = until,
                                .assignee = assignee,
                                .note = note,
                                .now = (int64_t)time(NULL)};
    enum err e = actions_apply(app->db, &ch, eb);
    snprintf(action, sizeof action, "action.%s", op_names[op]);
    if (e != ERR_OK)
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    else if (op == ACTIONS_OP_SNOOZE) {
        /* A time people read in the audit log, not a Unix number. */
        time_t t = (time_t)until;
        struct tm tm;
        char iso[32] = "?";
        if (gmtime_r(&t, &tm) != NULL)
            strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        snprintf(detail, sizeof detail, "until %s", iso);
    } else if (op == ACTIONS_OP_ASSIGN)
        snprintf(detail, sizeof detail, "assignee %.64s", assignee ? assignee : "");
    else
        detail[0] = '\0';
    app_audit(app, who, action, id != NULL ? id : "", e == ERR_OK ? "success" : "failure", detail);
    return e;
}
