/*
 * The cluster's link to NATS JetStream (docs/CLUSTER.md): one connection,
 * the stream PLENARY that holds every Plenary stream's changes (a subject
 * each: plenary.ev.programme, plenary.ev.m5) and the key-value bucket of
 * the leases that say which node decides for which stream.
 *
 * Only a clustered node (--cluster) opens one; single-node mode never calls
 * into this layer. Every call here blocks for at most the JetStream request
 * timeout; the callers run it off the service thread or accept that wait.
 */
#ifndef PL_CLUSTER_JETSTREAM_H
#define PL_CLUSTER_JETSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pl_js pl_js;

typedef struct pl_js_config {
  const char *url;   /* nats://host:port */
  const char *node;  /* this node's name, unique in the cluster */
  int replicas;      /* of the stream and the bucket: 3 in production, 1 in tests */
  int64_t lease_ms;  /* how long a lease lives unrenewed (the bucket's TTL) */
  int64_t wait_ms;   /* how long a JetStream request may take */
} pl_js_config;

/* Connects and makes sure the stream and the bucket exist, with this
 * configuration. Returns the link, or NULL with err saying why. */
pl_js *pl_js_open(const pl_js_config *cfg, char *err, size_t errlen);
void pl_js_close(pl_js *js);

const char *pl_js_node(const pl_js *js);

/* True while the connection to NATS is up (not reconnecting). */
bool pl_js_connected(pl_js *js);

/* The subject of a Plenary stream ("programme", "m5"): plenary.ev.<stream>. */
void pl_js_subject(char *buf, size_t len, const char *stream);

typedef enum {
  PL_JS_OK,
  PL_JS_FENCED,    /* the subject has moved on since expect_last: another writer */
  PL_JS_DUPLICATE, /* stored before, under the same message id (a retry got through) */
  PL_JS_ERROR      /* not stored as far as we know; retry with the same id */
} pl_js_rc;

/* Appends one committed change of `stream` whose first event has Plenary
 * seq `first_seq`: stored only if the last message of the subject is still
 * the one at JetStream sequence expect_last (0: the subject has none), and
 * once for its id "<stream>:<first_seq>@<node>" (a retry of this node's,
 * never another's). On PL_JS_OK and PL_JS_DUPLICATE,
 * *js_seq is the message's JetStream sequence. */
pl_js_rc pl_js_append(pl_js *js, const char *stream, uint64_t first_seq, const void *body,
                      size_t len, uint64_t expect_last, uint64_t *js_seq, char *err,
                      size_t errlen);

/* The JetStream sequence of the last message of `stream` (0 when it has
 * none) and, when body is not NULL, a malloc'd copy of it (*len bytes).
 * Returns 0, or -1 with err. */
int pl_js_last(pl_js *js, const char *stream, uint64_t *js_seq, char **body, size_t *len,
               char *err, size_t errlen);

/* The message at JetStream sequence js_seq: a malloc'd copy of its body
 * (*len bytes, NUL-terminated) into *body, and its Plenary stream name
 * into stream. Returns 0, 1 when there is no such message (yet), or -1 with
 * err. */
int pl_js_get(pl_js *js, uint64_t js_seq, char **body, size_t *len, char *stream,
              size_t stream_len, char *err, size_t errlen);

/* Follows the log from JetStream sequence from_seq on (an ordered push
 * consumer: in order, without gaps, resumed by the client after a NATS
 * restart). Each message is queued here; wake(arg) is then called, from
 * NATS's own thread, and the loop takes the queue with pl_js_take.
 * Returns 0, or -1 with err. */
int pl_js_follow(pl_js *js, uint64_t from_seq, void (*wake)(void *), void *arg, char *err,
                 size_t errlen);

typedef struct pl_js_item {
  uint64_t js_seq;
  char *body; /* malloc'd, NUL-terminated */
  size_t len;
} pl_js_item;

/* Moves the queued messages out, oldest first: *items is malloc'd (free
 * each body, then the array). Returns their number. */
size_t pl_js_take(pl_js *js, pl_js_item **items);

/* --- leases ---------------------------------------------------------------- */

typedef enum {
  PL_LEASE_OURS,   /* this node holds it; *rev is the revision to renew from */
  PL_LEASE_THEIRS, /* another node holds it: holder says which */
  PL_LEASE_ERROR
} pl_lease_rc;

/* Takes the lease of `stream` if no node holds it (or holds it and has let
 * it age out). */
pl_lease_rc pl_lease_take(pl_js *js, const char *stream, uint64_t *rev, char *holder,
                          size_t holder_len);

/* Renews a lease taken at revision *rev; PL_LEASE_THEIRS when another node
 * took it meanwhile (this node must stop deciding for the stream). */
pl_lease_rc pl_lease_renew(pl_js *js, const char *stream, uint64_t *rev, char *holder,
                           size_t holder_len);

/* Gives the lease up (on a clean stop), so another node may take it at once. */
void pl_lease_release(pl_js *js, const char *stream);

#endif
