/*
 * A JSON text written straight into a struct buf, without building a jansson tree first: for
 * the answers that are long lists of flat rows (GET /api/v1/orders), where building the tree,
 * dumping it token by token and freeing it cost more than the database.
 *
 * The bytes are exactly those json_dump_to_buf() gives for the same values built with jansson:
 * compact (no spaces), members in the order written, integers in decimal, and jansson's string
 * escapes (\" \\ \b \f \n \r \t, other control characters as \u00XX with upper-case hex; '/'
 * and non-ASCII characters as they are). A string that is not valid UTF-8 is refused
 * (ERR_PARSE), as jansson refuses to hold one.
 *
 * Errors are sticky: the first one (ERR_NOMEM, ERR_TOOBIG from the buffer's maximum, ERR_PARSE,
 * ERR_INTERNAL for a misnested call) is kept, every later call does nothing, and
 * jsonw_finish() returns it. The text written so far is then incomplete; the caller discards it.
 */
#ifndef AICOS_BASE_JSONW_H
#define AICOS_BASE_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Deepest nesting of objects and arrays a writer accepts. */
#define JSONW_DEPTH_MAX 32

struct jsonw {
    struct buf *b;
    enum err err;
    unsigned depth;
    bool after_key;                   /* a member's key was written, its value comes next */
    bool filled[JSONW_DEPTH_MAX + 1]; /* the open container at each depth has an element */
};

/* Starts writing one JSON value at the end of b (b's current contents are kept). */
void jsonw_init(struct jsonw *w, struct buf *b);

/* Opens and closes an object or an array. */
void jsonw_obj_begin(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr_begin(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);

/* The key of the next member of the open object. */
void jsonw_key(struct jsonw *w, const char *key);

/* Values. jsonw_str() of NULL writes null. */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

/*
 * The integer whose canonical decimal text s is ("-"? and digits without a leading zero, at most
 * 18 of them: always an int64), copied as it is: what jsonw_int() of its value writes, without
 * parsing and printing it again (database cells arrive as text). Returns false, writing nothing,
 * when s is not such a text; the caller then writes the value it means.
 */
bool jsonw_int_text(struct jsonw *w, const char *s);

/* A jansson value, serialized in place as json_dump_to_buf() would (NULL writes null). */
void jsonw_value(struct jsonw *w, const json_t *v);

/* The first error (ERR_OK when none), and ERR_INTERNAL when a container is still open. */
ERR_MUST_USE enum err jsonw_finish(struct jsonw *w);

#endif
