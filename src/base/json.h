/*
 * JSON helpers on jansson: strict parsing of untrusted input (depth limit, duplicate keys
 * and invalid UTF-8 rejected) and serialization into a struct buf.
 */
#ifndef AICOS_BASE_JSON_H
#define AICOS_BASE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/*
 * Parses len bytes of untrusted JSON. Nesting deeper than max_depth, duplicate object keys,
 * invalid UTF-8, trailing data and syntax errors are ERR_PARSE with a message that says
 * where. On success *out is a new reference the caller must json_decref().
 */
ERR_MUST_USE enum err json_parse_strict(const char *data, size_t len, int max_depth, json_t **out,
                                        struct errbuf *eb);

/* Appends the compact serialization of v to b. */
ERR_MUST_USE enum err json_dump_to_buf(const json_t *v, struct buf *b);

/*
 * Appends the error document {"error":{"code":...,"message":...}} to b. Bytes of code and
 * message that are not valid UTF-8 (echoed request bytes, a %.40s cut inside a character)
 * become U+FFFD, so an error body can always be built.
 */
ERR_MUST_USE enum err json_error_body(struct buf *b, const char *code, const char *message);

/* Length of the valid UTF-8 sequence at s (1 to 4 bytes), or 0 when s does not start one (a
 * NUL inside the sequence ends it too). */
size_t json_utf8_seq(const char *s);

/* True when the NUL-terminated s is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
bool json_utf8_valid(const char *s);

/*
 * A malloc'd copy of s in which every byte that does not start a valid UTF-8 sequence is
 * replaced by U+FFFD; NULL only when out of memory. The one sanitizer for echoed values.
 */
char *json_utf8_sanitize(const char *s);

/* Returns the string member key of obj, or NULL if absent or not a string. */
const char *json_get_string(const json_t *obj, const char *key);

/*
 * Checks that body is an object whose members are all named in allowed (NULL-terminated):
 * ERR_INVAL "bad_body" for another type, "unknown_field" naming the first other member, so a
 * typo never passes silently.
 */
ERR_MUST_USE enum err json_fields_only(const json_t *body, const char *const *allowed,
                                       struct errbuf *eb);

/* The integer member key of obj, given as a number or a digit string; 0 when absent or not. */
int64_t json_get_int(const json_t *obj, const char *key);

/*
 * Appends item (a new reference, stolen; NULL means out of memory) to *list. On failure *list
 * is freed and set to NULL, so a loop builds while *list != NULL and json_list_out checks once.
 */
void json_list_push(json_t **list, json_t *item);

/* *out = list and ERR_OK, or ERR_NOMEM ("out of memory") when list is NULL. */
ERR_MUST_USE enum err json_list_out(json_t *list, json_t **out, struct errbuf *eb);

#endif
