#include "ai/labels.h"

#include <string.h>

static const char *const label_names[AI_NLABELS] = {
    "where_is_my_order", "delivery_late",  "delivered_not_received", "damaged_item",
    "wrong_item",        "missing_item",   "not_as_described",       "return_request",
    "refund_status",     "cancel_request", "change_address",         "invoice_request",
    "product_question",  "escalate",       "thanks_or_other",        "unknown"};

static const char *const lang_names[AI_NLANGS] = {"en", "es", "de", "fr", "it", "zh"};

const char *ai_label_name(int id)
{
    return id >= 0 && id < AI_NLABELS ? label_names[id] : "unknown";
}

int ai_label_find(const char *name)
{
    for (int i = 0; name != NULL && i < AI_NLABELS; i++) {
        if (strcmp(label_names[i], name) == 0)
            return i;
    }
    return -1;
}

const char *ai_lang_name(int i)
{
    return i >= 0 && i < AI_NLANGS ? lang_names[i] : "und";
}

bool ai_lang_known(const char *s)
{
    for (int i = 0; s != NULL && i < AI_NLANGS; i++) {
        if (strcmp(lang_names[i], s) == 0)
            return true;
    }
    return false;
}
