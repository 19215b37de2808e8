/*
 * api: the 17TRACK v2.2 endpoints (tracking-and-settlement.md §1.2, §1.3, §1.7) on the registry:
 * body validation, the 40-item limit, per-item errors in accepted/rejected, and the envelope
 * {code, data:{accepted, rejected} | data:{errors}}. Token, rate and faults are the server's.
 */
#ifndef TK_API_H
#define TK_API_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "registry.h"

/* True when name (the path after /track/v2.2/) is an endpoint. */
bool api_known(const char *name);

/* Handles one call; returns the response document (HTTP 200). */
json_t *api_handle(struct registry *r, const char *name, const char *body, size_t len);

/* A whole-call failure envelope {code, data:{errors:[{code, message}]}}. */
json_t *api_error(int code, const char *arg);

#endif
