/*
 * Managing one parcel at 17TRACK: stop, retrack, change the carrier; and the provider's own
 * list (gettracklist). See tracking.h.
 */
#include <stdio.h>
#include <string.h>

#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"

/* The row's new state after an accepted action. */
ERR_MUST_USE static enum err manage_store(struct db *db, const char *id, const char *action,
                                          int64_t carrier, int64_t now, struct errbuf *eb)
{
    const char *state = strcmp(action, "stop") == 0 ? "stopped" : "registered";
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(state), DB_P_INT(carrier), DB_P_INT(now),
                           DB_P_TEXT(tracking_lane_name(tracking_lane_of_carrier(carrier)))};
    enum err e =
        db_pool_exec(db,
                     "UPDATE tracking_shipments SET reg_state = $2, carrier = CASE WHEN $3 > "
                     "0 THEN $3 ELSE carrier END, lane = CASE WHEN $3 > 0 THEN $5 ELSE lane "
                     "END, next_poll_at = 0, updated_at = $4 WHERE id = $1",
                     p, 5, NULL, eb);
    return e;
}

enum err tracking_manage(const struct connect_env *env, const char *id, const char *action,
                         int64_t new_carrier, int64_t now, json_t **out, struct errbuf *eb)
{
    static const struct {
        const char *action, *endpoint;
    } map[] = {{"stop", "stoptrack"}, {"retrack", "retrack"}, {"carrier", "changecarrier"}};
    const char *endpoint = NULL;
    for (size_t i = 0; action != NULL && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(action, map[i].action) == 0)
            endpoint = map[i].endpoint;
    if (endpoint == NULL || (strcmp(action, "carrier") == 0 && new_carrier <= 0))
        return err_set(eb, ERR_INVAL, "bad_action",
                       "The action is stop, retrack, or carrier with the new carrier code.");
    json_t *s = NULL;
    struct tracking_provider *p = NULL;
    enum err e = tracking_shipment_get(env->db, id, &s, eb);
    if (e == ERR_OK && strcmp(json_string_value(json_object_get(s, "provider")), "17track") != 0)
        e = err_set(eb, ERR_CONFLICT, "tracking_not_17track",
                    "Only parcels tracked through 17TRACK can be stopped, retracked or moved.");
    if (e == ERR_OK)
        e = tracking_provider_open(env, &p, eb);
    struct tracking_ref ref = {.number = json_string_value(json_object_get(s, "tracking_number")),
                               .carrier = json_integer_value(json_object_get(s, "carrier"))};
    struct tracking_reg_result res;
    if (e == ERR_OK)
        e = tracking_17track_manage(p, endpoint, &ref, &new_carrier, 1, &res, eb);
    if (e == ERR_OK && !res.accepted)
        e = err_set(eb, ERR_CONFLICT, "provider_refused", "17TRACK refused %s: %lld %s", endpoint,
                    (long long)res.code, res.message);
    if (e == ERR_OK)
        e = manage_store(env->db, id, action, strcmp(action, "carrier") == 0 ? new_carrier : 0, now,
                         eb);
    tracking_provider_free(p);
    json_decref(s);
    return e == ERR_OK ? tracking_shipment_get(env->db, id, out, eb) : e;
}

enum err tracking_remote_list(const struct connect_env *env, int64_t page_no, json_t **out,
                              struct errbuf *eb)
{
    struct tracking_provider *p = NULL;
    enum err e = tracking_provider_open(env, &p, eb);
    json_t *filter =
        json_pack("{s:I, s:s}", "page_no", (json_int_t)page_no, "order_by", "RegisterTimeAsc");
    if (e == ERR_OK && filter == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK)
        e = tracking_17track_list(p, filter, out, eb);
    json_decref(filter);
    tracking_provider_free(p);
    return e;
}
