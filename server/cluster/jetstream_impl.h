/*
 * What the cluster layer's own files share of the link (jetstream.c):
 * the JetStream context and the settings of a stream kept for good.
 * Nothing outside server/cluster/ includes this.
 */
#ifndef PL_CLUSTER_JETSTREAM_IMPL_H
#define PL_CLUSTER_JETSTREAM_IMPL_H

#include <nats/nats.h>
#include <pthread.h>
#include <stdbool.h>

#include "cluster/jetstream.h"

jsCtx *pl_js_ctx(pl_js *js);
natsConnection *pl_js_conn(pl_js *js);

/* True, with err, while the connection is down (NATS restarting or out of
 * reach): then a request is refused at once rather than waited for up to
 * the JetStream timeout on the service thread, which holds every client. */
bool pl_js_down(pl_js *js, char *err, size_t errlen);

/* Adds the stream, or updates it when it was made before with other
 * settings: file storage, `replicas`, never deleted from or purged,
 * readable by direct get on any replica, retries within two minutes
 * taken once. Returns NATS_OK, or a status with err. */
natsStatus pl_js_ensure_stream(pl_js *js, const char *name, const char *subjects,
                               int replicas, char *err, size_t errlen);

/* Publishes `body` on `subject` with the headers `hdr` (name, value, ...,
 * NULL) and message id `id` (stored once within the duplicate window), and
 * waits for the ack (*ack, the caller destroys it). */
natsStatus pl_js_publish(pl_js *js, const char *subject, const void *body, size_t len,
                         const char *const *hdr, const char *id, jsPubAck **ack,
                         jsErrCode *jerr);

/* Messages handed from NATS's thread to the loop's, oldest first. */
typedef struct pl_js_queue {
  pthread_mutex_t lock;
  pl_js_item *items;
  size_t n, cap;
} pl_js_queue;

void pl_js_queue_init(pl_js_queue *q);
void pl_js_queue_release(pl_js_queue *q);
/* Queues a copy of msg's body (and destroys msg), with js_seq. A message
 * that finds no memory is dropped: the caller says what that costs. */
void pl_js_queue_push(pl_js_queue *q, natsMsg *msg, uint64_t js_seq);
/* pl_js_take's contract, for this queue. */
size_t pl_js_queue_take(pl_js_queue *q, pl_js_item **items);

/* Unsubscribes an asynchronous subscription and destroys it once its
 * message handler has returned for the last time (NATS's delivery thread may
 * be in it now): only then may what the handler uses be freed. */
void pl_js_unsubscribe(natsSubscription *sub);

/* err = what failed, with NATS's last error on this thread. */
void pl_js_say(char *err, size_t errlen, const char *what, natsStatus s, jsErrCode jerr);

#endif
