/*
 * The route table of `aicos serve` (routes.c): every endpoint, JSON (src/api) and page
 * (src/web), who may call it, and its documentation. It is the one place that names both
 * folders' handlers, so it sits above them in the layer order (docs/architecture.md); the
 * OpenAPI document and the metrics labels are generated from it.
 */
#ifndef AICOS_ROUTES_ROUTES_H
#define AICOS_ROUTES_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

#endif
