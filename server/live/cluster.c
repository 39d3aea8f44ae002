/*
 * This node as one of several (cluster.h, docs/CLUSTER.md).
 *
 * Everything runs on the service thread but the consumer's delivery,
 * which NATS's thread queues (cluster/jetstream.c) and wakes the loop for.
 * A record from the log is rebuilt through the same adds the deciding node
 * made (pl_change_programme, pl_change_meeting_new, _update, _room), and
 * every event text so rebuilt must be the record's, byte for byte: the
 * node that cannot reproduce the log stops rather than serve another
 * history.
 */
#include "live/cluster.h"

#include <ev.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/server.h"
#include "cluster/jetstream.h"
#include "live/commit.h"
#include "live/decisions.h"
#include "live/live.h"
#include "live/presence.h"
#include "net/deliver.h"
#include "store/applied.h"
#include "store/store.h"
#include "wire/codec.h"
#include "wire/pevent_json.h"

#define LEASE_MS 3000     /* a node that stops renewing loses the timers after this */
#define RENEW_S 1.0       /* and renews this often */
#define TIMERS "timers"   /* the lease of the node that decides what the clock decides */

static struct {
  pl_js *js;
  uint64_t applied; /* the log's sequence of the last change applied here */
  bool leads;
  uint64_t lease_rev;
  bool fenced;
  ev_async wake;
  ev_timer lease;
} the;

bool pl_cluster_on(void) {
  return the.js != NULL;
}

pl_js *pl_cluster_link(void) {
  return the.js;
}

bool pl_cluster_leads(void) {
  return !the.js || the.leads;
}

bool pl_cluster_was_fenced(void) {
  const bool f = the.fenced;
  the.fenced = false;
  return f;
}

pl_err pl_cluster_append(const char *record, size_t len, uint64_t *js_seq, char *msg,
                         size_t msglen) {
  char err[256];
  pl_js_rc rc = pl_js_append(the.js, "log", the.applied + 1, record, len, the.applied, js_seq,
                             err, sizeof err);
  if (rc == PL_JS_OK) {
    the.applied = pl_srv->metrics.cluster_applied = *js_seq;
    return PL_ERR_OK;
  }
  /* A duplicate is a change of this node's that an earlier, unanswered
   * append did store: it is in the log and not here, as another node's
   * would be. Either way this change was decided on a state the log has
   * left: nothing of it is kept. */
  if (rc == PL_JS_FENCED || rc == PL_JS_DUPLICATE) {
    the.fenced = true;
    pl_srv->metrics.cluster_fenced++;
    snprintf(msg, msglen, "another change came first; try again");
  } else {
    pl_log(PL_LOG_WARN, "cluster.append", "msg", err, NULL);
    snprintf(msg, msglen, "the log did not answer; try again");
  }
  return PL_ERR_UNAVAILABLE;
}

/* --- a record, rebuilt ---------------------------------------------------------- */

typedef struct line {
  char kind;       /* 'p' or 'm' */
  char meeting[PL_ID_LEN];
  const char *text;
  size_t len;
} line;

typedef struct record {
  int64_t at;
  char closing[PL_ID_LEN];
  line *lines; /* owned: a change may hold many (an import of 1,000 meetings) */
  size_t n, cap;
} record;

/* Splits a record (pl_change_record) into its lines; -1 when it is not one. */
static int parse(const char *p, size_t len, record *r) {
  const char *end = p + len;
  long long at;
  int used = 0;
  free(r->lines);
  memset(r, 0, sizeof *r);
  if (sscanf(p, "plenary-change 1\nat %lld\n%n", &at, &used) != 1 || used <= 0)
    return -1;
  r->at = at;
  p += used;
  if (p < end && strncmp(p, "close ", 6) == 0) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl || (size_t)(nl - p - 6) >= sizeof r->closing)
      return -1;
    memcpy(r->closing, p + 6, (size_t)(nl - p - 6));
    p = nl + 1;
  }
  while (p < end) {
    if (r->n == r->cap) {
      size_t cap = r->cap ? r->cap * 2 : 16;
      line *grown = realloc(r->lines, cap * sizeof *grown);
      if (!grown)
        return -1;
      r->lines = grown, r->cap = cap;
    }
    line *l = &r->lines[r->n];
    unsigned long n = 0;
    used = 0;
    if (p[0] == 'p' && sscanf(p, "p %lu\n%n", &n, &used) == 1) {
      l->kind = 'p';
    } else if (p[0] == 'm' && sscanf(p, "m %31s %lu\n%n", l->meeting, &n, &used) == 2) {
      l->kind = 'm';
    } else {
      return -1;
    }
    if (used <= 0 || (size_t)(end - p - used) < n + 1 || p[used + n] != '\n')
      return -1;
    l->text = p + used;
    l->len = n;
    p += used + n + 1;
    r->n++;
  }
  return 0;
}

/* One programme event of the record, added to ch as the deciding node did:
 * a meeting made or changed through its own add, new ids taken in turn. */
static int add_programme(pl_change *ch, json_t *o, pl_pevent_bufs *b) {
  pl_pevent ev;
  char why[256];
  if (pl_pevent_from_json(o, &ev, b, why, sizeof why) != PL_ERR_OK) {
    pl_log(PL_LOG_ERROR, "cluster.record", "msg", why, NULL);
    return -1;
  }
  char id[PL_ID_LEN];
  switch (ev.type) {
  case PL_PEV_MEETING_CREATED:
  case PL_PEV_MEETING_IMPORTED:
  case PL_PEV_MEETING_PLANNED: {
    pl_meeting_rec rec;
    if (pl_meeting_rec_copy(&rec, ev.meeting))
      return -1;
    pl_live *m = pl_change_meeting_new(ch, &rec, ev.type);
    pl_meeting_rec_release(&rec);
    return m ? 0 : -1;
  }
  case PL_PEV_MEETING_UPDATED:
  case PL_PEV_MEETING_CANCELLED: {
    pl_live *m = pl_live_get(ev.meeting->id);
    pl_meeting_rec next;
    if (!m || pl_meeting_rec_copy(&next, ev.meeting))
      return -1;
    pl_change_meeting_update(ch, m, &next, ev.type);
    pl_meeting_rec_release(&next);
    return 0;
  }
  case PL_PEV_DELEGATION_CREATED:
    pl_change_new_id(ch, 'd', id, sizeof id);
    break;
  case PL_PEV_PARTICIPANT_INVITED:
    pl_change_new_id(ch, 'p', id, sizeof id);
    break;
  case PL_PEV_GROUP_CREATED:
    pl_change_new_id(ch, 'g', id, sizeof id);
    break;
  case PL_PEV_PROCEDURE_CLOSED:
    /* the closing says how the procedure stood at its deadline: as here */
    ev.procedure = pl_proc_get(&pl_decisions_get()->procs, ev.proc->procedure);
    if (!ev.procedure)
      return -1;
    id[0] = 0;
    break;
  default:
    id[0] = 0;
  }
  const char *logged = ev.type == PL_PEV_DELEGATION_CREATED ? ev.delegation.id
                       : ev.type == PL_PEV_GROUP_CREATED    ? (ev.group ? ev.group->id : "")
                                                            : ev.participant.id;
  if (id[0] && strcmp(id, logged) != 0)
    return -1; /* the ids this node would give are not the log's */
  pl_change_programme(ch, &ev);
  return 0;
}

/* One meeting event: a room event is added (meeting.changed comes with
 * the meeting's update, rebuilt from the programme event before it). */
static int add_meeting(pl_change *ch, const line *l, json_t *o) {
  const char *name = json_string_value(json_object_get(o, "ev"));
  if (name && strcmp(name, "meeting.changed") == 0)
    return 0;
  pl_live *m = pl_live_get(l->meeting);
  pl_events evs = {.n = 1};
  if (!m || pl_event_from_json(o, &evs.ev[0]))
    return -1;
  pl_change_room(ch, m, &evs);
  return 0;
}

/* The rebuilt change says what the record says, event for event; if not,
 * why says which event (the two texts' first bytes, for the log). */
static bool same_as(const pl_change *ch, const record *r, char *why, size_t len) {
  size_t np = 0, nm = 0;
  for (size_t i = 0; i < r->n; i++) {
    const line *l = &r->lines[i];
    const pl_msg *m = l->kind == 'p' ? (np < ch->n_prog ? ch->prog[np++].msg : NULL)
                                     : (nm < ch->n_mev ? ch->mev[nm++].msg : NULL);
    if (!m || m->len != l->len || memcmp(pl_msg_text(m), l->text, l->len) != 0) {
      snprintf(why, len, "event %zu: the log has %.120s; rebuilt: %.120s", i + 1, l->text,
               m ? pl_msg_text(m) : "nothing");
      return false;
    }
  }
  if (np != ch->n_prog || nm != ch->n_mev) {
    snprintf(why, len, "rebuilt more events than the log has");
    return false;
  }
  return true;
}

/* Applies the change at js_seq of the log; a node that cannot stops. */
static void apply(const char *text, size_t len, uint64_t js_seq) {
  static record r; /* one at a time, on the service thread; its lines are reused */
  pl_pevent_bufs *bufs = NULL;
  json_t **docs = NULL;
  pl_change ch;
  pl_change_init(&ch, 0);
  bool ok = parse(text, len, &r) == 0;
  if (ok) {
    pl_change_init(&ch, r.at);
    ch.from_log = js_seq;
    bufs = calloc(r.n + 1, sizeof *bufs);
    docs = calloc(r.n + 1, sizeof *docs);
    ok = bufs && docs;
  }
  for (size_t i = 0; ok && i < r.n; i++) {
    const line *l = &r.lines[i];
    docs[i] = json_loadb(l->text, l->len, 0, NULL);
    ok = docs[i] && (l->kind == 'p' ? add_programme(&ch, docs[i], &bufs[i])
                                    : add_meeting(&ch, l, docs[i])) == 0;
  }
  if (ok && r.closing[0])
    pl_change_close_sessions(&ch, r.closing);
  char msg[300] = "";
  if (!ok)
    snprintf(msg, sizeof msg, "the record does not read, or does not fit this node's state");
  else if (ch.err)
    snprintf(msg, sizeof msg, "%s", ch.msg), ok = false;
  else if ((ok = same_as(&ch, &r, msg, sizeof msg)))
    ok = pl_change_commit(&ch, msg, sizeof msg) == PL_ERR_OK;
  pl_change_release(&ch);
  for (size_t i = 0; docs && i < r.n; i++) {
    pl_pevent_bufs_release(&bufs[i]);
    json_decref(docs[i]);
  }
  free(bufs);
  free(docs);
  if (!ok) {
    char at[24];
    snprintf(at, sizeof at, "%llu", (unsigned long long)js_seq);
    pl_log(PL_LOG_ERROR, "cluster.diverged", "msg",
           "a change of the log does not rebuild here: stopping", "js_seq", at, "why", msg,
           NULL);
    exit(EXIT_FAILURE);
  }
  the.applied = pl_srv->metrics.cluster_applied = js_seq;
}

size_t pl_cluster_catch_up(void) {
  for (size_t n = 0;; n++) {
    char *body = NULL, stream[64], err[256];
    size_t len = 0;
    int rc = pl_js_get(the.js, the.applied + 1, &body, &len, stream, sizeof stream, err,
                       sizeof err);
    if (rc == -1)
      pl_log(PL_LOG_WARN, "cluster.catch_up", "msg", err, NULL);
    if (rc != 0)
      return n;
    apply(body, len, the.applied + 1);
    free(body);
  }
}

/* --- following the log ------------------------------------------------------------ */

static void wake(void *arg) {
  (void)arg;
  ev_async_send(pl_srv->loop, &the.wake); /* the one libev call safe from another thread */
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  pl_js_item *items = NULL;
  size_t n = pl_js_take(the.js, &items);
  for (size_t i = 0; i < n; i++) {
    if (items[i].js_seq == the.applied + 1)
      apply(items[i].body, items[i].len, items[i].js_seq);
    else if (items[i].js_seq > the.applied + 1)
      pl_cluster_catch_up(); /* a gap: fetched by sequence, this one too */
    free(items[i].body);
  }
  free(items);
}

/* Taking the timers: what fell due while no node held them fires now, once
 * (a closing is an event: if the last holder made it, it is applied). */
static void take_timers(void) {
  pl_cluster_catch_up();
  the.leads = true;
  pl_srv->follows = false;
  pl_srv->metrics.cluster_leads = 1;
  pl_log(PL_LOG_NOTICE, "cluster.lease", "msg", "this node now decides the timers", NULL);
  for (size_t i = 0; i < pl_srv->n_live; i++)
    if (pl_srv->live[i]) {
      pl_srv->live[i]->armed_deadline = 0;
      pl_live_arm(pl_srv->live[i]);
    }
  pl_decisions_arm();
  pl_deliver_kick();
}

static void on_lease(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  char holder[64];
  pl_srv->metrics.cluster_connected = pl_js_connected(the.js);
  if (the.leads) {
    if (pl_lease_renew(the.js, TIMERS, &the.lease_rev, holder, sizeof holder) ==
        PL_LEASE_OURS)
      return;
    the.leads = false;
    pl_srv->follows = true;
    pl_srv->metrics.cluster_leads = 0;
    pl_log(PL_LOG_WARN, "cluster.lease", "msg", "the timers are another node's now", "holder",
           holder, NULL);
  } else if (pl_lease_take(the.js, TIMERS, &the.lease_rev, holder, sizeof holder) ==
             PL_LEASE_OURS) {
    take_timers();
  }
}

int pl_cluster_start(const pl_cluster_config *cfg, char *err, size_t errlen) {
  uint64_t applied = 0;
  if (pl_store_applied_get(pl_srv->store, &applied) != PL_STORE_OK) {
    snprintf(err, errlen, "cannot read how far the database followed the log");
    return -1;
  }
  if (applied == 0 && pl_srv->prog.seq > 0) {
    snprintf(err, errlen, "the database has a history of its own: a node starts from an "
             "empty database, or from one that followed this cluster's log");
    return -1;
  }
  pl_js_config jc = {.url = cfg->url, .node = cfg->node, .replicas = cfg->replicas,
                     .lease_ms = LEASE_MS, .wait_ms = 5000};
  the.js = pl_js_open(&jc, err, errlen);
  if (!the.js)
    return -1;
  the.applied = pl_srv->metrics.cluster_applied = applied;
  pl_srv->follows = true; /* until this node takes the timers */
  pl_cluster_catch_up();
  ev_async_init(&the.wake, on_wake);
  ev_async_start(pl_srv->loop, &the.wake);
  if (pl_js_follow(the.js, the.applied + 1, wake, NULL, err, errlen)) {
    pl_cluster_stop();
    return -1;
  }
  if (pl_presence_start(the.js, cfg->node, err, errlen)) {
    pl_cluster_stop();
    return -1;
  }
  ev_timer_init(&the.lease, on_lease, 0., RENEW_S);
  ev_timer_start(pl_srv->loop, &the.lease);
  char at[24];
  snprintf(at, sizeof at, "%llu", (unsigned long long)the.applied);
  pl_log(PL_LOG_NOTICE, "cluster.start", "node", cfg->node, "url", cfg->url, "js_seq", at,
         NULL);
  return 0;
}

void pl_cluster_stop(void) {
  if (!the.js)
    return;
  pl_presence_stop();
  ev_timer_stop(pl_srv->loop, &the.lease);
  ev_async_stop(pl_srv->loop, &the.wake);
  if (the.leads)
    pl_lease_release(the.js, TIMERS); /* another node takes them at once */
  pl_js_close(the.js);
  memset(&the, 0, sizeof the);
  pl_srv->follows = false;
}
