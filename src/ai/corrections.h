/*
 * Operators' relabels (table ai_corrections, one row per distinct text, the latest label
 * wins). `aicos ai train` adds them to the seed data when a database is configured.
 */
#ifndef AICOS_AI_CORRECTIONS_H
#define AICOS_AI_CORRECTIONS_H

#include <stddef.h>

#include "ai/dataset.h"
#include "base/err.h"

struct db;

/* Stores an operator's relabel for the next `aicos ai train` (table ai_corrections). */
ERR_MUST_USE enum err ai_correction_add(struct db *db, const char *text, const char *lang,
                                        const char *label, const char *actor, struct errbuf *eb);

/* Adds every stored correction to ds (in text order; a seed line's label is replaced). */
ERR_MUST_USE enum err ai_corrections_load(struct db *db, struct ai_dataset *ds, size_t *count,
                                          struct errbuf *eb);

#endif
