/*
 * push: the webhook sender (tracking-and-settlement.md §1.9). Posts {event, data} bodies to one
 * configured URL with header `sign` = lowercase hex SHA-256 of raw_body + "/" + key. A non-200
 * answer is retried 10, 30 and 60 virtual minutes later, then the push is dropped. Admin
 * switches send every delivered push twice (duplicates) or deliver the waiting pushes newest
 * first (out of order).
 */
#ifndef TK_PUSH_H
#define TK_PUSH_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct push;

/* A sender signing with key and no URL yet; NULL when out of memory or no thread. */
struct push *push_new(const char *key);

/* Stops the delivery thread and frees everything; NULL is a no-op. */
void push_free(struct push *p);

/*
 * Sets the URL (http:// or https://; "" turns pushing off; NULL keeps it) and the switches
 * (-1 keeps a switch). False with a sentence in err.
 */
bool push_configure(struct push *p, const char *url, int duplicate, int out_of_order, char *err,
                    size_t errlen);

/* True when a URL is set. */
bool push_has_url(struct push *p);

/* While held the thread delivers nothing: a batch queued in between goes out as one. */
void push_hold(struct push *p, bool hold);

/* Queues body (stolen) of event for number, due now; dropped when no URL is set. */
void push_add(struct push *p, const char *event, const char *number, char *body);

/* Wakes the thread (the virtual clock moved). */
void push_kick(struct push *p);

/* The sign header of body under key into out (65 bytes with the NUL). */
void push_sign(const char *body, size_t len, const char *key, char out[65]);

/* URL, switches, counters and the last deliveries, for GET /_sandbox/webhook. */
json_t *push_json(struct push *p);

#endif
