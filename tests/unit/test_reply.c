/*
 * Unit tests of the reply drafts (src/reply/draft.c, guard.c): table-driven over intent ×
 * fact state × language (every slot from the facts, every number and date in the facts, no
 * forbidden content, the buyer's language, the missing fact named and no draft), and the
 * guards on their own, including the kind of text an LLM makes up.
 */
#include "testsupport.h"

#include <stdio.h>
#include <string.h>

#include "reply/draft.h"
#include "reply/guard.h"

static const char *const langs[] = {"en", "es", "de", "fr", "it"};

/* Every fact present: a shipped order with a last event, a paid refund. */
static void facts_full(struct reply_facts *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->connection_id, sizeof f->connection_id, "conn-1");
    snprintf(f->value[REPLY_FACT_ORDER], REPLY_FACT_MAX, "PO-211-20531946082830118");
    snprintf(f->value[REPLY_FACT_CASE], REPLY_FACT_MAX, "PO-211-20531946082830118-D01");
    snprintf(f->value[REPLY_FACT_CASE_STATUS], REPLY_FACT_MAX, "refunded");
    snprintf(f->value[REPLY_FACT_CARRIER], REPLY_FACT_MAX, "USPS");
    snprintf(f->value[REPLY_FACT_TRACKING], REPLY_FACT_MAX, "9400111899562938501736");
    snprintf(f->value[REPLY_FACT_LAST_EVENT], REPLY_FACT_MAX, "Arrived at USPS Regional Facility");
    snprintf(f->value[REPLY_FACT_EVENT_DATE], REPLY_FACT_MAX, "2026-12-02");
    snprintf(f->value[REPLY_FACT_PROMISED], REPLY_FACT_MAX, "2026-12-09");
    snprintf(f->value[REPLY_FACT_REFUND], REPLY_FACT_MAX, "12.34 USD");
    f->ship = REPLY_SHIP_SHIPPED;
    f->refunded = true;
}

/* The fact states of the table: each changes the full facts one way. */
enum state {
    S_FULL,
    S_NO_EVENT,
    S_NOT_SHIPPED,
    S_DELIVERED,
    S_CANCELLED,
    S_UNSYNCED,
    S_OPEN,
    S__N
};

static void facts_state(struct reply_facts *f, enum state s)
{
    facts_full(f);
    if (s == S_NO_EVENT || s == S_NOT_SHIPPED) {
        f->value[REPLY_FACT_LAST_EVENT][0] = f->value[REPLY_FACT_EVENT_DATE][0] = '\0';
    }
    if (s == S_NOT_SHIPPED) {
        f->value[REPLY_FACT_CARRIER][0] = f->value[REPLY_FACT_TRACKING][0] = '\0';
        f->ship = REPLY_SHIP_NOT_SHIPPED;
    }
    f->ship = s == S_DELIVERED   ? REPLY_SHIP_DELIVERED
              : s == S_CANCELLED ? REPLY_SHIP_CANCELLED
              : s == S_UNSYNCED  ? REPLY_SHIP_UNKNOWN
                                 : f->ship;
    if (s == S_OPEN) {
        snprintf(f->value[REPLY_FACT_CASE_STATUS], REPLY_FACT_MAX, "open");
        f->value[REPLY_FACT_REFUND][0] = '\0';
        f->refunded = false;
    }
}

/* The text equals its parts joined, and every fact part quotes its fact's slot. */
static void check_parts(const struct reply_draft *d)
{
    json_t *j = reply_draft_json(d);
    char joined[4 * REPLY_DRAFT_MAX] = "";
    size_t i;
    const json_t *p;
    assert_non_null(j);
    json_array_foreach(json_object_get(j, "parts"), i, p)
    {
        const char *fact = json_string_value(json_object_get(p, "fact"));
        const char *t = json_string_value(json_object_get(p, "text"));
        if (fact != NULL)
            assert_true(strlen(t) > 0);
        strncat(joined, t, sizeof joined - strlen(joined) - 1);
    }
    assert_string_equal(joined, d->text);
    json_decref(j);
}

/* What every draft built from f must satisfy. */
static void check_draft(const struct reply_draft *d, const struct reply_facts *f, const char *lang)
{
    const char *values[2 * REPLY_FACT__COUNT];
    struct reply_guard_in in;
    struct reply_guard_verdict v;
    if (d->kind == REPLY_DRAFT_NONE) {
        assert_true(d->why[0] != '\0');
        assert_string_equal(d->text, "");
        return;
    }
    assert_null(strstr(d->text, "{{"));
    assert_string_equal(d->lang, d->kind == REPLY_DRAFT_CHECKLIST ? "en" : lang);
    for (int i = 0; i < REPLY_FACT__COUNT; i++) {
        if (d->used & (1u << i)) {
            assert_true(f->value[i][0] != '\0'); /* every slot from a fact */
            assert_non_null(strstr(d->text, d->slot[i]));
        }
    }
    /* every number and date in the facts, no link, contact or promise, the language */
    const char *only_facts[2 * REPLY_FACT__COUNT];
    size_t n = 0;
    for (int i = 0; i < REPLY_FACT__COUNT; i++)
        only_facts[n++] = f->value[i];
    for (int i = 0; i < REPLY_FACT__COUNT; i++)
        only_facts[n++] = d->slot[i]; /* the case status in the buyer's words has no digit */
    reply_draft_guard_in(d, f, values, &in);
    in.facts = only_facts;
    in.nfacts = n;
    if (!reply_guard_check(d->text, &in, &v))
        fail_msg("%s/%s/%s: %s %s", d->intent, d->state, lang, reply_guard_rule_name(v.rule),
                 v.detail);
    check_parts(d);
}

static void test_draft_table(void **state)
{
    (void)state;
    unsigned replies = 0, checklists = 0, none = 0;
    for (unsigned i = 0; reply_intent_at(i) != NULL; i++) {
        const char *intent = reply_intent_at(i);
        for (size_t l = 0; l < 5; l++) {
            for (int s = 0; s < S__N; s++) {
                struct reply_facts f;
                struct reply_draft d;
                facts_state(&f, (enum state)s);
                assert_int_equal(reply_draft_build(&f, intent, langs[l], &d, NULL), ERR_OK);
                check_draft(&d, &f, langs[l]);
                if (reply_intent_is_checklist(intent))
                    assert_int_equal(d.kind, REPLY_DRAFT_CHECKLIST); /* never an answer */
                if (strcmp(intent, "unknown") == 0)
                    assert_int_equal(d.kind, REPLY_DRAFT_NONE);
                if (strcmp(intent, "refund_status") == 0 && s == S_OPEN)
                    assert_null(strstr(d.text, "12.34")); /* no refund before it is paid */
                replies += d.kind == REPLY_DRAFT_REPLY;
                checklists += d.kind == REPLY_DRAFT_CHECKLIST;
                none += d.kind == REPLY_DRAFT_NONE;
            }
        }
    }
    print_message("drafts: %u replies, %u checklists, %u without a draft\n", replies, checklists,
                  none);
    /* Nine intents answer in five languages in most states; the table covers them all. */
    assert_true(replies >= 9 * 5 * 5);
    assert_int_equal(checklists, 6 * 5 * S__N);
    assert_true(none >= 5 * S__N);
}

/* Blanking a fact a draft quotes gives no draft naming it, or a draft that does not use it. */
static void test_draft_missing_fact(void **state)
{
    (void)state;
    unsigned named = 0;
    for (unsigned i = 0; reply_intent_at(i) != NULL; i++) {
        for (size_t l = 0; l < 5; l++) {
            for (int s = 0; s < S__N; s++) {
                struct reply_facts f;
                struct reply_draft d, d2;
                facts_state(&f, (enum state)s);
                assert_int_equal(reply_draft_build(&f, reply_intent_at(i), langs[l], &d, NULL),
                                 ERR_OK);
                for (int k = 0; k < REPLY_FACT__COUNT; k++) {
                    if ((d.used & (1u << k)) == 0)
                        continue;
                    struct reply_facts g = f;
                    g.value[k][0] = '\0';
                    assert_int_equal(reply_draft_build(&g, reply_intent_at(i), langs[l], &d2, NULL),
                                     ERR_OK);
                    if (d2.kind == REPLY_DRAFT_NONE) {
                        assert_int_equal(d2.missing, k);
                        assert_non_null(strstr(d2.why, reply_fact_name((enum reply_fact)k)));
                        named++;
                    } else {
                        assert_int_equal(d2.used & (1u << k), 0);
                    }
                    check_draft(&d2, &g, langs[l]);
                }
            }
        }
    }
    print_message("missing facts: %u drafts withheld naming the blanked fact\n", named);
    assert_true(named > 100);
}

static void test_draft_states(void **state)
{
    (void)state;
    struct reply_facts f;
    struct reply_draft d;
    facts_state(&f, S_NOT_SHIPPED);
    assert_int_equal(reply_draft_build(&f, "where_is_my_order", "de", &d, NULL), ERR_OK);
    assert_string_equal(d.state, "not_shipped");
    assert_non_null(strstr(d.text, "2026-12-09"));
    facts_state(&f, S_FULL);
    assert_int_equal(reply_draft_build(&f, "where_is_my_order", "fr", &d, NULL), ERR_OK);
    assert_string_equal(d.state, "shipped_event");
    assert_non_null(strstr(d.text, "9400111899562938501736"));
    assert_int_equal(reply_draft_build(&f, "change_address", "es", &d, NULL), ERR_OK);
    assert_string_equal(d.state, "shipped"); /* already shipped: no address change */
    facts_state(&f, S_UNSYNCED);
    assert_int_equal(reply_draft_build(&f, "where_is_my_order", "en", &d, NULL), ERR_OK);
    assert_int_equal(d.kind, REPLY_DRAFT_NONE);
    assert_int_equal(reply_draft_build(&f, "thanks_or_other", "zh", &d, NULL), ERR_OK);
    assert_int_equal(d.kind, REPLY_DRAFT_NONE); /* no Chinese buyer templates */
    assert_non_null(strstr(d.why, "zh"));
    assert_int_equal(reply_draft_build(&f, "no_such_intent", "en", &d, NULL), ERR_INVAL);
}

struct guard_case {
    const char *lang;
    bool refund_allowed;
    const char *text;
    enum reply_guard_rule want;
};

static void test_guards(void **state)
{
    (void)state;
    static const char *const facts[] = {"PO-211-20531946082830118", "USPS",
                                        "9400111899562938501736", "2026-12-09", "12.34 USD"};
    static const struct guard_case cases[] = {
        {"en", false, "Hello, your order PO-211-20531946082830118 has shipped with USPS.",
         REPLY_GUARD_OK},
        {"en", false, "Your order will arrive on 2026-12-24, thank you for your patience.",
         REPLY_GUARD_NUMBER}, /* a hallucinated date */
        {"en", false, "Your order should arrive in 3 days, thank you.", REPLY_GUARD_NUMBER},
        {"en", false, "We will refund you, thank you for your order.", REPLY_GUARD_PROMISE},
        {"en", true, "The refund of 12.34 USD for your order has been paid.", REPLY_GUARD_OK},
        {"en", true, "We will send a replacement for your order right away.",
         REPLY_GUARD_PROMISE}, /* never, even once refunded */
        {"de", false, "Sie erhalten einen Gutschein für Ihre Bestellung.", REPLY_GUARD_PROMISE},
        {"fr", false, "Nous allons vous rembourser la commande.", REPLY_GUARD_PROMISE},
        {"es", false, "Le enviaremos un cupón para su pedido.", REPLY_GUARD_PROMISE},
        {"it", false, "Le daremo un risarcimento per il suo ordine.", REPLY_GUARD_PROMISE},
        {"en", false, "Track it at https://tools.usps.com for your order.", REPLY_GUARD_LINK},
        {"en", false, "See usps.com for the status of your order.", REPLY_GUARD_LINK},
        {"en", false, "Write to help@shop.example and we will check your order.",
         REPLY_GUARD_EMAIL},
        {"en", false, "Call us at +1 415 555 0100 about your order.", REPLY_GUARD_PHONE},
        {"en", false, "Call us at 415 555 0100 about your order.", REPLY_GUARD_PHONE},
        {"en", false, "Call us at (415) 555-0100 about your order.", REPLY_GUARD_PHONE},
        {"en", false, "Your order arrives by 2026-12-09. 2031-01-01 is our next sale.",
         REPLY_GUARD_NUMBER}, /* two dates, no phone */
        {"en", false, "Order PO-211-20531946082830118, tracking 9400111899562938501736 with USPS.",
         REPLY_GUARD_OK},
        {"de", false, "Hello, your order has shipped with USPS and the tracking is fine.",
         REPLY_GUARD_LANGUAGE}, /* English for a German buyer */
        {"it", false, "Ihre Bestellung wurde mit USPS versandt, danke für Ihre Geduld.",
         REPLY_GUARD_LANGUAGE},
        {"en", false, "您的订单已发货。", REPLY_GUARD_LANGUAGE},
        {"zh", false, "您的订单已发货,承运商 USPS。", REPLY_GUARD_OK},
        {"en", false, "", REPLY_GUARD_EMPTY},
        {"en", false, "Your order\x01 has shipped.", REPLY_GUARD_ENCODING},
        {"en", false, "Your order \xff has shipped.", REPLY_GUARD_ENCODING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct guard_case *c = &cases[i];
        struct reply_guard_in in = {
            .lang = c->lang, .facts = facts, .nfacts = 5, .refund_allowed = c->refund_allowed};
        struct reply_guard_verdict v;
        bool ok = reply_guard_check(c->text, &in, &v);
        if (v.rule != c->want)
            fail_msg("case %zu \"%s\": rule %s (%s), want %s", i, c->text,
                     reply_guard_rule_name(v.rule), v.detail, reply_guard_rule_name(c->want));
        assert_true(ok == (c->want == REPLY_GUARD_OK));
    }
    /* the length limit */
    char big[REPLY_DRAFT_MAX + 40];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct reply_guard_in in = {.lang = "en", .facts = facts, .nfacts = 5};
    struct reply_guard_verdict v;
    assert_false(reply_guard_check(big, &in, &v));
    assert_int_equal(v.rule, REPLY_GUARD_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draft_table),
        cmocka_unit_test(test_draft_missing_fact),
        cmocka_unit_test(test_draft_states),
        cmocka_unit_test(test_guards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
