/* The 16 intent labels of buyer-case triage, in the fixed order the model stores them. */
#ifndef AICOS_AI_LABELS_H
#define AICOS_AI_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#define AI_NLABELS 16

enum ai_label_id {
    AI_WHERE_IS_MY_ORDER,
    AI_DELIVERY_LATE,
    AI_DELIVERED_NOT_RECEIVED,
    AI_DAMAGED_ITEM,
    AI_WRONG_ITEM,
    AI_MISSING_ITEM,
    AI_NOT_AS_DESCRIBED,
    AI_RETURN_REQUEST,
    AI_REFUND_STATUS,
    AI_CANCEL_REQUEST,
    AI_CHANGE_ADDRESS,
    AI_INVOICE_REQUEST,
    AI_PRODUCT_QUESTION,
    AI_ESCALATE,
    AI_THANKS_OR_OTHER,
    AI_UNKNOWN
};

/* The label's name ("where_is_my_order"); id must be < AI_NLABELS. */
const char *ai_label_name(int id);

/* The id of a label name, or -1. */
int ai_label_find(const char *name);

/* The shipped languages "en es de fr it zh", by index < AI_NLANGS. */
#define AI_NLANGS 6
const char *ai_lang_name(int i);

/* True when s is one of the shipped language codes. */
bool ai_lang_known(const char *s);

#endif
