/*
 * Webhooks as JSON (webhook_json.c): the record as the programme stream
 * keeps it (with its secret: the event is never published) and as
 * webhook.list shows it (without).
 */
#ifndef PL_WIRE_WEBHOOK_JSON_H
#define PL_WIRE_WEBHOOK_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "base/model.h"
#include "base/pevent.h"
#include "core/err.h"

/* {id, url, events: [...], created_at}, and `secret` when with_secret. */
json_t *pl_json_webhook(const pl_webhook_rec *w, bool with_secret);

/* The payload of a webhook event (pl_json_pevent's part). */
json_t *pl_json_webhook_payload(const pl_pevent *ev);

/* Reads a webhook event's payload back (the log's decoder). */
pl_err pl_webhook_event_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                                  size_t msglen);

/* Checks what webhook.create is given and fills w (not its id or time):
 * an http(s) URL, 1 to 16 valid patterns, a secret of 16 to 256 bytes.
 * Returns PL_ERR_OK, or BAD_REQUEST with msg naming the field. */
pl_err pl_webhook_from_request(pl_webhook_rec *w, const char *url, json_t *events,
                               const char *secret, char *msg, size_t msglen);

#endif
