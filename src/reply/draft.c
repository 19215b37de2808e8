/*
 * Reply drafts (draft.h): the intent picks a template group, the facts pick the state, the
 * buyer's language the row (draft_text.c). The slots the chosen template names are its
 * required facts: the first one missing ends in no draft with that fact named.
 */
#include "reply/draft.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/tmpl.h"
#include "reply/draft_text.h"

static const char *const reply_intents[] = {
    "where_is_my_order", "delivery_late",  "delivered_not_received", "damaged_item",
    "wrong_item",        "missing_item",   "not_as_described",       "return_request",
    "refund_status",     "cancel_request", "change_address",         "invoice_request",
    "product_question",  "escalate",       "thanks_or_other",        "unknown"};

#define REPLY_INTENTS (sizeof reply_intents / sizeof reply_intents[0])

const char *reply_intent_at(unsigned i)
{
    return i < REPLY_INTENTS ? reply_intents[i] : NULL;
}

bool reply_intent_known(const char *intent)
{
    for (unsigned i = 0; intent != NULL && i < REPLY_INTENTS; i++) {
        if (strcmp(intent, reply_intents[i]) == 0)
            return true;
    }
    return false;
}

/* The operator's checklist of each intent that never gets a proposed answer. */
struct reply_checklist {
    const char *intent, *issue;
    struct reply_checklist_item items[REPLY_CHECKLIST_MAX];
};

#define CHECK_PHOTOS                                                                               \
    {                                                                                              \
        "请买家提供照片(商品、包装、面单)", "Ask for photos (item, packaging, label)"              \
    }
#define CHECK_POLICY                                                                               \
    {                                                                                              \
        "对照 Temu 售后规则决定处理方式", "Decide against Temu's after-sales rules"                \
    }
#define CHECK_NO_PROMISE                                                                           \
    {                                                                                              \
        "在决定前不要承诺退款、补偿或补发", "Promise no refund, compensation or replacement yet"   \
    }

static const struct reply_checklist reply_checklists[] = {
    {"escalate",
     "escalation (dispute, chargeback, legal or safety threat, abuse)",
     {{"由负责人处理,不要自动回复", "Hand to the owner of disputes; no automatic answer"},
      {"记录买家原话和时间", "Keep the buyer's words and times"},
      {"检查订单、物流和售后记录", "Check order, tracking and after-sales records"},
      CHECK_NO_PROMISE}},
    {"damaged_item",
     "damaged item",
     {CHECK_PHOTOS,
      {"核对发货包装和承运商", "Check the packing and the carrier"},
      CHECK_POLICY,
      CHECK_NO_PROMISE}},
    {"wrong_item",
     "wrong item received",
     {CHECK_PHOTOS,
      {"核对订单 SKU 与发出的商品", "Compare the ordered SKU with what was packed"},
      CHECK_POLICY,
      CHECK_NO_PROMISE}},
    {"missing_item",
     "missing item or parts",
     {CHECK_PHOTOS,
      {"核对包裹重量和装箱单", "Check parcel weight and packing list"},
      CHECK_POLICY,
      CHECK_NO_PROMISE}},
    {"not_as_described",
     "not as described",
     {CHECK_PHOTOS,
      {"对照商品页面描述", "Compare with the listing's description"},
      CHECK_POLICY,
      CHECK_NO_PROMISE}},
    {"delivered_not_received",
     "delivered but not received",
     {{"查看承运商的签收证明", "Check the carrier's proof of delivery"},
      {"请买家询问邻居和代收点", "Ask the buyer to check neighbours and pick-up points"},
      CHECK_POLICY,
      CHECK_NO_PROMISE}},
};

bool reply_intent_is_checklist(const char *intent)
{
    for (size_t i = 0; i < sizeof reply_checklists / sizeof reply_checklists[0]; i++) {
        if (strcmp(reply_checklists[i].intent, intent) == 0)
            return true;
    }
    return false;
}

/* The template group and fact state for intent on f; false (with why) when there is none. */
static bool reply_pick(const char *intent, const struct reply_facts *f, const char **group,
                       const char **state, struct reply_draft *d)
{
    bool sent = f->ship == REPLY_SHIP_SHIPPED || f->ship == REPLY_SHIP_DELIVERED;
    *state = "any";
    if (strcmp(intent, "where_is_my_order") == 0 || strcmp(intent, "delivery_late") == 0 ||
        (strcmp(intent, "change_address") == 0 && f->ship == REPLY_SHIP_CANCELLED)) {
        *group = "track";
        *state = f->ship == REPLY_SHIP_CANCELLED   ? "cancelled"
                 : f->ship == REPLY_SHIP_DELIVERED ? "delivered"
                 : f->ship == REPLY_SHIP_SHIPPED
                     ? (*f->value[REPLY_FACT_LAST_EVENT] ? "shipped_event" : "shipped")
                     : "not_shipped";
    } else if (strcmp(intent, "refund_status") == 0) {
        *group = "refund";
        *state = f->refunded ? "refunded" : "pending";
    } else if (strcmp(intent, "cancel_request") == 0 || strcmp(intent, "change_address") == 0) {
        bool cancel = strcmp(intent, "cancel_request") == 0;
        *group = sent ? "shipped_already" : cancel ? "cancel" : "address";
        *state = sent ? "shipped" : "not_shipped";
    } else {
        *group = strcmp(intent, "return_request") == 0     ? "return"
                 : strcmp(intent, "invoice_request") == 0  ? "invoice"
                 : strcmp(intent, "product_question") == 0 ? "question"
                 : strcmp(intent, "thanks_or_other") == 0  ? "thanks"
                                                           : NULL;
    }
    if (f->ship == REPLY_SHIP_UNKNOWN && (strcmp(*group ? *group : "", "track") == 0 ||
                                          strcmp(*group ? *group : "", "address") == 0)) {
        snprintf(d->why, sizeof d->why, "The order is not synced: its shipping state is unknown.");
        return false;
    }
    if (*group == NULL)
        snprintf(d->why, sizeof d->why, "The intent is unknown: relabel the case to get a draft.");
    return *group != NULL;
}

/* The enum reply_fact named name[0..n), or -1 for a slot that is not a fact. */
static int reply_fact_of(const char *name, size_t n)
{
    for (int i = 0; i < REPLY_FACT__COUNT; i++) {
        const char *f = reply_fact_name((enum reply_fact)i);
        if (strlen(f) == n && memcmp(f, name, n) == 0)
            return i;
    }
    return -1;
}

/* The text of fact i for a draft in lang (the case state in the buyer's words). */
static const char *reply_slot_text(const struct reply_facts *f, int i, const char *lang)
{
    if (i == REPLY_FACT_CASE_STATUS) {
        const char *w = reply_case_status_label(f->value[i], lang);
        return w != NULL ? w : "";
    }
    return f->value[i];
}

/*
 * Renders template t into d from f's facts (and the non-fact slot issue, when given). A fact
 * the template names and f lacks makes d a REPLY_DRAFT_NONE naming it.
 */
ERR_MUST_USE static enum err reply_fill(const char *t, const struct reply_facts *f,
                                        const char *issue, struct reply_draft *d, struct errbuf *eb)
{
    struct tmpl_slot slots[REPLY_FACT__COUNT + 1];
    size_t n = 0;
    bool issue_named = false;
    for (const char *p = strstr(t, "{{"); p != NULL; p = strstr(p + 2, "{{")) {
        const char *name = p + 2, *end = strstr(name, "}}");
        size_t len = end != NULL ? (size_t)(end - name) : 0;
        if (issue != NULL && len == 5 && memcmp(name, "issue", 5) == 0) {
            if (!issue_named)
                slots[n++] = (struct tmpl_slot){"issue", issue};
            issue_named = true;
            continue;
        }
        int i = reply_fact_of(name, len);
        if (i < 0)
            return err_set(eb, ERR_INTERNAL, "template_slot", "template slot %.*s is no fact",
                           (int)len, name);
        snprintf(d->slot[i], REPLY_FACT_MAX, "%s", reply_slot_text(f, i, d->lang));
        if (d->slot[i][0] == '\0') {
            d->kind = REPLY_DRAFT_NONE;
            d->missing = i;
            snprintf(d->why, sizeof d->why, "Missing fact: %s.",
                     reply_fact_name((enum reply_fact)i));
            return ERR_OK;
        }
        if ((d->used & (1u << i)) == 0)
            slots[n++] = (struct tmpl_slot){reply_fact_name((enum reply_fact)i), d->slot[i]};
        d->used |= 1u << i;
    }
    struct buf out = {.max = REPLY_DRAFT_MAX};
    enum err e = tmpl_render(t, strlen(t), slots, n, &out, eb);
    if (e == ERR_OK)
        snprintf(d->text, sizeof d->text, "%s", out.data != NULL ? out.data : "");
    buf_free(&out);
    return e;
}

void reply_draft_guard_in(const struct reply_draft *d, const struct reply_facts *f,
                          const char **values, struct reply_guard_in *in)
{
    size_t n = 0;
    for (int i = 0; i < REPLY_FACT__COUNT; i++) {
        values[n++] = f->value[i];
        values[n++] = d->slot[i];
    }
    *in = (struct reply_guard_in){.lang = d->kind == REPLY_DRAFT_CHECKLIST ? "en" : d->lang,
                                  .facts = values,
                                  .nfacts = n,
                                  .refund_allowed = f->refunded};
}

/* The summary and checklist of a checklist intent (in English for the operator). */
ERR_MUST_USE static enum err reply_checklist_build(const struct reply_facts *f,
                                                   const struct reply_checklist *c,
                                                   struct reply_draft *d, struct errbuf *eb)
{
    static const char summary[] = "Case {{case}} on order {{order}}: the buyer reports {{issue}}. "
                                  "Case status: {{case_status}}. Check before you answer.";
    snprintf(d->lang, sizeof d->lang, "en");
    d->kind = REPLY_DRAFT_CHECKLIST;
    d->state = "checklist";
    d->tmpl = summary;
    d->items = c->items;
    d->issue = c->issue;
    while (d->nitems < REPLY_CHECKLIST_MAX && c->items[d->nitems].en != NULL)
        d->nitems++;
    return reply_fill(summary, f, c->issue, d, eb);
}

/* The template row of group, state and lang; NULL when there is none. */
static const struct reply_tmpl *reply_tmpl_find(const char *group, const char *state,
                                                const char *lang)
{
    for (size_t i = 0; i < reply_tmpls_count; i++) {
        const struct reply_tmpl *t = &reply_tmpls[i];
        if (strcmp(t->group, group) == 0 && strcmp(t->state, state) == 0 &&
            strcmp(t->lang, lang) == 0)
            return t;
    }
    return NULL;
}

/* Fills d from the template of intent (a buyer reply), or says why there is none. */
ERR_MUST_USE static enum err reply_answer_build(const struct reply_facts *f, const char *intent,
                                                struct reply_draft *d, struct errbuf *eb)
{
    const char *group = NULL, *state = NULL;
    d->kind = REPLY_DRAFT_NONE;
    if (!reply_pick(intent, f, &group, &state, d))
        return ERR_OK;
    const struct reply_tmpl *t = reply_tmpl_find(group, state, d->lang);
    d->state = state;
    if (t == NULL) {
        snprintf(d->why, sizeof d->why, "No reply template in language %s.", d->lang);
        return ERR_OK;
    }
    d->kind = REPLY_DRAFT_REPLY;
    d->tmpl = t->text;
    return reply_fill(t->text, f, NULL, d, eb);
}

enum err reply_draft_build(const struct reply_facts *f, const char *intent, const char *lang,
                           struct reply_draft *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    out->missing = -1;
    if (!reply_intent_known(intent))
        return err_set(eb, ERR_INVAL, "bad_intent", "Unknown intent label.");
    snprintf(out->intent, sizeof out->intent, "%s", intent);
    snprintf(out->lang, sizeof out->lang, "%s", lang != NULL && *lang ? lang : "en");
    enum err e = ERR_OK;
    const struct reply_checklist *c = NULL;
    for (size_t i = 0; i < sizeof reply_checklists / sizeof reply_checklists[0]; i++)
        c = strcmp(reply_checklists[i].intent, intent) == 0 ? &reply_checklists[i] : c;
    e = c != NULL ? reply_checklist_build(f, c, out, eb) : reply_answer_build(f, intent, out, eb);
    if (e != ERR_OK || out->kind == REPLY_DRAFT_NONE)
        return e;
    const char *values[2 * REPLY_FACT__COUNT];
    struct reply_guard_in in;
    struct reply_guard_verdict v;
    reply_draft_guard_in(out, f, values, &in);
    if (!reply_guard_check(out->text, &in, &v)) { /* a fact's own text can trip a guard */
        out->kind = REPLY_DRAFT_NONE;
        snprintf(out->why, sizeof out->why, "The draft fails the %s guard: %.100s.",
                 reply_guard_rule_name(v.rule), v.detail);
        out->text[0] = '\0';
    }
    return ERR_OK;
}

/* The parts of d's text: its template's literal pieces and the slots, each fact named. */
static json_t *reply_draft_parts(const struct reply_draft *d)
{
    json_t *parts = json_array();
    const char *t = d->tmpl;
    while (parts != NULL && t != NULL && *t != '\0') {
        const char *p = strstr(t, "{{"), *end = p != NULL ? strstr(p, "}}") : NULL;
        size_t lit = p != NULL && end != NULL ? (size_t)(p - t) : strlen(t);
        if (lit > 0)
            json_array_append_new(parts, json_pack("{s:s%}", "text", t, lit));
        if (p == NULL || end == NULL)
            break;
        int i = reply_fact_of(p + 2, (size_t)(end - p - 2));
        if (i >= 0)
            json_array_append_new(parts, json_pack("{s:s, s:s}", "fact",
                                                   reply_fact_name((enum reply_fact)i), "text",
                                                   d->slot[i]));
        else /* the checklist's issue words */
            json_array_append_new(parts, json_pack("{s:s}", "text", d->issue ? d->issue : ""));
        t = end + 2;
    }
    return parts;
}

json_t *reply_draft_json(const struct reply_draft *d)
{
    static const char *const kinds[] = {"reply", "checklist", "none"};
    json_t *used = json_array(), *items = json_array();
    for (int i = 0; used != NULL && i < REPLY_FACT__COUNT; i++) {
        if (d->used & (1u << i))
            json_array_append_new(used, json_string(reply_fact_name((enum reply_fact)i)));
    }
    for (unsigned i = 0; items != NULL && i < d->nitems; i++)
        json_array_append_new(items,
                              json_pack("{s:s, s:s}", "zh", d->items[i].zh, "en", d->items[i].en));
    bool none = d->kind == REPLY_DRAFT_NONE;
    return json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o, s:o, s:s?, s:s?, s:o}", "kind",
                     kinds[d->kind], "intent", d->intent, "lang", d->lang, "state", d->state,
                     "text", none ? json_null() : json_string(d->text), "facts_used",
                     used ? used : json_array(), "parts",
                     none ? json_array() : reply_draft_parts(d), "missing_fact",
                     d->missing >= 0 ? reply_fact_name((enum reply_fact)d->missing) : NULL, "why",
                     *d->why ? d->why : NULL, "checklist", items ? items : json_array());
}
