#include "api.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tk_limits.h"

static const struct {
    int code;
    const char *text;
} api_messages[] = {
    {429, "Too many requests"},
    {-18010001, "The IP address is not in the whitelist"},
    {-18010002, "Invalid security key"},
    {-18010003, "Internal service error"},
    {-18010010, "The field {0} is required"},
    {-18010011, "The value of {0} is invalid"},
    {-18010012, "The format of {0} is invalid"},
    {-18010013, "Submitted data is invalid"},
    {-18010014, "The submitted numbers exceed the limit of 40"},
    {-18010016, "A last-mile carrier can only be set for postal services"},
    {-18010204, "No webhook URL is set, cannot push"},
    {-18019801, "The number {0} is registered under several carriers; specify carrier_old"},
    {-18019802, "The new carrier of {0} may be incorrect"},
    {-18019803, "The old and new carriers of {0} are the same"},
    {-18019804, "Specify carrier_new or final_carrier_new for {0}"},
    {-18019805, "The number {0} is not registered with this carrier"},
    {-18019806, "Stopped numbers cannot change carrier; retrack {0} first"},
    {-18019807, "The carrier of {0} has been changed the maximum number of times"},
    {-18019808, "No tracking result for {0} since registering or the last change; try later"},
    {-18019809, "A registration of {0} with the new carrier already exists"},
    {-18019810, "The change target of {0} is not unique"},
    {-18019811, "Nothing to change for {0}"},
    {-18019901, "The number {0} is already registered"},
    {-18019902, "The number {0} is not registered"},
    {-18019903, "The carrier of {0} cannot be detected; specify carrier"},
    {-18019904, "Only stopped numbers can be retracked: {0}"},
    {-18019905, "Each number can be retracked only once: {0}"},
    {-18019906, "Only numbers being tracked can be stopped: {0}"},
    {-18019907, "The daily registration limit is exceeded"},
    {-18019908, "The quota is used up"},
    {-18019909, "No tracking information for {0} at the moment"},
    {-18019910, "The carrier code of {0} is incorrect"},
    {-18019912, "Real-time tracking is not authorized for this account"},
};

static json_t *api_message(int code, const char *arg)
{
    const char *t = "Unknown error";
    for (size_t i = 0; i < sizeof api_messages / sizeof api_messages[0]; i++)
        if (api_messages[i].code == code)
            t = api_messages[i].text;
    char out[256];
    const char *ph = strstr(t, "{0}");
    if (ph != NULL)
        snprintf(out, sizeof out, "%.*s%s%s", (int)(ph - t), t, arg != NULL ? arg : "", ph + 3);
    else
        snprintf(out, sizeof out, "%s", t);
    return json_string(out);
}

json_t *api_error(int code, const char *arg)
{
    return json_pack("{s:i, s:{s:[{s:i, s:o}]}}", "code", code, "data", "errors", "code", code,
                     "message", api_message(code, arg));
}

static bool api_number_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < TK_NUMBER_MIN || n > TK_NUMBER_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

/* An optional integer field: true when absent (*out 0) or a positive integer. */
static bool api_opt_int(json_t *item, const char *name, int *out)
{
    json_t *v = json_object_get(item, name);
    *out = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > INT32_MAX)
        return false;
    *out = (int)json_integer_value(v);
    return true;
}

/* An optional param field: absent or null (*out NULL), or an object of at most TK_PARAM_MAX
 * bytes as compact JSON. */
static bool api_opt_param(json_t *item, json_t **out)
{
    json_t *v = json_object_get(item, "param");
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_object(v) || json_dumpb(v, NULL, 0, JSON_COMPACT) > TK_PARAM_MAX)
        return false;
    *out = v;
    return true;
}

/* An optional short string field: true when absent (*out NULL) or a string under max bytes. */
static bool api_opt_str(json_t *item, const char *name, size_t max, const char **out)
{
    json_t *v = json_object_get(item, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) > max)
        return false;
    *out = json_string_value(v);
    return true;
}

static void api_reject(json_t *rejected, const char *number, int carrier, int code, const char *arg)
{
    json_t *o = json_pack("{s:s, s:{s:i, s:o}}", "number", number, "error", "code", code, "message",
                          api_message(code, arg != NULL ? arg : number));
    if (carrier != 0)
        json_object_set_new(o, "carrier", json_integer(carrier));
    json_array_append_new(rejected, o);
}

/* The number of an item, upper-cased into out; 0, or the error code and its argument. */
static int api_item_number(json_t *item, char *out, size_t len, const char **arg)
{
    json_t *v = json_object_get(item, "number");
    out[0] = '\0';
    *arg = "number";
    if (!json_is_string(v) || json_string_length(v) == 0)
        return -18010010;
    const char *s = json_string_value(v);
    if (!api_number_ok(s)) {
        snprintf(out, len, "%.*s", TK_NUMBER_MAX, s);
        return -18010012;
    }
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    out[i] = '\0';
    *arg = NULL;
    return 0;
}

/* One item of a batch endpoint; returns the code (0: accepted). */
static int api_item(struct registry *r, const char *name, json_t *item, const char *number,
                    json_t **acc, int *carrier_out, const char **arg)
{
    int carrier, final_carrier;
    const char *tag, *lang;
    *carrier_out = 0;
    if (!api_opt_int(item, "carrier", &carrier)) {
        *arg = "carrier";
        return -18010011;
    }
    *carrier_out = carrier;
    if (strcmp(name, "register") == 0) {
        json_t *ad = json_object_get(item, "auto_detection"), *param;
        if (!api_opt_int(item, "final_carrier", &final_carrier))
            *arg = "final_carrier";
        else if (!api_opt_str(item, "tag", TK_TAG_MAX, &tag))
            *arg = "tag";
        else if (!api_opt_str(item, "lang", 16, &lang))
            *arg = "lang";
        else if (ad != NULL && !json_is_boolean(ad))
            *arg = "auto_detection";
        else if (!api_opt_param(item, &param))
            *arg = "param";
        else {
            struct registry_reg q = {
                number, carrier, ad == NULL || json_is_true(ad), final_carrier, tag, lang, param};
            return registry_register(r, &q, acc, carrier_out);
        }
        return -18010011;
    }
    if (strcmp(name, "changecarrier") == 0) {
        int c_old, c_new, f_old, f_new;
        if (!api_opt_int(item, "carrier_old", &c_old))
            *arg = "carrier_old";
        else if (!api_opt_int(item, "carrier_new", &c_new))
            *arg = "carrier_new";
        else if (!api_opt_int(item, "final_carrier_old", &f_old))
            *arg = "final_carrier_old";
        else if (!api_opt_int(item, "final_carrier_new", &f_new))
            *arg = "final_carrier_new";
        else {
            *carrier_out = c_old;
            return registry_change_carrier(r, number, c_old, c_new, f_old, f_new, acc);
        }
        return -18010011;
    }
    if (strcmp(name, "changeinfo") == 0) {
        json_t *param;
        if (!api_opt_str(item, "tag", TK_TAG_MAX, &tag))
            *arg = "tag";
        else if (!api_opt_str(item, "lang", 16, &lang))
            *arg = "lang";
        else if (!api_opt_param(item, &param))
            *arg = "param";
        else
            return registry_change_info(r, number, carrier, tag, param, lang, acc);
        return -18010011;
    }
    if (strcmp(name, "gettrackinfo") == 0)
        return registry_info(r, number, carrier, acc);
    if (strcmp(name, "stoptrack") == 0)
        return registry_stop(r, number, carrier, acc);
    if (strcmp(name, "retrack") == 0)
        return registry_retrack(r, number, carrier, acc);
    if (strcmp(name, "deletetrack") == 0)
        return registry_delete(r, number, carrier, acc);
    if (strcmp(name, "push") == 0)
        return registry_push(r, number, carrier, acc);
    return -18019912; /* getrealtimetrackinfo: this account is not approved */
}

static const char *const api_batch[] = {"register",   "gettrackinfo", "stoptrack",
                                        "retrack",    "deletetrack",  "changecarrier",
                                        "changeinfo", "push",         "getrealtimetrackinfo"};

bool api_known(const char *name)
{
    for (size_t i = 0; i < sizeof api_batch / sizeof api_batch[0]; i++)
        if (strcmp(api_batch[i], name) == 0)
            return true;
    return strcmp(name, "gettracklist") == 0 || strcmp(name, "getquota") == 0;
}

static json_t *api_batch_call(struct registry *r, const char *name, json_t *in)
{
    if (!json_is_array(in))
        return api_error(-18010013, NULL);
    if (json_array_size(in) > TK_ITEMS_MAX)
        return api_error(-18010014, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(in, i, item) if (!json_is_object(item)) return api_error(-18010013, NULL);
    json_t *accepted = json_array(), *rejected = json_array();
    json_array_foreach(in, i, item)
    {
        char number[TK_NUMBER_MAX + 1];
        const char *arg = NULL;
        json_t *acc = NULL;
        int carrier = 0;
        int code = api_item_number(item, number, sizeof number, &arg);
        if (code == 0)
            code = api_item(r, name, item, number, &acc, &carrier, &arg);
        if (code == 0)
            json_array_append_new(accepted, acc);
        else
            api_reject(rejected, number, carrier, code, arg);
    }
    return json_pack("{s:i, s:{s:o, s:o}}", "code", 0, "data", "accepted", accepted, "rejected",
                     rejected);
}

/* "2026-01-05T10:00:00Z", "2026-01-05 10:00:00" or "2026-01-05" (UTC) into *out. */
static bool api_time(json_t *v, int64_t *out)
{
    *out = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *s = json_string_value(v);
    char sep = 0, z = 0;
    int n = sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z);
    bool ok = (n == 3 && strlen(s) == 10) || (n == 7 && (sep == 'T' || sep == ' ')) ||
              (n == 8 && (sep == 'T' || sep == ' ') && z == 'Z' && s[strlen(s) - 1] == 'Z');
    if (!ok || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}

static json_t *api_list(struct registry *r, json_t *in)
{
    if (!json_is_object(in))
        return api_error(-18010013, NULL);
    struct registry_filter f;
    memset(&f, 0, sizeof f);
    char numbers[TK_ITEMS_MAX][TK_NUMBER_MAX + 1];
    const char *list, *ts, *order;
    if (!api_opt_str(in, "number", TK_ITEMS_MAX * (TK_NUMBER_MAX + 1), &list))
        return api_error(-18010011, "number");
    for (const char *p = list; p != NULL && *p;) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            if (f.nnumbers >= TK_ITEMS_MAX)
                return api_error(-18010014, NULL);
            if (len > TK_NUMBER_MAX)
                return api_error(-18010012, "number");
            for (size_t k = 0; k < len; k++)
                numbers[f.nnumbers][k] = (char)toupper((unsigned char)p[k]);
            numbers[f.nnumbers][len] = '\0';
            f.numbers[f.nnumbers] = numbers[f.nnumbers];
            f.nnumbers++;
        }
        p += len + (p[len] == ',');
    }
    if (!api_opt_int(in, "carrier", &f.carrier))
        return api_error(-18010011, "carrier");
    static const char *const mains[] = {"NotFound",        "InfoReceived",       "InTransit",
                                        "Expired",         "AvailableForPickup", "OutForDelivery",
                                        "DeliveryFailure", "Delivered",          "Exception"};
    if (!api_opt_str(in, "package_status", 32, &f.package_status))
        return api_error(-18010011, "package_status");
    bool known = f.package_status == NULL;
    for (size_t i = 0; i < sizeof mains / sizeof mains[0] && !known; i++)
        known = strcmp(mains[i], f.package_status) == 0;
    if (!known)
        return api_error(-18010011, "package_status");
    if (!api_opt_str(in, "tracking_status", 16, &ts) ||
        (ts != NULL && strcmp(ts, "Tracking") != 0 && strcmp(ts, "Stopped") != 0))
        return api_error(-18010011, "tracking_status");
    f.tracking_status = ts == NULL ? 0 : strcmp(ts, "Tracking") == 0 ? 1 : 2;
    static const char *const times[] = {"register_time_from", "register_time_to", "track_time_from",
                                        "track_time_to",      "push_time_from",   "push_time_to"};
    int64_t *slots[] = {&f.register_from, &f.register_to, &f.track_from,
                        &f.track_to,      &f.push_from,   &f.push_to};
    for (size_t i = 0; i < 6; i++)
        if (!api_time(json_object_get(in, times[i]), slots[i]))
            return api_error(-18010011, times[i]);
    static const char *const orders[] = {"RegisterTimeAsc", "RegisterTimeDesc", "TrackTimeAsc",
                                         "TrackTimeDesc",   "PushTimeAsc",      "PushTimeDesc"};
    if (!api_opt_str(in, "order_by", 32, &order))
        return api_error(-18010011, "order_by");
    bool order_ok = order == NULL;
    for (size_t i = 0; i < 6 && !order_ok; i++) {
        if (strcmp(orders[i], order) == 0) {
            f.order = (enum registry_order)i;
            order_ok = true;
        }
    }
    if (!order_ok)
        return api_error(-18010011, "order_by");
    json_t *pn = json_object_get(in, "page_no");
    f.page_no = 1;
    if (pn != NULL &&
        (!json_is_integer(pn) || json_integer_value(pn) < 1 || json_integer_value(pn) > 1000000))
        return api_error(-18010011, "page_no");
    if (pn != NULL)
        f.page_no = json_integer_value(pn);
    json_t *accepted;
    int64_t total;
    registry_list(r, &f, &accepted, &total);
    return json_pack("{s:{s:I, s:I, s:I, s:i}, s:i, s:{s:o, s:[]}}", "page", "data_total",
                     (json_int_t)total, "page_total",
                     (json_int_t)((total + TK_PAGE_SIZE - 1) / TK_PAGE_SIZE), "page_no",
                     (json_int_t)f.page_no, "page_size", TK_PAGE_SIZE, "code", 0, "data",
                     "accepted", accepted, "rejected");
}

json_t *api_handle(struct registry *r, const char *name, const char *body, size_t len)
{
    json_t *in = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *out;
    if (in == NULL)
        out = api_error(-18010013, NULL);
    else if (strcmp(name, "getquota") == 0)
        out = json_is_array(in) || json_is_object(in)
                  ? json_pack("{s:i, s:o}", "code", 0, "data", registry_quota_json(r))
                  : api_error(-18010013, NULL);
    else if (strcmp(name, "gettracklist") == 0)
        out = api_list(r, in);
    else
        out = api_batch_call(r, name, in);
    json_decref(in);
    return out;
}
