/*
 * The reply guards (guard.h). Matching is on bytes: ASCII letters are folded to lower case,
 * other UTF-8 bytes compare as they are, so the word lists hold lower-case stems
 * ("rembours" catches "remboursement", "remboursé").
 */
#include "reply/guard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"

#define GUARD_LANGS 5

static const char *const guard_rule_names[] = {"ok",    "empty", "length", "encoding", "link",
                                               "email", "phone", "number", "promise",  "language"};

const char *reply_guard_rule_name(enum reply_guard_rule r)
{
    return (unsigned)r < sizeof guard_rule_names / sizeof guard_rule_names[0] ? guard_rule_names[r]
                                                                              : "unknown";
}

static bool guard_fail(struct reply_guard_verdict *v, enum reply_guard_rule r, const char *what,
                       const char *s, size_t n)
{
    v->rule = r;
    snprintf(v->detail, sizeof v->detail, "%s \"%.*s\"", what, (int)(n > 60 ? 60 : n), s);
    return false;
}

static char guard_low(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool guard_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True when the number s[0..n) occurs in one of the facts as a whole number (no digit right
 * before or after it there): "3" is not quoted from "2026-12-03". */
static bool guard_in_facts(const struct reply_guard_in *in, const char *s, size_t n)
{
    for (size_t i = 0; i < in->nfacts; i++) {
        const char *f = in->facts[i];
        if (f == NULL)
            continue;
        for (const char *p = f; strlen(p) >= n; p++) {
            if (memcmp(p, s, n) == 0 && (p == f || !guard_digit(p[-1])) && !guard_digit(p[n]))
                return true;
        }
    }
    return false;
}

/* The lower-cased copy of text (ASCII folded) in low (cap bytes). */
static void guard_fold(const char *text, char *low, size_t cap)
{
    size_t i = 0;
    for (; text[i] != '\0' && i + 1 < cap; i++)
        low[i] = guard_low(text[i]);
    low[i] = '\0';
}

/* Links: a scheme, "www." or a word followed by a common top-level domain. */
static bool guard_links(const char *low, struct reply_guard_verdict *v)
{
    static const char *const tlds[] = {"com", "net", "org", "io",   "co", "de", "fr",   "es", "it",
                                       "cn",  "uk",  "eu",  "info", "ly", "me", "shop", "app"};
    const char *p = strstr(low, "://");
    if (p == NULL)
        p = strstr(low, "www.");
    if (p != NULL)
        return guard_fail(v, REPLY_GUARD_LINK, "link", p, strlen(p));
    for (p = strchr(low, '.'); p != NULL; p = strchr(p + 1, '.')) {
        if (p == low || !((p[-1] >= 'a' && p[-1] <= 'z') || guard_digit(p[-1])))
            continue;
        for (size_t i = 0; i < sizeof tlds / sizeof tlds[0]; i++) {
            size_t n = strlen(tlds[i]);
            char after = p[1 + n];
            if (strncmp(p + 1, tlds[i], n) == 0 && !(after >= 'a' && after <= 'z'))
                return guard_fail(v, REPLY_GUARD_LINK, "domain", p - 1, n + 2);
        }
    }
    return true;
}

static bool guard_email(const char *low, struct reply_guard_verdict *v)
{
    for (const char *p = strchr(low, '@'); p != NULL; p = strchr(p + 1, '@')) {
        if (p > low && p[1] != '\0' && p[-1] != ' ' && p[1] != ' ')
            return guard_fail(v, REPLY_GUARD_EMAIL, "e-mail address", p - 1, 3);
    }
    return true;
}

/* True for the separator at s[j] inside a phone-like run: one of " .-/()" with a digit
 * next (or ") " before a digit); a sentence's ". " ends the run. */
static bool guard_phone_sep(const char *s, size_t j)
{
    if (s[j] == '\0' || strchr(" .-/()", s[j]) == NULL)
        return false;
    return guard_digit(s[j + 1]) || (s[j] == ')' && s[j + 1] == ' ' && guard_digit(s[j + 2])) ||
           (s[j] == ' ' && s[j + 1] == '(');
}

/* A date YYYY-MM-DD is no phone number (the number guard checks it). */
static bool guard_is_date(const char *s, size_t n)
{
    static const char shape[] = "dddd-dd-dd";
    if (n != sizeof shape - 1)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' ? !guard_digit(s[i]) : s[i] != '-')
            return false;
    }
    return true;
}

/* True when every group of three digits or more in s[i..last] is a fact's number. */
static bool guard_groups_in_facts(const char *s, size_t i, size_t last,
                                  const struct reply_guard_in *in)
{
    for (size_t k = i; k <= last; k++) {
        size_t e = k;
        while (e <= last && guard_digit(s[e]))
            e++;
        if (e - k >= 3 && !guard_in_facts(in, s + k, e - k))
            return false;
        k = e;
    }
    return true;
}

/* Phone numbers: "+" before a digit, or a run of digits joined by spaces, dots, dashes,
 * slashes or brackets with seven digits or more that no fact holds. */
static bool guard_phone(const char *s, const struct reply_guard_in *in,
                        struct reply_guard_verdict *v)
{
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] == '+' && guard_digit(s[i + 1]))
            return guard_fail(v, REPLY_GUARD_PHONE, "phone number", s + i, 12);
        if (!guard_digit(s[i]) && !(s[i] == '(' && guard_digit(s[i + 1])))
            continue;
        size_t j = i, digits = 0, last = i;
        for (; guard_digit(s[j]) || guard_phone_sep(s, j) || (j == i && s[j] == '('); j++) {
            if (guard_digit(s[j])) {
                digits++;
                last = j;
            }
        }
        size_t n = last + 1 - i;
        if (digits >= 7 && !guard_is_date(s + i, n) && !guard_in_facts(in, s + i, n) &&
            !guard_groups_in_facts(s, i, last, in))
            return guard_fail(v, REPLY_GUARD_PHONE, "phone number", s + i, n);
        i = j > i ? j - 1 : i;
    }
    return true;
}

/* Every number (digits, with . , : / - between digits) must be quoted from a fact. */
static bool guard_numbers(const char *s, const struct reply_guard_in *in,
                          struct reply_guard_verdict *v)
{
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (!guard_digit(s[i]))
            continue;
        size_t j = i;
        while (guard_digit(s[j]) ||
               (strchr(".,:/-", s[j]) != NULL && s[j] != '\0' && guard_digit(s[j + 1]) && j > i))
            j++;
        if (!guard_in_facts(in, s + i, j - i))
            return guard_fail(v, REPLY_GUARD_NUMBER, "number not in the facts:", s + i, j - i);
        i = j - 1;
    }
    return true;
}

/* Stems of a refund promise (allowed once the refund is paid) and of compensation or a
 * replacement (never), in every shipped language: an LLM may switch languages. */
static const char *const guard_refund_words[] = {
    "refund",  "reimburs",    "money back", "reembols", "devolver el dinero",
    "erstatt", "geld zurück", "rembours",   "rimbors",  "退款"};
static const char *const guard_never_words[] = {
    "compensat",  "replacement", "replace it",     "send a new",  "resend",    "voucher",
    "coupon",     "credit",      "free of charge", "compensa",    "indemniz",  "reemplaz",
    "sustitu",    "cupón",       "entschädig",     "ersatz",      "gutschein", "gutschrift",
    "neu senden", "indemnis",    "remplac",        "bon d'achat", "dédommag",  "risarc",
    "sostitu",    "buono",       "rimpiazz",       "赔偿",        "补发",      "换货"};

static bool guard_promises(const char *low, const struct reply_guard_in *in,
                           struct reply_guard_verdict *v)
{
    for (size_t i = 0; i < sizeof guard_never_words / sizeof guard_never_words[0]; i++) {
        const char *p = strstr(low, guard_never_words[i]);
        if (p != NULL)
            return guard_fail(v, REPLY_GUARD_PROMISE, "compensation or replacement:", p,
                              strlen(guard_never_words[i]));
    }
    for (size_t i = 0;
         !in->refund_allowed && i < sizeof guard_refund_words / sizeof *guard_refund_words; i++) {
        const char *p = strstr(low, guard_refund_words[i]);
        if (p != NULL)
            return guard_fail(v, REPLY_GUARD_PROMISE, "refund before the case says it is paid:", p,
                              strlen(guard_refund_words[i]));
    }
    return true;
}

/* Function words of each shipped Latin-script language, in the order of guard_langs. */
static const char *const guard_langs[GUARD_LANGS] = {"en", "es", "de", "fr", "it"};
static const char *const guard_stop[GUARD_LANGS][16] = {
    {"the", "and", "you", "your", "is", "of", "for", "we", "to", "has", "with", "thank", "our",
     "order", "been", "will"},
    {"el", "los", "su", "que", "y", "es", "para", "gracias", "pedido", "usted", "hemos", "del",
     "con", "ha", "sido", "por"},
    {"der", "die", "das", "und", "ist", "ihr", "ihre", "sie", "wir", "für", "mit", "danke",
     "bestellung", "wurde", "hat", "den"},
    {"le", "les", "votre", "vous", "est", "et", "pour", "nous", "merci", "commande", "des", "avec",
     "été", "une", "du", "au"},
    {"il", "suo", "vostro", "ordine", "è", "e", "per", "grazie", "abbiamo", "della", "con", "stato",
     "ha", "una", "del", "sua"}};

static bool guard_word_is(const char *w, size_t n, const char *stop)
{
    return strlen(stop) == n && memcmp(w, stop, n) == 0;
}

/* Counts the function words of each language in low. */
static void guard_count_langs(const char *low, unsigned hits[GUARD_LANGS])
{
    memset(hits, 0, GUARD_LANGS * sizeof *hits);
    for (const char *p = low; *p != '\0';) {
        size_t n = 0;
        while (p[n] != '\0' && ((p[n] >= 'a' && p[n] <= 'z') || (unsigned char)p[n] >= 0x80))
            n++;
        for (unsigned l = 0; n > 0 && l < GUARD_LANGS; l++) {
            for (unsigned k = 0; k < 16; k++)
                hits[l] += guard_word_is(p, n, guard_stop[l][k]);
        }
        p += n > 0 ? n : 1;
    }
}

static bool guard_has_cjk(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0xE4 && c <= 0xE9)
            return true;
    }
    return false;
}

/* The text's language: Chinese has CJK characters, the others their function words most. */
static bool guard_language(const char *low, const struct reply_guard_in *in,
                           struct reply_guard_verdict *v)
{
    unsigned hits[GUARD_LANGS], best = 0, mine = 0;
    int want = -1;
    bool zh = in->lang != NULL && strcmp(in->lang, "zh") == 0;
    if (zh != guard_has_cjk(low))
        return guard_fail(v, REPLY_GUARD_LANGUAGE,
                          zh ? "no Chinese text, want" : "Chinese text, want",
                          in->lang ? in->lang : "?", 2);
    if (zh)
        return true;
    for (int l = 0; l < GUARD_LANGS; l++)
        want = in->lang != NULL && strcmp(in->lang, guard_langs[l]) == 0 ? l : want;
    if (want < 0)
        return guard_fail(v, REPLY_GUARD_LANGUAGE, "unsupported language",
                          in->lang ? in->lang : "?", in->lang ? strlen(in->lang) : 1);
    guard_count_langs(low, hits);
    for (int l = 0; l < GUARD_LANGS; l++)
        best = hits[l] > best ? hits[l] : best;
    mine = hits[want];
    if (best >= 2 && mine < best)
        return guard_fail(v, REPLY_GUARD_LANGUAGE, "not written in", in->lang, strlen(in->lang));
    if (strlen(low) >= 40 && mine == 0)
        return guard_fail(v, REPLY_GUARD_LANGUAGE, "no word of", in->lang, strlen(in->lang));
    return true;
}

static bool guard_encoding(const char *text, struct reply_guard_verdict *v)
{
    if (!json_utf8_valid(text))
        return guard_fail(v, REPLY_GUARD_ENCODING, "invalid UTF-8", "", 0);
    for (const char *p = text; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return guard_fail(v, REPLY_GUARD_ENCODING, "control character", "", 0);
    }
    return true;
}

bool reply_guard_check(const char *text, const struct reply_guard_in *in,
                       struct reply_guard_verdict *v)
{
    char low[REPLY_DRAFT_MAX * 4 + 1];
    size_t max = in->max_len != 0 ? in->max_len : REPLY_DRAFT_MAX, n;
    memset(v, 0, sizeof *v);
    if (text == NULL || *text == '\0')
        return guard_fail(v, REPLY_GUARD_EMPTY, "empty", "", 0);
    n = strlen(text);
    if (n > max || n >= sizeof low) {
        v->rule = REPLY_GUARD_LENGTH;
        snprintf(v->detail, sizeof v->detail, "%zu bytes, the limit is %zu", n, max);
        return false;
    }
    if (!guard_encoding(text, v))
        return false;
    guard_fold(text, low, sizeof low);
    return guard_links(low, v) && guard_email(low, v) && guard_phone(text, in, v) &&
           guard_numbers(text, in, v) && guard_promises(low, in, v) && guard_language(low, in, v);
}
