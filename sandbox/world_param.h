/*
 * world_param: the readers of the world's API parameters (world_param.c), shared by the data
 * APIs (world_*.c, aftersales.c, tmc.c): integers (numeric strings coerced unless strict),
 * pages, closed windows, string lists, and the business error they set; and the MoneyAmount
 * shape.
 */
#ifndef SBX_WORLD_PARAM_H
#define SBX_WORLD_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "world.h"

/* Sets a business error. */
void world_fail(struct world_err *e, long code, const char *msg);

/* An integer param: 0 absent, 1 present, -1 invalid (strict: no numeric strings). */
int world_int(json_t *params, const char *key, bool strict, int64_t *out);

/* A page number (named no_name) and pageSize within 1..max; bad values fail with bad_code. */
bool world_page(json_t *params, const char *no_name, int64_t max, int64_t *no, int64_t *size,
                struct world_err *e, long bad_code, const char *bad_msg);

/* A closed window sent as a pair; both or neither (3000000 otherwise). */
bool world_window(json_t *params, const char *from, const char *to, int64_t *lo, int64_t *hi,
                  bool *on, struct world_err *e);

/* A string list param (at most max entries); absent gives NULL. false when malformed. */
bool world_str_list(json_t *params, const char *key, size_t max, json_t **out);

/* True when the string list holds s. */
bool world_list_has(json_t *list, const char *s);

/* A MoneyAmount {amount (minor units), currency}. */
json_t *world_money(int64_t minor);

#endif
