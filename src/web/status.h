/*
 * The console's one status vocabulary: every status code any page shows (integration and
 * step statuses, deployment checks, connections and sessions, sync streams and runs, order
 * statuses, goods buckets) with its Chinese and English label and the pill class
 * static/console.css styles. Pages render statuses only through web/widget.h, which reads
 * this table, so a code looks the same on every page.
 */
#ifndef AICOS_WEB_STATUS_H
#define AICOS_WEB_STATUS_H

struct web_status {
    const char *code; /* as the domain returns it, e.g. "pending" */
    const char *zh;   /* Chinese label */
    const char *en;   /* English label */
    const char *cls;  /* pill class (a fixed identifier, safe in an attribute) */
};

/* The entry for code, or NULL when the vocabulary does not know it (or code is NULL). */
const struct web_status *web_status_find(const char *code);

/* The entry of an after-sales value: what is "status" (parentAfterSalesStatus) or "type"
 * (afterSalesType); NULL when the vocabulary does not know it. */
const struct web_status *web_status_aftersales(const char *what, long long value);

/* The entry of a parentOrderStatus / orderStatus value as the buyer reads it ("已发货 /
 * shipped"); *platform (when not NULL) is the platform's name of the code ("SHIPPED",
 * "UNKNOWN"). NULL when the vocabulary does not know the value. */
const struct web_status *web_status_order(long long status, const char **platform);

/* The number of entries and entry i (for tests and the filter forms). */
unsigned web_status_count(void);
const struct web_status *web_status_at(unsigned i);

#endif
