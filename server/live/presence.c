/*
 * The attendance across nodes (presence.h). Messages, JSON on the subject
 * plenary.live.presence, each with the sending node's name in "node":
 *
 *   {"t":"hb"}                       every second
 *   {"t":"reset","ask":bool}         forget what I told before; "ask": tell
 *                                    me what you have
 *   {"t":"set","meeting","participant","name","delegation":{id,name,kind},
 *    "room":N,"remote":N}            my connections of one attendee
 *   {"t":"bye"}                      I am stopping: forget what I told
 *
 * A node's messages arrive in the order it sent them, so a reset followed
 * by its sets replaces everything that node told before.
 */
#include "live/presence.h"

#include <ev.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "cluster/gossip.h"
#include "live/audience.h"

#define SUBJECT "plenary.live.presence"
#define BEAT_S 1.0

typedef struct peer {
  char name[64]; /* "" for a free place */
  int64_t heard_ms;
  bool told; /* this node told it everything since it was heard, or since NATS was back */
} peer;

static struct {
  pl_gossip *g;
  char node[64];
  peer peers[PL_PEERS_MAX];
  uint64_t reconnects;
  ev_async wake;
  ev_timer beat;
} the;

static void send_json(json_t *o) {
  json_object_set_new(o, "node", json_string(the.node));
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (s)
    pl_gossip_send(the.g, s, strlen(s));
  free(s);
}

static void send_set(const pl_live *m, const pl_attendee *a) {
  send_json(json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:i, s:i}", "t", "set",
                      "meeting", m->rec.id, "participant", a->participant, "name", a->name,
                      "delegation", "id", a->delegation.id, "name", a->delegation.name,
                      "kind", PL_ENUM_NAME(pl_delegation_kind, a->delegation.kind), "room",
                      (int)a->conns.room, "remote", (int)a->conns.remote));
}

void pl_presence_share(const pl_live *m, const pl_attendee *a) {
  if (the.g)
    send_set(m, a);
}

/* Everything this node has: a reset, then every attendee with a connection
 * here. */
static void send_all(bool ask) {
  send_json(json_pack("{s:s, s:b}", "t", "reset", "ask", ask));
  for (size_t i = 0; i < pl_srv->n_live; i++) {
    const pl_live *m = pl_srv->live[i];
    for (size_t k = 0; m && k < m->n_att; k++)
      if (pl_attendance_online(&m->att[k].conns))
        send_set(m, &m->att[k]);
  }
}

/* Forgets what peer i told: each attendee it counted is told anew. */
static void forget(int i) {
  for (size_t n = 0; n < pl_srv->n_live; n++) {
    pl_live *m = pl_srv->live[n];
    for (size_t k = 0; m && k < m->n_att; k++) {
      pl_attendee *a = &m->att[k];
      if (a->peer_room[i] || a->peer_remote[i]) {
        a->peer_room[i] = a->peer_remote[i] = 0;
        pl_live_tell_presence(m, a);
      }
    }
  }
}

/* The place of a node in the table, made when new; *is_new when it was
 * not told everything yet. -1 when the table is full. */
static int peer_of(const char *name, bool *is_new) {
  int at = -1;
  for (int i = 0; i < PL_PEERS_MAX && at < 0; i++)
    if (strcmp(the.peers[i].name, name) == 0)
      at = i;
  for (int i = 0; i < PL_PEERS_MAX && at < 0; i++)
    if (!the.peers[i].name[0]) {
      at = i;
      snprintf(the.peers[i].name, sizeof the.peers[i].name, "%s", name);
    }
  *is_new = at >= 0 && !the.peers[at].told;
  if (at >= 0)
    the.peers[at].told = true;
  return at;
}

static void drop_peer(int i, const char *why) {
  pl_log(PL_LOG_NOTICE, "cluster.presence", "msg", why, "node", the.peers[i].name, NULL);
  forget(i);
  memset(&the.peers[i], 0, sizeof the.peers[i]);
}

static void on_set(int i, json_t *o) {
  const char *mid = json_string_value(json_object_get(o, "meeting"));
  const char *pid = json_string_value(json_object_get(o, "participant"));
  const char *name = json_string_value(json_object_get(o, "name"));
  json_t *d = json_object_get(o, "delegation");
  const char *did = json_string_value(json_object_get(d, "id"));
  const char *dname = json_string_value(json_object_get(d, "name"));
  int kind = PL_ENUM_PARSE(pl_delegation_kind, json_string_value(json_object_get(d, "kind")));
  json_int_t room = json_integer_value(json_object_get(o, "room"));
  json_int_t remote = json_integer_value(json_object_get(o, "remote"));
  pl_live *m = mid ? pl_live_get(mid) : NULL;
  /* a meeting this node has not applied yet: its attendance comes with the
   * next change of that attendee, or the next reset */
  if (!m || !pid || !name || !did || !dname || kind < 0 || room < 0 || remote < 0)
    return;
  pl_delegation_ref ref = {.kind = (pl_delegation_kind)kind};
  snprintf(ref.id, sizeof ref.id, "%s", did);
  snprintf(ref.name, sizeof ref.name, "%s", dname);
  pl_attendee *a = pl_live_attendee(m, pid, name, &ref);
  if (!a)
    return;
  a->peer_room[i] = (int32_t)room;
  a->peer_remote[i] = (int32_t)remote;
  /* offline here: shown as last seen anywhere */
  if (!pl_attendance_online(&a->conns) && (room || remote))
    a->conns.last = room ? PL_PRESENCE_ROOM : PL_PRESENCE_REMOTE;
  pl_live_tell_presence(m, a);
}

static void on_message(const char *body, size_t len, int64_t now) {
  json_t *o = json_loadb(body, len, 0, NULL);
  const char *node = json_string_value(json_object_get(o, "node"));
  const char *t = json_string_value(json_object_get(o, "t"));
  if (!node || !t || strcmp(node, the.node) == 0) {
    json_decref(o);
    return;
  }
  bool is_new;
  int i = strcmp(t, "bye") == 0 ? -1 : peer_of(node, &is_new);
  if (strcmp(t, "bye") == 0) {
    for (int k = 0; k < PL_PEERS_MAX; k++)
      if (strcmp(the.peers[k].name, node) == 0)
        drop_peer(k, "a node stopped: its connections are gone");
  } else if (i < 0) {
    pl_log(PL_LOG_WARN, "cluster.presence", "msg", "too many nodes: this one's attendance "
           "is not shown", "node", node, NULL);
  } else {
    the.peers[i].heard_ms = now;
    if (is_new) {
      pl_log(PL_LOG_NOTICE, "cluster.presence", "msg", "a node is heard", "node", node, NULL);
      send_all(true); /* it may not know ours; ask for its own */
    }
    if (strcmp(t, "reset") == 0) {
      forget(i);
      if (json_is_true(json_object_get(o, "ask")) && !is_new)
        send_all(false);
    } else if (strcmp(t, "set") == 0) {
      on_set(i, o);
    }
  }
  json_decref(o);
}

static void wake(void *arg) {
  (void)arg;
  ev_async_send(pl_srv->loop, &the.wake);
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  pl_js_item *items = NULL;
  size_t n = pl_gossip_take(the.g, &items);
  int64_t now = pl_now_ms();
  for (size_t i = 0; i < n; i++) {
    on_message(items[i].body, items[i].len, now);
    free(items[i].body);
  }
  free(items);
}

/* Each second: the heartbeat; peers not heard from are gone; after a
 * reconnection every peer is new again, so each tells the other all. */
static void on_beat(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  int64_t now = pl_now_ms();
  uint64_t r = pl_gossip_reconnects(the.g);
  for (int i = 0; i < PL_PEERS_MAX; i++) {
    if (!the.peers[i].name[0])
      continue;
    if (now - the.peers[i].heard_ms > PL_PRESENCE_TIMEOUT_MS)
      drop_peer(i, "a node is not heard any more: its connections are gone");
    else if (r != the.reconnects)
      the.peers[i].told = false; /* what either said meanwhile may be lost */
  }
  the.reconnects = r;
  send_json(json_pack("{s:s}", "t", "hb"));
}

int pl_presence_start(pl_js *js, const char *node, char *err, size_t errlen) {
  snprintf(the.node, sizeof the.node, "%s", node);
  the.g = pl_gossip_open(js, SUBJECT, wake, NULL, err, errlen);
  if (!the.g)
    return -1;
  the.reconnects = pl_gossip_reconnects(the.g);
  ev_async_init(&the.wake, on_wake);
  ev_async_start(pl_srv->loop, &the.wake);
  ev_timer_init(&the.beat, on_beat, 0., BEAT_S);
  ev_timer_start(pl_srv->loop, &the.beat);
  return 0;
}

void pl_presence_stop(void) {
  if (!the.g)
    return;
  send_json(json_pack("{s:s}", "t", "bye"));
  pl_gossip_close(the.g); /* no message is being handed over after this */
  ev_timer_stop(pl_srv->loop, &the.beat);
  ev_async_stop(pl_srv->loop, &the.wake);
  memset(&the, 0, sizeof the);
}
