/*
 * carrier: the carriers track-sandbox knows (17TRACK numeric keys, tracking-and-settlement.md
 * §1.8) and auto-detection of a number's carrier by pattern rules (§1.13). Rules are a table:
 * the built-in ones plus any added through the admin API, newest first.
 */
#ifndef TK_CARRIER_H
#define TK_CARRIER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum carrier_lane {
    CARRIER_DOMESTIC, /* US/EU local: USPS, UPS, FedEx, DHL Paket */
    CARRIER_EXPRESS,  /* DHL Express */
    CARRIER_POSTAL,   /* China Post, China EMS */
    CARRIER_LINE      /* cross-border lines: YunExpress, Yanwen, 4PX, Cainiao */
};

struct carrier {
    int key;
    const char *name;
    const char *alias;
    const char *country; /* ISO-2 */
    const char *tel;
    const char *homepage;
    enum carrier_lane lane;
};

/* The carrier with key, or NULL. */
const struct carrier *carrier_find(int key);

/* The carrier table (for docs and the admin API). */
const struct carrier *carrier_at(size_t i);

/* Compiles the built-in rules; false when out of memory. */
bool carrier_rules_init(void);

/* Frees the rules. */
void carrier_rules_free(void);

/*
 * Adds a rule (POSIX extended regex over the upper-cased number) in front of the others.
 * origin is 1 (certain) or 3 (a guess). False with a sentence in err.
 */
bool carrier_rule_add(const char *pattern, int key, int origin, char *err, size_t errlen);

/* Detects the carrier of number; returns its key and sets *origin, or 0 when nothing matches. */
int carrier_detect(const char *number, int *origin);

/* The carrier as a 17TRACK provider object {key, name, alias, tel, homepage, country}. */
json_t *carrier_provider_json(const struct carrier *c);

/* The rules and the carriers, for GET /_sandbox/carriers. */
json_t *carrier_json(void);

#endif
