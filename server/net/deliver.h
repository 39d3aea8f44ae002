/*
 * Webhook deliveries (deliver.c; docs/VIDEO.md): the outbox (store/webhooks.h)
 * POSTed to each endpoint by lws client connections on the service loop.
 *
 * Each endpoint gets its events one at a time, oldest first, so a receiver
 * hears them in order; at most PL_DELIVER_IN_FLIGHT requests run at once,
 * whatever the number of endpoints. A delivery that fails (no connection,
 * a timeout, any answer but 2xx) waits as core/webhook.h says and is sent
 * again; a restart finds the outbox as the last commit left it. Nothing
 * here blocks: connections, answers and timers are events of the loop, and
 * a host name is looked up on a thread of its own (resolve.h).
 *
 * A POST carries the event as clients get it, and
 *   X-Plenary-Event: floor.changed
 *   X-Plenary-Delivery: m3:17         the stream and seq: receivers de-duplicate by it
 *   X-Plenary-Signature: sha256=<hex HMAC-SHA256 of the body under the endpoint's secret>
 */
#ifndef PL_NET_DELIVER_H
#define PL_NET_DELIVER_H

#define PL_DELIVER_IN_FLIGHT 8
#define PL_DELIVER_TIMEOUT_S 10   /* connect, send and answer, all told */
#define PL_DELIVER_ANSWER_MAX 65536 /* bytes of an answer read before hanging up */

/* The lws protocol of the client connections: the client vhost lists it. */
extern const struct lws_protocols pl_deliver_protocol;

/* Starts sending what the outbox holds (at start, once the loop runs). */
void pl_deliver_start(void);
/* The outbox may have grown: send what is due. Never fails, never blocks. */
void pl_deliver_kick(void);
/* Stops the retry timer; connections in flight close with the context. */
void pl_deliver_stop(void);

#endif
