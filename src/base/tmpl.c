/* The named-slot template renderer (tmpl.h). */
#include "base/tmpl.h"

#include <stdbool.h>
#include <string.h>

/* Index of the slot named name[0..n), or nslots when there is none. */
static size_t tmpl_find(const struct tmpl_slot *slots, size_t nslots, const char *name, size_t n)
{
    for (size_t i = 0; i < nslots; i++) {
        if (strlen(slots[i].name) == n && memcmp(slots[i].name, name, n) == 0)
            return i;
    }
    return nslots;
}

static bool tmpl_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The slots themselves: a bounded count, names well formed and unique. */
ERR_MUST_USE static enum err tmpl_check_slots(const struct tmpl_slot *slots, size_t nslots,
                                              struct errbuf *eb)
{
    if (nslots > TMPL_SLOTS_MAX)
        return err_set(eb, ERR_INVAL, "template_too_many_slots",
                       "A template is given %zu slots; at most %d are allowed.", nslots,
                       TMPL_SLOTS_MAX);
    for (size_t i = 0; i < nslots; i++) {
        size_t n = strlen(slots[i].name);
        if (tmpl_find(slots, i, slots[i].name, n) != i)
            return err_set(eb, ERR_INVAL, "template_duplicate_slot",
                           "The template slot %.48s is given twice.", slots[i].name);
        if (slots[i].value == NULL)
            return err_set(eb, ERR_INVAL, "template_missing_value",
                           "The template slot %.48s has no value.", slots[i].name);
    }
    return ERR_OK;
}

/* The slot name at p (just after "{{") up to "}}" within end: its length, or 0 if malformed. */
static size_t tmpl_name_len(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && n <= TMPL_NAME_MAX && tmpl_name_char(p[n]))
        n++;
    if (n == 0 || n > TMPL_NAME_MAX || p + n + 2 > end || p[n] != '}' || p[n + 1] != '}')
        return 0;
    return n;
}

enum err tmpl_render(const char *text, size_t len, const struct tmpl_slot *slots, size_t nslots,
                     struct buf *out, struct errbuf *eb)
{
    bool used[TMPL_SLOTS_MAX] = {false};
    const char *p = text, *end = text + len;
    enum err e = tmpl_check_slots(slots, nslots, eb);
    if (e != ERR_OK)
        return e;
    while (e == ERR_OK && p < end) {
        const char *open = memmem(p, (size_t)(end - p), "{{", 2);
        const char *lit_end = open != NULL ? open : end;
        e = buf_append(out, p, (size_t)(lit_end - p));
        if (e != ERR_OK || open == NULL)
            break;
        size_t n = tmpl_name_len(open + 2, end);
        if (n == 0)
            return err_set(eb, ERR_PARSE, "template_syntax",
                           "The template has a malformed or unclosed {{ at byte %zu.",
                           (size_t)(open - text));
        size_t i = tmpl_find(slots, nslots, open + 2, n);
        if (i == nslots)
            return err_set(eb, ERR_INVAL, "template_unknown_slot",
                           "The template names the slot %.*s, which is not given.", (int)n,
                           open + 2);
        used[i] = true;
        e = buf_puts(out, slots[i].value);
        p = open + 2 + n + 2;
    }
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "The rendered template does not fit its buffer.");
    for (size_t i = 0; i < nslots; i++) {
        if (!used[i])
            return err_set(eb, ERR_INVAL, "template_unused_slot",
                           "The slot %.48s is given but the template never names it.",
                           slots[i].name);
    }
    return ERR_OK;
}
