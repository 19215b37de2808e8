#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_impl.h"

#define PO_DAY 86400

/* Rates into USD with 4 decimals, as integers (1.0832 = 10832). */
static int64_t ledger_rate(const char *currency)
{
    if (strcmp(currency, "EUR") == 0)
        return 10832;
    if (strcmp(currency, "CNY") == 0)
        return 1404;
    return 10000;
}

void ledger_json_str(struct sbuf *b, const char *s)
{
    sbuf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sbuf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            sbuf_printf(b, "\\u%04x", *p);
        else
            sbuf_append(b, p, 1);
    }
    sbuf_puts(b, "\"");
}

void ledger_json_amount(struct sbuf *b, int64_t minor)
{
    uint64_t m = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    sbuf_printf(b, "%s%llu.%02llu", minor < 0 ? "-" : "", (unsigned long long)(m / 100),
                (unsigned long long)(m % 100));
}

void ledger_error(struct sbuf *out, const char *code, const char *source, const char *message)
{
    sbuf_puts(out, "{\"code\":");
    ledger_json_str(out, code);
    if (source != NULL) {
        sbuf_puts(out, ",\"source\":");
        ledger_json_str(out, source);
    }
    sbuf_puts(out, ",\"message\":");
    ledger_json_str(out, message);
    sbuf_puts(out, "}");
}

bool ledger_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    const char *p = s + n;
    if (*p == 'T') {
        int m2 = 0;
        if (sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &se, &m2) != 3 || m2 != 9)
            return false;
        p += m2;
        if (strcmp(p, "Z") != 0 && strcmp(p, "+0000") != 0 && strcmp(p, "+00:00") != 0 &&
            *p != '\0')
            return false;
    } else if (*p != '\0') {
        return false;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 59)
        return false;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    *out = (int64_t)timegm(&tm);
    return true;
}

void ledger_format_time(int64_t t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%S+0000", &tm);
}

/* A fresh id: prefix and 24 hex digits from the ledger's own sequence. */
static void ledger_new_id(struct ledger *l, const char *prefix, char *id)
{
    uint64_t a = prng_next(&l->ids), b = prng_next(&l->ids);
    snprintf(id, PO_ID_MAX, "%s%016llx%08llx", prefix, (unsigned long long)a,
             (unsigned long long)(b & 0xffffffffu));
}

static int64_t *ledger_balance(struct ledger *l, const char *currency)
{
    if (strcmp(currency, "EUR") == 0)
        return &l->balance_eur;
    if (strcmp(currency, "CNY") == 0)
        return &l->balance_cny;
    return &l->balance_usd;
}

/* Appends one balance history item; false when full. */
static bool ledger_history_add(struct ledger *l, const char *currency, int64_t amount, int64_t at,
                               const char *type, const char *source, const char *description,
                               const char *rate)
{
    if (l->nh >= PO_HISTORY_MAX)
        return false;
    struct po_history *h = &l->h[l->nh++];
    memset(h, 0, sizeof *h);
    ledger_new_id(l, "", h->id);
    snprintf(h->currency, sizeof h->currency, "%s", currency);
    int64_t *bal = ledger_balance(l, currency);
    *bal += amount;
    h->amount = amount;
    h->balance = *bal;
    h->created_at = at;
    h->type = type;
    h->source_type = strcmp(type, "DEPOSIT") == 0 ? "SETTLEMENT" : "CONVERSION";
    snprintf(h->source, sizeof h->source, "%s", source);
    snprintf(h->description, sizeof h->description, "%s", description);
    snprintf(h->rate, sizeof h->rate, "%s", rate);
    return true;
}

/* The balance history of a settled credit: the deposit, then a conversion pair into USD. */
static bool ledger_credit_history(struct ledger *l, const struct po_settlement *s,
                                  const char *reference, const char *rate_text)
{
    if (!ledger_history_add(l, s->currency, s->amount, s->settled_at, "DEPOSIT", s->id, reference,
                            ""))
        return false;
    if (strcmp(s->currency, "USD") == 0)
        return true;
    int64_t rate = ledger_rate(s->currency);
    char rate_buf[48];
    if (rate_text != NULL && rate_text[0] != '\0') {
        long long whole = 0, frac = 0;
        if (sscanf(rate_text, "%3lld.%4lld", &whole, &frac) == 2 && whole >= 0 && frac >= 0)
            rate = whole * 10000 + frac;
    }
    snprintf(rate_buf, sizeof rate_buf, "%lld.%04lld", (long long)(rate / 10000),
             (long long)(rate % 10000));
    int64_t usd = (s->amount * rate + 5000) / 10000; /* half up, amounts are positive */
    char conv[PO_ID_MAX], what[PO_TEXT_MAX];
    ledger_new_id(l, "conv_", conv);
    snprintf(what, sizeof what, "Conversion %s to USD", s->currency);
    return ledger_history_add(l, s->currency, -s->amount, s->settled_at + 3600, "CONVERSION", conv,
                              what, rate_buf) &&
           ledger_history_add(l, "USD", usd, s->settled_at + 3600, "CONVERSION", conv, what,
                              rate_buf);
}

/* Adds a working day count to t (Saturdays and Sundays skipped). */
static int64_t ledger_working_days(int64_t t, int days)
{
    while (days > 0) {
        t += PO_DAY;
        int wday = (int)(((t / PO_DAY) + 4) % 7); /* 1970-01-01 was a Thursday */
        if (wday != 0 && wday != 6)
            days--;
    }
    return t;
}

bool ledger_add(struct ledger *l, const struct ledger_credit *c, char *id)
{
    pthread_mutex_lock(&l->lock);
    bool ok = l->ns < PO_SETTLEMENTS_MAX;
    if (ok) {
        struct po_settlement *s = &l->s[l->ns++];
        memset(s, 0, sizeof *s);
        ledger_new_id(l, "stl_", s->id);
        snprintf(s->currency, sizeof s->currency, "%s", c->currency);
        s->amount = c->amount_minor;
        s->fee = c->fee_minor;
        s->created_at = c->created_at;
        s->settled = c->settled_at > 0;
        s->settled_at = c->settled_at;
        s->estimated_at = s->settled ? c->settled_at : ledger_working_days(c->created_at, 3);
        if (s->settled)
            ok = ledger_credit_history(l, s, c->reference, c->rate);
        if (id != NULL)
            snprintf(id, PO_ID_MAX, "%s", s->id);
    }
    pthread_mutex_unlock(&l->lock);
    return ok;
}

/* The generated series: payouts credits over 90 days, the last few still PENDING. */
static void ledger_generate(struct ledger *l, uint64_t seed, int payouts, int shops)
{
    static const char *const currencies[] = {"USD", "EUR", "CNY"};
    struct prng g;
    prng_seed(&g, seed, 1);
    for (int i = 0; i < payouts; i++) {
        int shop = i % shops;
        struct ledger_credit c;
        memset(&c, 0, sizeof c);
        snprintf(c.currency, sizeof c.currency, "%s", currencies[shop % 3]);
        int64_t gross = prng_range(&g, 20000, 900000);
        c.fee_minor = (gross * 3 + 500) / 1000; /* 0.3 % */
        c.amount_minor = gross - c.fee_minor;
        c.created_at = PO_EPOCH + (int64_t)i * 90 * PO_DAY / payouts + prng_range(&g, 0, 20000);
        c.settled_at =
            i >= payouts - 3 ? 0 : ledger_working_days(c.created_at, (int)prng_range(&g, 1, 5));
        snprintf(c.reference, sizeof c.reference, "TEMU WITHDRAWAL WD%02d%05d", shop + 1, i + 1);
        if (!ledger_add(l, &c, NULL))
            return;
    }
}

struct ledger *ledger_new(uint64_t seed, int payouts, int shops)
{
    struct ledger *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->s = calloc(PO_SETTLEMENTS_MAX, sizeof *l->s);
    l->h = calloc(PO_HISTORY_MAX, sizeof *l->h);
    if (l->s == NULL || l->h == NULL) {
        ledger_free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    prng_seed(&l->ids, seed, 2);
    ledger_generate(l, seed, payouts, shops < 1 ? 1 : shops);
    return l;
}

void ledger_free(struct ledger *l)
{
    if (l == NULL)
        return;
    if (l->s != NULL && l->h != NULL)
        pthread_mutex_destroy(&l->lock);
    free(l->s);
    free(l->h);
    free(l);
}

void ledger_summary(struct ledger *l, struct sbuf *out)
{
    size_t visible = 0;
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->nh; i++)
        visible += l->h[i].created_at <= now;
    sbuf_printf(out, "{\"settlements\":%zu,\"history\":%zu,\"history_later\":%zu}", l->ns, visible,
                l->nh - visible);
    pthread_mutex_unlock(&l->lock);
}
