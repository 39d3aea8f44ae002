/*
 * The link to NATS JetStream (jetstream.h), through Debian's libnats (the
 * C client of the NATS project): we write no protocol of our own.
 */
#include "cluster/jetstream.h"

#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster/files.h"
#include "cluster/jetstream_impl.h"

#define STREAM "PLENARY"
#define BUCKET "PLENARY_LEASES"
#define SUBJECT_PREFIX "plenary.ev."
#define DUPLICATE_WINDOW_NS (120LL * 1000 * 1000 * 1000) /* retries within two minutes */

struct pl_js {
  natsConnection *nc;
  jsCtx *js;
  kvStore *leases;
  char node[64];
  /* what the consumer delivered and the loop has not taken yet */
  natsSubscription *follow;
  pl_js_queue queue;
  void (*wake)(void *);
  void *wake_arg;
};

void pl_js_say(char *err, size_t errlen, const char *what, natsStatus s, jsErrCode jerr) {
  const char *detail = nats_GetLastError(NULL);
  snprintf(err, errlen, "%s: %s%s%s (JetStream error %d)", what, natsStatus_GetText(s),
           detail ? ": " : "", detail ? detail : "", (int)jerr);
}

#define say pl_js_say

bool pl_js_connected(pl_js *j) {
  return natsConnection_Status(j->nc) == NATS_CONN_STATUS_CONNECTED;
}

bool pl_js_down(pl_js *j, char *err, size_t errlen) {
  if (pl_js_connected(j))
    return false;
  snprintf(err, errlen, "not connected to NATS: reconnecting");
  return true;
}

natsStatus pl_js_publish(pl_js *j, const char *subject, const void *body, size_t len,
                         const char *const *hdr, const char *id, jsPubAck **ack,
                         jsErrCode *jerr) {
  natsMsg *m = NULL;
  natsStatus s = natsMsg_Create(&m, subject, NULL, body, (int)len);
  for (; s == NATS_OK && hdr[0]; hdr += 2)
    s = natsMsgHeader_Set(m, hdr[0], hdr[1]);
  if (s == NATS_OK) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id;
    s = js_PublishMsg(ack, j->js, m, &po, jerr);
  }
  natsMsg_Destroy(m);
  return s;
}

jsCtx *pl_js_ctx(pl_js *j) {
  return j->js;
}

natsConnection *pl_js_conn(pl_js *j) {
  return j->nc;
}

/* A malloc'd, NUL-terminated copy of a message's body. */
static char *body_of(natsMsg *msg, size_t *len) {
  *len = (size_t)natsMsg_GetDataLength(msg);
  char *b = malloc(*len + 1);
  if (b) {
    memcpy(b, natsMsg_GetData(msg), *len);
    b[*len] = 0;
  }
  return b;
}

natsStatus pl_js_ensure_stream(pl_js *j, const char *name, const char *subject,
                               int replicas, char *err, size_t errlen) {
  const char *subjects[] = {subject};
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  sc.Name = name;
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  sc.Replicas = replicas;
  sc.Duplicates = DUPLICATE_WINDOW_NS;
  sc.DenyDelete = true;
  sc.DenyPurge = true;
  sc.AllowDirect = true;
  jsErrCode jerr = 0;
  jsStreamInfo *si = NULL;
  natsStatus s = js_AddStream(&si, j->js, &sc, NULL, &jerr);
  if (s != NATS_OK && jerr == JSStreamNameExistErr) /* made before with other settings */
    s = js_UpdateStream(&si, j->js, &sc, NULL, &jerr);
  jsStreamInfo_Destroy(si);
  if (s != NATS_OK) {
    char what[64];
    snprintf(what, sizeof what, "stream %s", name);
    say(err, errlen, what, s, jerr);
  }
  return s;
}

static natsStatus ensure_bucket(pl_js *j, int replicas, int64_t lease_ms, char *err,
                                size_t errlen) {
  kvConfig kc;
  kvConfig_Init(&kc);
  kc.Bucket = BUCKET;
  kc.History = 1;
  /* in nanoseconds, as JetStream durations are: an owner that stops renewing
   * loses its leases after this */
  kc.TTL = lease_ms * 1000000;
  kc.Replicas = replicas;
  kc.StorageType = js_FileStorage;
  natsStatus s = js_CreateKeyValue(&j->leases, j->js, &kc);
  if (s != NATS_OK)
    say(err, errlen, "bucket " BUCKET, s, 0);
  return s;
}

pl_js *pl_js_open(const pl_js_config *cfg, char *err, size_t errlen) {
  pl_js *j = calloc(1, sizeof *j);
  if (j)
    pl_js_queue_init(&j->queue);
  natsOptions *opts = NULL;
  natsStatus s = j ? natsOptions_Create(&opts) : NATS_NO_MEMORY;
  if (s == NATS_OK)
    s = natsOptions_SetURL(opts, cfg->url);
  if (s == NATS_OK)
    s = natsOptions_SetName(opts, cfg->node);
  if (s == NATS_OK)
    s = natsOptions_SetMaxReconnect(opts, -1); /* a NATS restart is waited out */
  /* Tried again every quarter second, not the client's 2 s: while it is
   * down every change is refused, so a node should be back as soon as NATS. */
  if (s == NATS_OK)
    s = natsOptions_SetReconnectWait(opts, 250);
  if (s == NATS_OK)
    s = natsConnection_Connect(&j->nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    say(err, errlen, cfg->url, s, 0);
    pl_js_close(j);
    return NULL;
  }
  snprintf(j->node, sizeof j->node, "%s", cfg->node);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = cfg->wait_ms;
  s = natsConnection_JetStream(&j->js, j->nc, &jo);
  if (s != NATS_OK)
    say(err, errlen, "JetStream", s, 0);
  /* The log: every Plenary stream's changes, kept for good. */
  if (s == NATS_OK)
    s = pl_js_ensure_stream(j, STREAM, SUBJECT_PREFIX ">", cfg->replicas, err, errlen);
  if (s == NATS_OK && pl_js_files_ensure(j, cfg->replicas, err, errlen))
    s = NATS_ERR;
  if (s == NATS_OK)
    s = ensure_bucket(j, cfg->replicas, cfg->lease_ms, err, errlen);
  if (s != NATS_OK) {
    pl_js_close(j);
    return NULL;
  }
  return j;
}

void pl_js_close(pl_js *j) {
  if (!j)
    return;
  if (j->follow)
    pl_js_unsubscribe(j->follow);
  pl_js_queue_release(&j->queue);
  kvStore_Destroy(j->leases);
  jsCtx_Destroy(j->js);
  natsConnection_Destroy(j->nc);
  free(j);
}

const char *pl_js_node(const pl_js *j) {
  return j->node;
}

void pl_js_subject(char *buf, size_t len, const char *stream) {
  snprintf(buf, len, SUBJECT_PREFIX "%s", stream);
}

pl_js_rc pl_js_append(pl_js *j, const char *stream, uint64_t first_seq, const void *body,
                      size_t len, uint64_t expect_last, uint64_t *js_seq, char *err,
                      size_t errlen) {
  char subject[128], id[160], expect[24], seq[24];
  pl_js_subject(subject, sizeof subject, stream);
  if (pl_js_down(j, err, errlen))
    return PL_JS_ERROR;
  /* The node is in the id: JetStream checks ids before expected sequences,
   * so a deposed owner's change with the same seq as the new owner's must
   * not pass for a retry of it. */
  snprintf(id, sizeof id, "%s:%llu@%s", stream, (unsigned long long)first_seq, j->node);
  snprintf(seq, sizeof seq, "%llu", (unsigned long long)first_seq);
  snprintf(expect, sizeof expect, "%llu", (unsigned long long)expect_last);
  /* The expected sequence is a header set by hand: the client leaves out an
   * expected sequence of 0, which is how the first writer of a subject says
   * "no one has written here". */
  const char *hdr[] = {"Nats-Expected-Last-Subject-Sequence", expect, "Plenary-Stream", stream,
                       "Plenary-Seq", seq, "Plenary-Node", j->node, NULL};
  jsPubAck *ack = NULL;
  jsErrCode jerr = 0;
  natsStatus s = pl_js_publish(j, subject, body, len, hdr, id, &ack, &jerr);
  pl_js_rc rc = PL_JS_ERROR;
  if (s == NATS_OK && ack) {
    *js_seq = ack->Sequence;
    rc = ack->Duplicate ? PL_JS_DUPLICATE : PL_JS_OK;
  } else if (jerr == JSStreamWrongLastSequenceErr) {
    snprintf(err, errlen, "%s: another node has written since JetStream sequence %llu",
             stream, (unsigned long long)expect_last);
    rc = PL_JS_FENCED;
  } else {
    say(err, errlen, subject, s, jerr);
  }
  jsPubAck_Destroy(ack);
  return rc;
}

int pl_js_last(pl_js *j, const char *stream, uint64_t *js_seq, char **body, size_t *len,
               char *err, size_t errlen) {
  char subject[128];
  pl_js_subject(subject, sizeof subject, stream);
  natsMsg *msg = NULL;
  jsErrCode jerr = 0;
  *js_seq = 0;
  if (body)
    *body = NULL, *len = 0;
  if (pl_js_down(j, err, errlen))
    return -1;
  natsStatus s = js_GetLastMsg(&msg, j->js, STREAM, subject, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    return 0;
  if (s != NATS_OK) {
    say(err, errlen, subject, s, jerr);
    return -1;
  }
  *js_seq = natsMsg_GetSequence(msg);
  int rc = 0;
  if (body && !(*body = body_of(msg, len))) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  natsMsg_Destroy(msg);
  return rc;
}

int pl_js_get(pl_js *j, uint64_t js_seq, char **body, size_t *len, char *stream,
              size_t stream_len, char *err, size_t errlen) {
  if (pl_js_down(j, err, errlen))
    return -1;
  natsMsg *msg = NULL;
  jsErrCode jerr = 0;
  natsStatus s = js_GetMsg(&msg, j->js, STREAM, js_seq, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    return 1;
  if (s != NATS_OK) {
    say(err, errlen, "get", s, jerr);
    return -1;
  }
  const char *name = NULL;
  natsMsgHeader_Get(msg, "Plenary-Stream", &name);
  snprintf(stream, stream_len, "%s", name ? name : "");
  *body = body_of(msg, len);
  natsMsg_Destroy(msg);
  if (!*body) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

typedef struct closing {
  pthread_mutex_t lock;
  pthread_cond_t done_cv;
  bool done;
} closing;

static void on_complete(void *arg) {
  closing *c = arg;
  pthread_mutex_lock(&c->lock);
  c->done = true;
  pthread_cond_signal(&c->done_cv);
  pthread_mutex_unlock(&c->lock);
}

void pl_js_unsubscribe(natsSubscription *sub) {
  closing *c = calloc(1, sizeof *c);
  if (!c || natsSubscription_SetOnCompleteCB(sub, on_complete, c) != NATS_OK) {
    free(c); /* not set: nothing will call it */
    natsSubscription_Unsubscribe(sub);
    nats_Sleep(100); /* the best left: a handler under way ends meanwhile */
    natsSubscription_Destroy(sub);
    return;
  }
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->done_cv, NULL);
  natsSubscription_Unsubscribe(sub);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 5;
  pthread_mutex_lock(&c->lock);
  while (!c->done && pthread_cond_timedwait(&c->done_cv, &c->lock, &until) == 0)
    ;
  bool done = c->done;
  pthread_mutex_unlock(&c->lock);
  natsSubscription_Destroy(sub);
  if (done) { /* else the callback may still come: c stays */
    pthread_cond_destroy(&c->done_cv);
    pthread_mutex_destroy(&c->lock);
    free(c);
  }
}

void pl_js_queue_init(pl_js_queue *q) {
  memset(q, 0, sizeof *q);
  pthread_mutex_init(&q->lock, NULL);
}

void pl_js_queue_release(pl_js_queue *q) {
  for (size_t i = 0; i < q->n; i++)
    free(q->items[i].body);
  free(q->items);
  pthread_mutex_destroy(&q->lock);
}

void pl_js_queue_push(pl_js_queue *q, natsMsg *msg, uint64_t js_seq) {
  pl_js_item it = {.js_seq = js_seq};
  it.body = body_of(msg, &it.len);
  natsMsg_Destroy(msg);
  pthread_mutex_lock(&q->lock);
  if (it.body && q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 64;
    pl_js_item *grown = realloc(q->items, cap * sizeof *grown);
    if (grown)
      q->items = grown, q->cap = cap;
  }
  if (it.body && q->n < q->cap)
    q->items[q->n++] = it;
  else
    free(it.body);
  pthread_mutex_unlock(&q->lock);
}

size_t pl_js_queue_take(pl_js_queue *q, pl_js_item **items) {
  pthread_mutex_lock(&q->lock);
  *items = q->items;
  size_t n = q->n;
  q->items = NULL;
  q->n = q->cap = 0;
  pthread_mutex_unlock(&q->lock);
  return n;
}

/* On NATS's thread: queue the message for the loop and wake it. A message
 * dropped for want of memory is fetched again by sequence: the loop sees
 * the gap (pl_js_get). */
static void on_message(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *arg) {
  (void)nc;
  (void)sub;
  pl_js *j = arg;
  /* a delivered message's place in the stream is in its metadata (the
   * sequence field is for messages fetched by js_GetMsg) */
  jsMsgMetaData *meta = NULL;
  uint64_t seq = 0;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK)
    seq = meta->Sequence.Stream;
  jsMsgMetaData_Destroy(meta);
  pl_js_queue_push(&j->queue, msg, seq);
  j->wake(j->wake_arg);
}

int pl_js_follow(pl_js *j, uint64_t from_seq, void (*wake)(void *), void *arg, char *err,
                 size_t errlen) {
  j->wake = wake;
  j->wake_arg = arg;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = STREAM;
  so.Ordered = true;
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = from_seq;
  jsErrCode jerr = 0;
  natsStatus s = js_Subscribe(&j->follow, j->js, SUBJECT_PREFIX ">", on_message, j, NULL, &so,
                              &jerr);
  if (s != NATS_OK) {
    say(err, errlen, "follow", s, jerr);
    return -1;
  }
  return 0;
}

size_t pl_js_take(pl_js *j, pl_js_item **items) {
  return pl_js_queue_take(&j->queue, items);
}

/* --- leases ------------------------------------------------------------------ */

pl_lease_rc pl_lease_take(pl_js *j, const char *stream, uint64_t *rev, char *holder,
                          size_t holder_len) {
  holder[0] = 0;
  if (!pl_js_connected(j))
    return PL_LEASE_ERROR;
  /* Create succeeds only when the key is absent, deleted, or aged out. */
  natsStatus s = kvStore_CreateString(rev, j->leases, stream, j->node);
  if (s == NATS_OK) {
    snprintf(holder, holder_len, "%s", j->node);
    return PL_LEASE_OURS;
  }
  kvEntry *e = NULL;
  uint64_t held = 0;
  if (kvStore_Get(&e, j->leases, stream) == NATS_OK && e) {
    snprintf(holder, holder_len, "%.*s", kvEntry_ValueLen(e), (const char *)kvEntry_Value(e));
    held = kvEntry_Revision(e);
  }
  kvEntry_Destroy(e);
  /* Held in this node's name: this node before a restart (names are unique
   * among the nodes), so it is this node's again at once. */
  if (holder[0] && strcmp(holder, j->node) == 0 &&
      kvStore_UpdateString(rev, j->leases, stream, j->node, held) == NATS_OK)
    return PL_LEASE_OURS;
  return holder[0] ? PL_LEASE_THEIRS : PL_LEASE_ERROR;
}

pl_lease_rc pl_lease_renew(pl_js *j, const char *stream, uint64_t *rev, char *holder,
                           size_t holder_len) {
  holder[0] = 0;
  if (!pl_js_connected(j))
    return PL_LEASE_ERROR;
  uint64_t next = 0;
  natsStatus s = kvStore_UpdateString(&next, j->leases, stream, j->node, *rev);
  if (s == NATS_OK) {
    *rev = next;
    snprintf(holder, holder_len, "%s", j->node);
    return PL_LEASE_OURS;
  }
  /* Aged out with no one else in: take it again, so a renewal a little
   * late is not a loss. Otherwise it is someone else's now. */
  pl_lease_rc rc = pl_lease_take(j, stream, rev, holder, holder_len);
  return rc;
}

void pl_lease_release(pl_js *j, const char *stream) {
  if (pl_js_connected(j)) /* else it ages out */
    kvStore_Delete(j->leases, stream);
}
