/*
 * The policy guards every reply draft passes, from a template or from an LLM (issue 15,
 * ai.md §5.1 C): no promise of a refund unless the case state says it is paid, and never of
 * compensation or a replacement; no links, e-mail addresses or phone numbers; no number or
 * date that is not in the facts; the buyer's language; a length limit; valid UTF-8 without
 * control characters. reply_guard_check() takes any text.
 */
#ifndef AICOS_REPLY_GUARD_H
#define AICOS_REPLY_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#define REPLY_DRAFT_MAX  700 /* bytes of a reply draft */
#define REPLY_DETAIL_MAX 160 /* bytes of a verdict's detail */

enum reply_guard_rule {
    REPLY_GUARD_OK = 0,
    REPLY_GUARD_EMPTY,    /* nothing to send */
    REPLY_GUARD_LENGTH,   /* over the length limit */
    REPLY_GUARD_ENCODING, /* invalid UTF-8 or a control character */
    REPLY_GUARD_LINK,     /* a URL or a domain name */
    REPLY_GUARD_EMAIL,    /* an e-mail address */
    REPLY_GUARD_PHONE,    /* a phone number */
    REPLY_GUARD_NUMBER,   /* a number or date not in the facts */
    REPLY_GUARD_PROMISE,  /* a refund, compensation or replacement promise */
    REPLY_GUARD_LANGUAGE, /* not (mostly) in the buyer's language */
};

struct reply_guard_in {
    const char *lang;         /* the buyer's language: en es de fr it zh */
    const char *const *facts; /* every value the text may quote */
    size_t nfacts;
    bool refund_allowed; /* the case state says the refund is paid */
    size_t max_len;      /* 0: REPLY_DRAFT_MAX */
};

struct reply_guard_verdict {
    enum reply_guard_rule rule;
    char detail[REPLY_DETAIL_MAX]; /* what fired, e.g. "number 2026-12-09 is not a fact" */
};

/* True when text passes every guard; otherwise false with the first rule that fired. */
bool reply_guard_check(const char *text, const struct reply_guard_in *in,
                       struct reply_guard_verdict *v);

/* The rule's stable name ("number", ...). */
const char *reply_guard_rule_name(enum reply_guard_rule r);

#endif
