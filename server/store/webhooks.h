/*
 * The webhooks' rows (webhooks.c): the endpoints (a view, views.c writes
 * it), the outbox and the record of attempts (the deliveries' own state,
 * net/deliver.c).
 *
 * The outbox is filled by pl_store_outbox_add inside the transaction that
 * appends the event (live/commit.c): an event is delivered exactly when it
 * was accepted, and a crash loses neither. Each endpoint's rows are sent
 * oldest first, one at a time.
 */
#ifndef PL_STORE_WEBHOOKS_H
#define PL_STORE_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/store.h"

#define PL_ANSWER_LEN 201 /* what is kept of a receiver's answer */

/* One pending delivery, as pl_store_outbox_heads hands it out; its
 * strings are the statement's, valid during the callback only. */
typedef struct pl_outbox_row {
  int64_t id, webhook;
  const char *stream, *ev, *body, *url, *secret;
  size_t len;
  uint64_t seq;
  int64_t first_at, next_at;
  int attempts;
} pl_outbox_row;

/* Queues event `seq` of `stream` (named `ev`, its text `body`) for every
 * endpoint that asked for it. Inside the event's transaction. */
pl_store_rc pl_store_outbox_add(pl_store *s, const char *stream, uint64_t seq, const char *ev,
                                const char *body, size_t len, int64_t now);

/* Calls cb with each endpoint's oldest pending delivery, soonest due first;
 * cb returns non-zero to stop (PL_STORE_STOPPED). */
typedef int (*pl_outbox_cb)(void *ctx, const pl_outbox_row *r);
pl_store_rc pl_store_outbox_heads(pl_store *s, pl_outbox_cb cb, void *ctx);

/* Records an attempt on delivery `id` of endpoint `webhook` (status 0: no
 * answer; answer what the receiver said, or why there was none), and in the
 * same transaction deletes the row (`next_at` 0: delivered; -1: given up)
 * or sets when it is tried again. */
pl_store_rc pl_store_outbox_attempted(pl_store *s, int64_t id, int64_t webhook,
                                      const char *stream, uint64_t seq, const char *ev,
                                      int64_t at, int status, const char *answer,
                                      int64_t next_at);

/* The endpoints, oldest first (for webhook.list), and one by id. */
typedef int (*pl_webhook_cb)(void *ctx, const pl_webhook_rec *w);
pl_store_rc pl_store_webhook_each(pl_store *s, pl_webhook_cb cb, void *ctx);
pl_store_rc pl_store_webhook_get(pl_store *s, const char *id, pl_webhook_rec *out);

/* The last `limit` attempts on endpoint `id`, newest first, and how many
 * deliveries wait. */
typedef int (*pl_attempt_cb)(void *ctx, const char *stream, uint64_t seq, const char *ev,
                             int64_t at, int status, const char *answer);
pl_store_rc pl_store_webhook_attempts(pl_store *s, const char *id, int limit, pl_attempt_cb cb,
                                      void *ctx, int64_t *pending);

/* The number the next endpoint gets: one more than the endpoints ever
 * made, deleted ones included (the log's webhook.created events). */
pl_store_rc pl_store_next_webhook(pl_store *s, int64_t *out);

#endif
