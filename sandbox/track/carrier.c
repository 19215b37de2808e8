#include "carrier.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_limits.h"

/*
 * Keys: China Post 3011, China EMS 3013, USPS 21051, DHL Express 100001, UPS 100002, FedEx
 * 100003, DHL Paket 7041 and Cainiao 190271 as in §1.8. YunExpress, Yanwen and 4PX are not
 * verified there; the 19xxxx keys below follow community code and are the sandbox's choice.
 */
static const struct carrier carrier_table[] = {
    {3011, "China Post", "China Post", "CN", "+86 11183", "http://www.chinapost.com.cn",
     CARRIER_POSTAL},
    {3013, "China EMS", "EMS", "CN", "+86 11183", "http://www.ems.com.cn", CARRIER_POSTAL},
    {21051, "USPS", "USPS", "US", "+1 800-275-8777", "https://www.usps.com", CARRIER_DOMESTIC},
    {100001, "DHL Express", "DHL", "DE", "+1 800-225-5345", "https://www.dhl.com", CARRIER_EXPRESS},
    {100002, "UPS", "UPS", "US", "+1 800-742-5877", "https://www.ups.com", CARRIER_DOMESTIC},
    {100003, "FedEx", "FedEx", "US", "+1 800-463-3339", "https://www.fedex.com", CARRIER_DOMESTIC},
    {7041, "DHL Paket", "DHL Paket", "DE", "+49 228 4333112", "https://www.dhl.de",
     CARRIER_DOMESTIC},
    {190008, "YunExpress", "YunExpress", "CN", "+86 4000-2621-26", "https://www.yunexpress.com",
     CARRIER_LINE},
    {190012, "Yanwen", "Yanwen", "CN", "+86 4001-088-108", "https://www.yw56.com.cn", CARRIER_LINE},
    {190094, "4PX", "4PX", "CN", "+86 4008-086-666", "https://www.4px.com", CARRIER_LINE},
    {190271, "Cainiao", "Cainiao", "CN", "+86 9519-6666", "https://global.cainiao.com",
     CARRIER_LINE},
};
#define CARRIER_COUNT (sizeof carrier_table / sizeof carrier_table[0])

struct carrier_rule {
    char pattern[128];
    int key;
    int origin;
    regex_t re;
};

static const struct {
    const char *pattern;
    int key;
    int origin;
} carrier_builtin[] = {
    {"^E[A-Z][0-9]{9}CN$", 3013, 1},    {"^[A-Z]{2}[0-9]{9}CN$", 3011, 1},
    {"^[A-Z]{2}[0-9]{9}US$", 21051, 1}, {"^9[2-5][0-9]{20}$", 21051, 1},
    {"^1Z[0-9A-Z]{16}$", 100002, 1},    {"^YT[0-9]{16}$", 190008, 1},
    {"^U[A-Z][0-9]{9}YP$", 190012, 1},  {"^4PX[0-9]{10,16}CN$", 190094, 1},
    {"^LP[0-9]{14}$", 190271, 1},       {"^JJD[0-9]{18}$", 7041, 1},
    {"^[0-9]{10}$", 100001, 3},         {"^([0-9]{12}|[0-9]{15})$", 100003, 3},
};

static pthread_mutex_t carrier_lock = PTHREAD_MUTEX_INITIALIZER;
static struct carrier_rule carrier_rules[TK_RULES_MAX];
static size_t carrier_nrules;

const struct carrier *carrier_find(int key)
{
    for (size_t i = 0; i < CARRIER_COUNT; i++)
        if (carrier_table[i].key == key)
            return &carrier_table[i];
    return NULL;
}

const struct carrier *carrier_at(size_t i)
{
    return i < CARRIER_COUNT ? &carrier_table[i] : NULL;
}

static bool carrier_rule_put(size_t at, const char *pattern, int key, int origin)
{
    struct carrier_rule *r = &carrier_rules[at];
    if (regcomp(&r->re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    snprintf(r->pattern, sizeof r->pattern, "%s", pattern);
    r->key = key;
    r->origin = origin;
    return true;
}

bool carrier_rules_init(void)
{
    pthread_mutex_lock(&carrier_lock);
    bool ok = true;
    for (size_t i = 0; i < sizeof carrier_builtin / sizeof carrier_builtin[0] && ok; i++) {
        ok = carrier_rule_put(carrier_nrules, carrier_builtin[i].pattern, carrier_builtin[i].key,
                              carrier_builtin[i].origin);
        carrier_nrules += ok;
    }
    pthread_mutex_unlock(&carrier_lock);
    return ok;
}

void carrier_rules_free(void)
{
    pthread_mutex_lock(&carrier_lock);
    for (size_t i = 0; i < carrier_nrules; i++)
        regfree(&carrier_rules[i].re);
    carrier_nrules = 0;
    pthread_mutex_unlock(&carrier_lock);
}

bool carrier_rule_add(const char *pattern, int key, int origin, char *err, size_t errlen)
{
    if (pattern == NULL || *pattern == '\0' || strlen(pattern) >= 128) {
        snprintf(err, errlen, "pattern must be 1-127 bytes of POSIX extended regex");
        return false;
    }
    if (carrier_find(key) == NULL) {
        snprintf(err, errlen, "carrier %d is not in the carrier table", key);
        return false;
    }
    if (origin != 1 && origin != 3) {
        snprintf(err, errlen, "origin must be 1 (certain) or 3 (a guess)");
        return false;
    }
    bool ok = false;
    pthread_mutex_lock(&carrier_lock);
    if (carrier_nrules >= TK_RULES_MAX) {
        snprintf(err, errlen, "at most %d rules", TK_RULES_MAX);
    } else {
        /* The new rule goes first so that it wins over the built-in ones. */
        struct carrier_rule tmp = carrier_rules[carrier_nrules];
        memmove(&carrier_rules[1], &carrier_rules[0], carrier_nrules * sizeof carrier_rules[0]);
        carrier_rules[0] = tmp;
        ok = carrier_rule_put(0, pattern, key, origin);
        if (ok)
            carrier_nrules++;
        else {
            memmove(&carrier_rules[0], &carrier_rules[1], carrier_nrules * sizeof carrier_rules[0]);
            snprintf(err, errlen, "pattern does not compile");
        }
    }
    pthread_mutex_unlock(&carrier_lock);
    return ok;
}

int carrier_detect(const char *number, int *origin)
{
    int key = 0;
    pthread_mutex_lock(&carrier_lock);
    for (size_t i = 0; i < carrier_nrules && key == 0; i++) {
        if (regexec(&carrier_rules[i].re, number, 0, NULL, 0) == 0) {
            key = carrier_rules[i].key;
            *origin = carrier_rules[i].origin;
        }
    }
    pthread_mutex_unlock(&carrier_lock);
    return key;
}

json_t *carrier_provider_json(const struct carrier *c)
{
    return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "key", c->key, "name", c->name, "alias",
                     c->alias, "tel", c->tel, "homepage", c->homepage, "country", c->country);
}

json_t *carrier_json(void)
{
    static const char *const lanes[] = {"domestic", "express", "postal", "line"};
    json_t *carriers = json_array(), *rules = json_array();
    for (size_t i = 0; i < CARRIER_COUNT; i++) {
        json_t *p = carrier_provider_json(&carrier_table[i]);
        json_object_set_new(p, "lane", json_string(lanes[carrier_table[i].lane]));
        json_array_append_new(carriers, p);
    }
    pthread_mutex_lock(&carrier_lock);
    for (size_t i = 0; i < carrier_nrules; i++)
        json_array_append_new(
            rules, json_pack("{s:s, s:i, s:i}", "pattern", carrier_rules[i].pattern, "carrier",
                             carrier_rules[i].key, "origin", carrier_rules[i].origin));
    pthread_mutex_unlock(&carrier_lock);
    return json_pack("{s:o, s:o}", "carriers", carriers, "rules", rules);
}
