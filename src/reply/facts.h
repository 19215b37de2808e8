/*
 * The facts of one buyer case, read from the database only (issue 15, drafts): the case and
 * its order (temu_aftersales, temu_orders), the parcel the shop uploaded
 * (temu_shipment_uploads) and the tracking domain's parcel with its newest event
 * (tracking_shipments, tracking_events), the refund summary of the case's detail. A reply draft may
 * say nothing that is not one of these values. Every value is text; "" means the fact is missing.
 */
#ifndef AICOS_REPLY_FACTS_H
#define AICOS_REPLY_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/db.h"

#define REPLY_FACT_MAX  128  /* bytes of one fact value */
#define REPLY_WORDS_MAX 1024 /* bytes of the buyer's words kept for the classifier */
#define REPLY_ID_MAX    128  /* bytes of a connection or case id */

/* The facts a draft may use; each is a {{slot}} of the templates under its name. */
enum reply_fact {
    REPLY_FACT_ORDER,       /* order: the parent order number */
    REPLY_FACT_CASE,        /* case: the after-sales number */
    REPLY_FACT_CASE_STATUS, /* case_status: the state code (reply_case_state_name) */
    REPLY_FACT_CARRIER,     /* carrier: the carrier of the tracked (else uploaded) parcel */
    REPLY_FACT_TRACKING,    /* tracking: its tracking number */
    REPLY_FACT_LAST_EVENT,  /* last_event: the carrier's last tracking event */
    REPLY_FACT_EVENT_DATE,  /* event_date: its date, YYYY-MM-DD */
    REPLY_FACT_PROMISED,    /* promised: the promised delivery date, YYYY-MM-DD */
    REPLY_FACT_REFUND,      /* refund: the refund paid, "12.34 USD" (only once it is paid) */
    REPLY_FACT__COUNT
};

/* Where the order is, as far as the database knows. */
enum reply_ship_state {
    REPLY_SHIP_NOT_SHIPPED, /* not shipped, not cancelled */
    REPLY_SHIP_SHIPPED,     /* shipped (or partly), not yet delivered */
    REPLY_SHIP_DELIVERED,   /* delivered (received) */
    REPLY_SHIP_CANCELLED,   /* the order is cancelled */
    REPLY_SHIP_UNKNOWN      /* the order is not synced */
};

struct reply_facts {
    char connection_id[REPLY_ID_MAX];
    char region[16]; /* the connection's region ("us", "eu", ...) */
    char value[REPLY_FACT__COUNT][REPLY_FACT_MAX];
    enum reply_ship_state ship;
    bool refunded;            /* the case state says the refund is paid */
    int64_t case_status_code; /* parentAfterSalesStatus */
    char buyer_comment[REPLY_WORDS_MAX];
    char reason[REPLY_FACT_MAX]; /* afterSalesReasonDesc */
};

/* The slot name of fact f ("order", ...); NULL past the end. */
const char *reply_fact_name(enum reply_fact f);

/* The state code of parentAfterSalesStatus ("open", "refunded", ...) or NULL when unknown. */
const char *reply_case_state_name(int64_t status);

/*
 * Reads the facts of after-sales case case_id of connection connection_id (NULL: the one
 * connection holding that case; ERR_CONFLICT when several do). ERR_NOTFOUND when no such
 * case is stored; ERR_DB.
 */
ERR_MUST_USE enum err reply_facts_load(struct db *db, const char *connection_id,
                                       const char *case_id, struct reply_facts *out,
                                       struct errbuf *eb);

/* The facts as a JSON object {"order": ..., ...} with JSON null for a missing one. */
json_t *reply_facts_json(const struct reply_facts *f);

#endif
