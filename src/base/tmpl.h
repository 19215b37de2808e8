/*
 * Templates with named slots: text in which {{name}} (name: 1..TMPL_NAME_MAX of a-z, 0-9, _)
 * is replaced by the value of the slot of that name. Everything else is copied byte for byte;
 * there are no conditionals, loops or escapes. A template that names a slot the caller does
 * not give, a slot given without a value or never used, and an unclosed or malformed {{ are
 * all errors, so a renamed slot cannot silently produce a wrong file.
 */
#ifndef AICOS_BASE_TMPL_H
#define AICOS_BASE_TMPL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define TMPL_NAME_MAX  48 /* bytes of a slot name */
#define TMPL_SLOTS_MAX 64 /* slots one render may be given */

struct tmpl_slot {
    const char *name;
    const char *value; /* NULL is a missing value: an error */
};

/*
 * Appends text (len bytes) to out with every {{name}} replaced by its slot's value. ERR_PARSE
 * "template_syntax" for an unclosed or malformed {{, ERR_INVAL "template_unknown_slot" for a
 * name no slot has, "template_missing_value" for a slot whose value is NULL,
 * "template_unused_slot" for a slot the text never names, "template_duplicate_slot" for a
 * name given twice; out's own error (ERR_TOOBIG, ERR_NOMEM) when it is full. On an error out
 * keeps what was appended so far; the caller discards it.
 */
ERR_MUST_USE enum err tmpl_render(const char *text, size_t len, const struct tmpl_slot *slots,
                                  size_t nslots, struct buf *out, struct errbuf *eb);

#endif
