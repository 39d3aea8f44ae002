/*
 * Model test of the room core (SQLite's Bitvec test, in spirit): long seeded
 * random sequences of commands are given both to the real room (decide, then
 * apply the events) and to a naive reference written here from contract
 * sections 4-6, and the two are compared after every step: the refusal code,
 * the kinds of the events, the record of speeches, every item's list (ids,
 * order and fields), the floor and its clock, the deadline and the ledgers.
 * The whole event log so far, stripped to what each event carries on the
 * wire, is replayed on a fresh room (after every step for the first seeds,
 * every few steps after that) and must give the same state: that is how the
 * server restarts.
 *
 * The reference is naive on purpose: one flat array of every entry ever
 * asked, each with a status (waiting, called, withdrawn, removed) and a sort
 * key; a list is recomputed by filtering and sorting; the ledgers are
 * recounted from the entries each time they are needed.
 *
 * Groups and contingents are modelled as plainly: a State may speak for its
 * own regional group, for the one political group (g1) it belongs to, or
 * jointly with a list of States; each group's contingent is recounted from
 * what the chair added and what each speech drew, and after every step it
 * must agree with the room's and never be negative.
 * Under protocol order, a list the chair never reordered must hold its
 * statements and questions sorted by rank, time asked and id: a total order.
 *
 * PL_MODEL_SEEDS and PL_MODEL_STEPS in the environment override the size.
 * test_shell_snapshot.c includes this file with PL_MODEL_SNAPSHOTS defined:
 * the same walk then also checks every replay against snapshots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/groups.h"
#include "core/room.h"
#include "room_equal.h"

#define N_ITEMS 3
#define MAX_ENTRIES 8192
#define MAX_LOG 32768
#define REPLAY_EVERY 25
#define REPLAY_ALWAYS_SEEDS 3

/* ------------------------------------------------------------- randomness */

static uint64_t rng_state;

static uint32_t rnd(void) {
  /* xorshift64*: deterministic per seed, independent of the C library. */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }
static bool chance(uint32_t percent) { return below(100) < percent; }

/* ----------------------------------------------------------------- actors */

typedef struct m_deleg {
  const char *id, *name;
  pl_delegation_kind kind;
  int region; /* pl_group, or -1 */
  bool in_g1; /* a member of the political group g1 */
} m_deleg;

static const m_deleg delegs[] = {
    {"d0", "Secretariat", PL_DELEGATION_SECRETARIAT, -1, false},
    {"d1", "France", PL_DELEGATION_STATE, PL_GROUP_WESTERN_EUROPEAN_OTHER, true},
    {"d2", "Germany", PL_DELEGATION_STATE, PL_GROUP_WESTERN_EUROPEAN_OTHER, true},
    {"d3", "Kenya", PL_DELEGATION_STATE, PL_GROUP_AFRICAN, true},
    {"d4", "Japan", PL_DELEGATION_STATE, PL_GROUP_ASIA_PACIFIC, false},
    {"d5", "Access Now", PL_DELEGATION_NGO, -1, false},
    {"d6", "ITU", PL_DELEGATION_ORGANIZATION, -1, false},
    {"d7", "Dr. Expert", PL_DELEGATION_EXPERT, -1, false},
};
#define N_DELEGS (sizeof delegs / sizeof delegs[0])

typedef struct m_actor {
  const char *pid, *name;
  pl_role role;
  bool presides;
  int deleg;
  pl_presence presence;
} m_actor;

/* Protocol ranks, one per actor below (the secretariat sets them). */
static const pl_rank ranks[] = {
    PL_RANK_DELEGATE,      PL_RANK_DELEGATE,           PL_RANK_DELEGATE,
    PL_RANK_HEAD_OF_STATE, PL_RANK_DELEGATE,           PL_RANK_MINISTER,
    PL_RANK_VICE_MINISTER, PL_RANK_HEAD_OF_DELEGATION, PL_RANK_OBSERVER,
    PL_RANK_OBSERVER,      PL_RANK_MINISTER,           PL_RANK_DELEGATE,
    PL_RANK_HEAD_OF_STATE,
};

static const m_actor actors[] = {
    {"p1", "Chair", PL_ROLE_CHAIR, true, 0, PL_PRESENCE_ROOM},
    {"p2", "Officer", PL_ROLE_SECRETARIAT, true, 0, PL_PRESENCE_REMOTE},
    {"p3", "Viewer", PL_ROLE_VIEWER, false, 1, PL_PRESENCE_ROOM},
    {"p4", "Amb. Dupont", PL_ROLE_DELEGATE, false, 1, PL_PRESENCE_ROOM},
    {"p5", "M. Blanc", PL_ROLE_DELEGATE, false, 1, PL_PRESENCE_REMOTE},
    {"p6", "Amb. Weber", PL_ROLE_DELEGATE, false, 2, PL_PRESENCE_REMOTE},
    {"p7", "Amb. Otieno", PL_ROLE_DELEGATE, false, 3, PL_PRESENCE_ROOM},
    {"p8", "Amb. Sato", PL_ROLE_DELEGATE, false, 4, PL_PRESENCE_REMOTE},
    {"p9", "Ms. Ngo", PL_ROLE_OBSERVER, false, 5, PL_PRESENCE_REMOTE},
    {"p10", "Mr. Union", PL_ROLE_OBSERVER, false, 6, PL_PRESENCE_ROOM},
    {"p11", "Dr. Who", PL_ROLE_OBSERVER, false, 7, PL_PRESENCE_REMOTE},
    {"p12", "Vice-Chair", PL_ROLE_CHAIR, false, 0, PL_PRESENCE_ROOM},
    {"p13", "Liaison", PL_ROLE_DELEGATE, false, 6, PL_PRESENCE_REMOTE},
};
#define N_ACTORS (sizeof actors / sizeof actors[0])

static pl_actor real_actor(int i) {
  pl_actor a;
  memset(&a, 0, sizeof a);
  const m_actor *m = &actors[i];
  a.role = m->role;
  a.presides = m->presides;
  snprintf(a.participant, sizeof a.participant, "%s", m->pid);
  snprintf(a.name, sizeof a.name, "%s", m->name);
  snprintf(a.delegation.id, sizeof a.delegation.id, "%s", delegs[m->deleg].id);
  snprintf(a.delegation.name, sizeof a.delegation.name, "%s", delegs[m->deleg].name);
  a.delegation.kind = delegs[m->deleg].kind;
  a.presence = m->presence;
  a.region = delegs[m->deleg].region;
  a.rank = ranks[i];
  return a;
}

/* The political group g1, as the shell would read it from the view. */
static pl_group_def g1;

static void g1_init(void) {
  memset(&g1, 0, sizeof g1);
  snprintf(g1.id, sizeof g1.id, "g1");
  snprintf(g1.name, sizeof g1.name, "Group One");
  for (size_t d = 0; d < sizeof delegs / sizeof delegs[0]; d++)
    if (delegs[d].in_g1)
      snprintf(g1.members[g1.n_members++], PL_ID_LEN, "%s", delegs[d].id);
}

/* Contingent keys the model keeps ledgers for: the regional groups, g1,
 * and one the shell would not know (the core trusts the shell on that). */
static const char *const groups_k[] = {"african", "asia_pacific", "eastern_european",
                                       "latin_american_caribbean",
                                       "western_european_other", "g1"};
#define N_GROUPS (sizeof groups_k / sizeof groups_k[0])

static int group_index(const char *key) {
  for (size_t g = 0; g < N_GROUPS; g++)
    if (strcmp(groups_k[g], key) == 0)
      return (int)g;
  return -1;
}

/* ------------------------------------------------------------ the model */

enum { W_WAITING, W_CALLED, W_WITHDRAWN, W_REMOVED };

typedef struct m_entry {
  int num; /* id "e<num>" */
  int item;
  int actor;
  pl_speech_kind kind;
  char speaker[PL_NAME_LEN + 8];
  char on_behalf[PL_NAME_LEN + 8];
  int contingent; /* index in groups_k, or -1 */
  int n_joint;
  int joint[PL_MAX_JOINT];
  bool by_rank;
  int status;
  int64_t requested_at;
  int32_t allotted_ms;
  long key; /* list order among the waiting entries of its item */
} m_entry;

typedef struct m_speech {
  int entry;
  int64_t started_at, ended_at, spoken_ms;
  int32_t allotted_ms, drawn_ms;
} m_speech;

typedef struct model {
  pl_policy p;
  pl_item_kind item_kind[N_ITEMS];
  bool closed[N_ITEMS];
  bool moved[N_ITEMS];       /* the chair reordered the list */
  int64_t deadline[N_ITEMS]; /* inscription deadlines; 0: none */
  int64_t open_since[N_ITEMS], spent[N_ITEMS]; /* the items' clocks */
  int current;
  m_entry e[MAX_ENTRIES];
  int n;
  /* the floor */
  bool held;
  int fe; /* index into e */
  int fitem;
  bool speaking, paused, overrun;
  pl_pause_reason reason;
  int64_t called_at, started_at;
  int64_t spoken_before; /* closed stretches of speech */
  int64_t run_from;      /* start of the open stretch, when running */
  int32_t allotted_ms;
  int64_t contingent_ms;
  int64_t returned_at; /* the remote speaker said they are back */
  /* the contingents: per item and group, what was added and drawn */
  int64_t c_added[N_ITEMS][N_GROUPS], c_used[N_ITEMS][N_GROUPS];
  /* what the last step produced */
  pl_event_type types[PL_MAX_EVENTS];
  size_t n_types;
  bool has_speech;
  m_speech speech;
} model;

static void m_emit(model *m, pl_event_type t) { m->types[m->n_types++] = t; }

static bool m_state(int actor) {
  return delegs[actors[actor].deleg].kind == PL_DELEGATION_STATE;
}

static bool m_running(const model *m) { return m->held && m->speaking && !m->paused; }

static int64_t m_spoken(const model *m, int64_t now) {
  if (!m->held)
    return 0;
  int64_t s = m->spoken_before;
  if (m_running(m) && now > m->run_from)
    s += now - m->run_from;
  return s;
}

static int cls(pl_speech_kind k) {
  return k == PL_SPEECH_POINT_OF_ORDER ? 0 : k == PL_SPEECH_RIGHT_OF_REPLY ? 2 : 1;
}

static const m_entry *sort_base;
static int by_key(const void *a, const void *b) {
  long x = sort_base[*(const int *)a].key, y = sort_base[*(const int *)b].key;
  return (x > y) - (x < y);
}

/* The list of item `it`: indices of its waiting entries sorted by key. */
static size_t m_list(const model *m, int it, int *out) {
  size_t n = 0;
  for (int i = 0; i < m->n; i++)
    if (m->e[i].item == it && m->e[i].status == W_WAITING)
      out[n++] = i;
  sort_base = m->e;
  qsort(out, n, sizeof *out, by_key);
  return n;
}

/* Renumbers the keys of item `it`'s list as `order` gives them. */
static void m_rekey(model *m, const int *order, size_t n) {
  for (size_t i = 0; i < n; i++)
    m->e[order[i]].key = (long)(i + 1) * 10;
}

static int m_find_waiting(const model *m, const char *id) {
  if (!id || id[0] != 'e' || id[1] < '1' || id[1] > '9')
    return -1;
  char *end;
  long num = strtol(id + 1, &end, 10);
  if (*end || num < 1 || num > m->n)
    return -1;
  /* entry number k is e[k - 1]: the model numbers them as it stores them */
  return m->e[num - 1].status == W_WAITING ? (int)(num - 1) : -1;
}

/* Ledger, recounted: requests of `deleg` in `it` neither withdrawn nor
 * removed, of the kind of interest. */
static int m_count(const model *m, int it, int deleg, bool replies_only) {
  int c = 0;
  for (int i = 0; i < m->n; i++) {
    const m_entry *x = &m->e[i];
    if (x->item != it || actors[x->actor].deleg != deleg)
      continue;
    if (x->status == W_WITHDRAWN || x->status == W_REMOVED)
      continue;
    if (replies_only && x->kind != PL_SPEECH_RIGHT_OF_REPLY)
      continue;
    c++;
  }
  return c;
}

static int32_t ms(int32_t s) { return s * 1000; }

static int64_t m_left(const model *m, int it, int g) {
  if (m->p.contingent_s <= 0 || g < 0)
    return 0;
  int64_t left = (int64_t)m->p.contingent_s * 1000 + m->c_added[it][g] - m->c_used[it][g];
  return left > 0 ? left : 0;
}

static void m_end_speech(model *m, int64_t now) {
  m->has_speech = true;
  m->speech.entry = m->fe;
  m->speech.started_at = m->speaking ? m->started_at : 0;
  m->speech.ended_at = now;
  m->speech.spoken_ms = m_spoken(m, now);
  m->speech.allotted_ms = m->allotted_ms;
  int g = m->e[m->fe].contingent;
  int64_t left = m_left(m, m->fitem, g);
  m->speech.drawn_ms = g < 0 ? 0 : (int32_t)(m->speech.spoken_ms < left ? m->speech.spoken_ms : left);
  if (g >= 0)
    m->c_used[m->fitem][g] += m->speech.drawn_ms;
  m->held = false;
  m->speaking = m->paused = m->overrun = false;
  m->reason = PL_PAUSE_NONE;
}

static void m_give(model *m, int idx, int64_t now) {
  if (m->held) {
    m_end_speech(m, now);
    m_emit(m, PL_EV_SPEECH_ENDED);
  }
  m->e[idx].status = W_CALLED;
  m_emit(m, PL_EV_QUEUE_REMOVED);
  m->held = true;
  m->fe = idx;
  m->fitem = m->e[idx].item;
  m->speaking = actors[m->e[idx].actor].presence == PL_PRESENCE_ROOM;
  m->paused = m->overrun = false;
  m->reason = PL_PAUSE_NONE;
  m->called_at = now;
  m->started_at = m->speaking ? now : 0;
  m->spoken_before = 0;
  m->run_from = now;
  m->allotted_ms = m->e[idx].allotted_ms;
  m->contingent_ms = 0;
  m->returned_at = 0;
  if (m->e[idx].contingent >= 0) {
    m->contingent_ms = m_left(m, m->fitem, m->e[idx].contingent);
    if (m->contingent_ms < m->allotted_ms)
      m->allotted_ms = (int32_t)m->contingent_ms;
  }
  m_emit(m, PL_EV_FLOOR_CHANGED);
}

static bool may_speak(int a) {
  return actors[a].role == PL_ROLE_DELEGATE || actors[a].role == PL_ROLE_OBSERVER;
}

/* ---- the model's commands: each returns the code the contract demands */

/* Whom a request speaks for, as groups.h states it: *group_time when it
 * has the group time; the joint list into x. */
static pl_err m_behalf(const model *m, int a, const char *on_behalf, const int *joint,
                       int n_joint, bool *group_time, m_entry *x) {
  *group_time = false;
  if (!on_behalf || !on_behalf[0])
    return PL_ERR_OK;
  const m_deleg *me = &delegs[actors[a].deleg];
  if (me->kind != PL_DELEGATION_STATE)
    return PL_ERR_FORBIDDEN;
  if (strcmp(on_behalf, "joint") == 0) {
    if (n_joint == 0 || n_joint > PL_MAX_JOINT)
      return PL_ERR_BAD_REQUEST;
    bool self = false;
    for (int i = 0; i < n_joint; i++) {
      if (delegs[joint[i]].kind != PL_DELEGATION_STATE)
        return PL_ERR_BAD_REQUEST;
      for (int k = 0; k < i; k++)
        if (joint[k] == joint[i])
          return PL_ERR_BAD_REQUEST;
      x->joint[x->n_joint++] = joint[i];
      self |= joint[i] == actors[a].deleg;
    }
    if (!self && n_joint == PL_MAX_JOINT)
      return PL_ERR_BAD_REQUEST;
    if (!self)
      x->joint[x->n_joint++] = actors[a].deleg;
    *group_time = x->n_joint >= m->p.joint_min;
    return PL_ERR_OK;
  }
  int region = PL_ENUM_PARSE(pl_group, on_behalf);
  if (region >= 0) {
    if (me->region != region)
      return PL_ERR_FORBIDDEN;
  } else if (strcmp(on_behalf, "g1") == 0) {
    if (!me->in_g1)
      return PL_ERR_FORBIDDEN;
  } else {
    return PL_ERR_NOT_FOUND;
  }
  *group_time = true;
  return PL_ERR_OK;
}

static pl_err m_request(model *m, int a, pl_speech_kind kind, const char *speaker,
                        const char *on_behalf, const int *joint, int n_joint, int64_t now) {
  if (!may_speak(a))
    return PL_ERR_FORBIDDEN;
  if ((int)kind < 0 || (int)kind > 3)
    return PL_ERR_BAD_REQUEST;
  if (speaker && (strlen(speaker) >= PL_NAME_LEN || strlen(speaker) == 0))
    return PL_ERR_BAD_REQUEST;
  if (on_behalf && strlen(on_behalf) >= PL_NAME_LEN)
    return PL_ERR_BAD_REQUEST;
  m_entry nx;
  memset(&nx, 0, sizeof nx);
  bool group_time;
  pl_err be = m_behalf(m, a, on_behalf, joint, n_joint, &group_time, &nx);
  if (be)
    return be;
  bool state = m_state(a);
  int it = m->current, d = actors[a].deleg;
  if (!state && (kind == PL_SPEECH_POINT_OF_ORDER || kind == PL_SPEECH_RIGHT_OF_REPLY))
    return PL_ERR_FORBIDDEN;
  if (!state && m->p.observer_items == PL_OBSERVER_ITEMS_NONE)
    return PL_ERR_FORBIDDEN;
  if (!state && m->p.observer_items == PL_OBSERVER_ITEMS_STAKEHOLDER &&
      m->item_kind[it] != PL_ITEM_STAKEHOLDER)
    return PL_ERR_FORBIDDEN;
  if (m->closed[it] && kind != PL_SPEECH_POINT_OF_ORDER)
    return PL_ERR_CONFLICT;
  if (kind == PL_SPEECH_STATEMENT)
    for (int i = 0; i < m->n; i++)
      if (m->e[i].item == it && m->e[i].status == W_WAITING &&
          m->e[i].kind == PL_SPEECH_STATEMENT && actors[m->e[i].actor].deleg == d)
        return PL_ERR_CONFLICT;
  if (!state && m_count(m, it, d, false) >= m->p.observer_max_per_item)
    return PL_ERR_LIMIT;
  int32_t allotted;
  if (kind == PL_SPEECH_POINT_OF_ORDER) {
    allotted = ms(m->p.point_of_order_s);
  } else if (kind == PL_SPEECH_RIGHT_OF_REPLY) {
    int used = m_count(m, it, d, true);
    if (used >= m->p.n_reply)
      return PL_ERR_LIMIT;
    allotted = ms(m->p.reply_s[used]);
  } else if (!state) {
    allotted = ms(m->p.observer_statement_s);
  } else if (group_time && kind == PL_SPEECH_STATEMENT) {
    allotted = ms(m->p.group_statement_s);
  } else {
    allotted = ms(m->p.statement_s);
  }
  nx.contingent = -1;
  if (m->p.contingent_s > 0 && state && kind != PL_SPEECH_POINT_OF_ORDER) {
    bool group = on_behalf && on_behalf[0] && strcmp(on_behalf, "joint") != 0;
    nx.contingent =
        group_index(group ? on_behalf : PL_ENUM_NAME(pl_group, delegs[d].region));
    if (m_left(m, it, nx.contingent) <= 0)
      return PL_ERR_LIMIT;
  }
  assert_true(m->n < MAX_ENTRIES);
  m_entry *x = &m->e[m->n];
  *x = nx;
  x->num = m->n + 1;
  x->item = it;
  x->actor = a;
  x->kind = kind;
  snprintf(x->speaker, sizeof x->speaker, "%s", speaker ? speaker : actors[a].name);
  snprintf(x->on_behalf, sizeof x->on_behalf, "%s", on_behalf ? on_behalf : "");
  x->status = W_WAITING;
  x->requested_at = now;
  x->allotted_ms = allotted;
  /* Contract order: after every waiting entry of its own or an earlier
   * class, i.e. before the first entry, scanning from the end, that ... */
  int list[MAX_ENTRIES];
  size_t n = m_list(m, it, list);
  x->by_rank = m->p.order == PL_ORDER_PROTOCOL &&
               (kind == PL_SPEECH_STATEMENT || kind == PL_SPEECH_QUESTION);
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    const m_entry *y = &m->e[list[i]];
    if (cls(y->kind) < cls(kind) ||
        (cls(y->kind) == cls(kind) &&
         (!x->by_rank || !y->by_rank || ranks[y->actor] <= ranks[a])))
      pos = i + 1;
  }
  memmove(&list[pos + 1], &list[pos], (n - pos) * sizeof *list);
  list[pos] = m->n;
  m->n++;
  m_rekey(m, list, n + 1);
  m_emit(m, PL_EV_QUEUE_ADDED);
  return PL_ERR_OK;
}

static bool m_owns(int a, const m_entry *x) {
  return actors[a].presides ||
         (may_speak(a) && actors[a].deleg == actors[x->actor].deleg);
}

static pl_err m_withdraw(model *m, int a, const char *id) {
  int i = m_find_waiting(m, id);
  if (i < 0)
    return PL_ERR_NOT_FOUND;
  if (!m_owns(a, &m->e[i]))
    return PL_ERR_FORBIDDEN;
  m->e[i].status = W_WITHDRAWN;
  m_emit(m, PL_EV_QUEUE_REMOVED);
  return PL_ERR_OK;
}

static pl_err m_update(model *m, int a, const char *id, const char *speaker) {
  int i = m_find_waiting(m, id);
  if (i < 0)
    return PL_ERR_NOT_FOUND;
  if (!m_owns(a, &m->e[i]))
    return PL_ERR_FORBIDDEN;
  if (!speaker || !speaker[0] || strlen(speaker) >= PL_NAME_LEN)
    return PL_ERR_BAD_REQUEST;
  snprintf(m->e[i].speaker, sizeof m->e[i].speaker, "%s", speaker);
  m_emit(m, PL_EV_QUEUE_UPDATED);
  return PL_ERR_OK;
}

static pl_err m_ready(model *m, int a, bool by_chair, int64_t now) {
  if (by_chair && !actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (!m->held)
    return PL_ERR_CONFLICT;
  if (!by_chair) {
    const m_actor *fa = &actors[m->e[m->fe].actor];
    bool same = strcmp(actors[a].pid, fa->pid) == 0 ||
                (may_speak(a) && actors[a].deleg == fa->deleg);
    if (!same)
      return PL_ERR_FORBIDDEN;
  }
  if (!by_chair && m->speaking && m->paused && m->reason == PL_PAUSE_DISCONNECTED) {
    if (m->returned_at)
      return PL_ERR_CONFLICT;
    m->returned_at = now;
    m_emit(m, PL_EV_FLOOR_CHANGED);
    return PL_ERR_OK;
  }
  if (m->speaking)
    return PL_ERR_CONFLICT;
  m->speaking = true;
  m->started_at = now;
  m->run_from = now;
  m->spoken_before = 0;
  m_emit(m, PL_EV_FLOOR_CHANGED);
  return PL_ERR_OK;
}

static pl_err m_next(model *m, int a, const char *id, bool give, int64_t now) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  int list[MAX_ENTRIES];
  size_t n = m_list(m, m->current, list);
  int idx;
  if (give) {
    idx = m_find_waiting(m, id);
    if (idx < 0 || m->e[idx].item != m->current)
      return PL_ERR_NOT_FOUND;
  } else {
    if (n == 0)
      return PL_ERR_CONFLICT;
    idx = list[0];
  }
  m_give(m, idx, now);
  return PL_ERR_OK;
}

static pl_err m_clock(model *m, int a, int op, int32_t seconds, int64_t now) {
  /* op: 0 pause, 1 resume, 2 extend, 3 end */
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (op == 2 && (seconds < 1 || seconds > 3600))
    return PL_ERR_BAD_REQUEST;
  if (!m->held)
    return PL_ERR_CONFLICT;
  switch (op) {
  case 0:
    if (!m->speaking || m->paused)
      return PL_ERR_CONFLICT;
    m->spoken_before = m_spoken(m, now);
    m->paused = true;
    m->reason = PL_PAUSE_CHAIR;
    m_emit(m, PL_EV_FLOOR_CHANGED);
    return PL_ERR_OK;
  case 1:
    if (!m->paused)
      return PL_ERR_CONFLICT;
    m->paused = false;
    m->reason = PL_PAUSE_NONE;
    m->run_from = now;
    m->returned_at = 0;
    m_emit(m, PL_EV_FLOOR_CHANGED);
    return PL_ERR_OK;
  case 2: {
    int64_t grown = (int64_t)m->allotted_ms + (int64_t)seconds * 1000;
    m->allotted_ms = grown > INT32_MAX ? INT32_MAX : (int32_t)grown;
    if (m_spoken(m, now) < m->allotted_ms)
      m->overrun = false;
    m_emit(m, PL_EV_FLOOR_CHANGED);
    return PL_ERR_OK;
  }
  default:
    m_end_speech(m, now);
    m_emit(m, PL_EV_SPEECH_ENDED);
    m_emit(m, PL_EV_FLOOR_CHANGED);
    return PL_ERR_OK;
  }
}

static pl_err m_move(model *m, int a, const char *id, int32_t pos, bool remove) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  int i = m_find_waiting(m, id);
  if (i < 0)
    return PL_ERR_NOT_FOUND;
  if (remove) {
    m->e[i].status = W_REMOVED;
    m_emit(m, PL_EV_QUEUE_REMOVED);
    return PL_ERR_OK;
  }
  int list[MAX_ENTRIES];
  size_t n = m_list(m, m->e[i].item, list);
  size_t from = 0;
  while (list[from] != i)
    from++;
  size_t to = pos < 0 ? 0 : (size_t)pos >= n ? n - 1 : (size_t)pos;
  if (to == from)
    return PL_ERR_OK;
  memmove(&list[from], &list[from + 1], (n - from - 1) * sizeof *list);
  memmove(&list[to + 1], &list[to], (n - 1 - to) * sizeof *list);
  list[to] = i;
  m_rekey(m, list, n);
  m->moved[m->e[i].item] = true;
  m_emit(m, PL_EV_QUEUE_MOVED);
  return PL_ERR_OK;
}

static pl_err m_close(model *m, int a, bool close) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (m->closed[m->current] == close)
    return PL_ERR_CONFLICT;
  m->closed[m->current] = close;
  if (close)
    m->deadline[m->current] = 0;
  m_emit(m, close ? PL_EV_QUEUE_CLOSED : PL_EV_QUEUE_OPENED);
  return PL_ERR_OK;
}

static pl_err m_set_deadline(model *m, int a, int item, int64_t at, int64_t now) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (at != 0 && at <= now)
    return PL_ERR_BAD_REQUEST;
  if (item < 0 || item >= N_ITEMS)
    return PL_ERR_NOT_FOUND;
  if (m->closed[item])
    return PL_ERR_CONFLICT;
  m->deadline[item] = at;
  m_emit(m, PL_EV_QUEUE_DEADLINE);
  return PL_ERR_OK;
}

static pl_err m_add_contingent(model *m, int a, int g, int32_t seconds) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (seconds < 1 || seconds > 3600)
    return PL_ERR_BAD_REQUEST;
  if (m->p.contingent_s <= 0)
    return PL_ERR_CONFLICT;
  m->c_added[m->current][g] += (int64_t)seconds * 1000;
  m_emit(m, PL_EV_CONTINGENT_ADDED);
  if (m->held && m->fitem == m->current && m->e[m->fe].contingent == g) {
    m->contingent_ms += (int64_t)seconds * 1000;
    m_emit(m, PL_EV_FLOOR_CHANGED);
  }
  return PL_ERR_OK;
}

static pl_err m_open_item(model *m, int a, int item, int64_t now) {
  if (!actors[a].presides)
    return PL_ERR_FORBIDDEN;
  if (item < 0 || item >= N_ITEMS)
    return PL_ERR_NOT_FOUND;
  if (item == m->current)
    return PL_ERR_CONFLICT;
  if (m->held) {
    m_end_speech(m, now);
    m_emit(m, PL_EV_SPEECH_ENDED);
    m_emit(m, PL_EV_FLOOR_CHANGED);
  }
  m->current = item;
  m_emit(m, PL_EV_ITEM);
  return PL_ERR_OK;
}

static void m_disconnected(model *m, int a, int64_t now) {
  if (!m_running(m))
    return;
  const m_actor *fa = &actors[m->e[m->fe].actor];
  if (fa->presence != PL_PRESENCE_REMOTE || strcmp(fa->pid, actors[a].pid) != 0)
    return;
  m->spoken_before = m_spoken(m, now);
  m->paused = true;
  m->reason = PL_PAUSE_DISCONNECTED;
  m->returned_at = 0;
  m_emit(m, PL_EV_FLOOR_CHANGED);
}

static void m_tick(model *m, int64_t now) {
  for (int k = 0; k < N_ITEMS; k++)
    if (!m->closed[k] && m->deadline[k] && now >= m->deadline[k]) {
      m->closed[k] = true;
      m->deadline[k] = 0;
      m_emit(m, PL_EV_QUEUE_CLOSED);
    }
  if (!m_running(m) || m->overrun || m_spoken(m, now) < m->allotted_ms)
    return;
  m->overrun = true;
  m_emit(m, PL_EV_FLOOR_EXPIRED);
  if (m->p.on_expiry == PL_ON_EXPIRY_CUT) {
    m_end_speech(m, now);
    m_emit(m, PL_EV_SPEECH_ENDED);
    m_emit(m, PL_EV_FLOOR_CHANGED);
  }
}

static int64_t m_deadline(const model *m) {
  int64_t first = 0;
  if (m_running(m) && !m->overrun)
    first = m->run_from + (m->allotted_ms - m->spoken_before);
  for (int k = 0; k < N_ITEMS; k++)
    if (!m->closed[k] && m->deadline[k] && (!first || m->deadline[k] < first))
      first = m->deadline[k];
  return first;
}

/* ----------------------------------------------------------- comparison */

static const char *item_id(int i) {
  static const char *ids[] = {"i1", "i2", "i3"};
  return ids[i];
}

static void check_entry(const model *m, const m_entry *x, const pl_entry *e) {
  char id[32];
  snprintf(id, sizeof id, "e%d", x->num);
  assert_string_equal(e->id, id);
  const m_actor *a = &actors[x->actor];
  assert_string_equal(e->participant, a->pid);
  assert_string_equal(e->delegation.id, delegs[a->deleg].id);
  assert_string_equal(e->delegation.name, delegs[a->deleg].name);
  assert_int_equal(e->delegation.kind, delegs[a->deleg].kind);
  assert_string_equal(e->speaker, x->speaker);
  assert_string_equal(e->on_behalf, x->on_behalf);
  assert_int_equal(e->kind, x->kind);
  assert_int_equal(e->presence, a->presence);
  assert_int_equal(e->requested_at, x->requested_at);
  assert_int_equal(e->allotted_ms, x->allotted_ms);
  assert_string_equal(e->contingent, x->contingent >= 0 ? groups_k[x->contingent] : "");
  assert_string_equal(e->on_behalf_name, strcmp(x->on_behalf, "g1") == 0 ? g1.name : "");
  assert_int_equal(e->by_rank, x->by_rank);
  if (x->by_rank)
    assert_int_equal(e->rank, ranks[x->actor]);
  assert_int_equal(e->n_joint, x->n_joint);
  for (int i = 0; i < x->n_joint; i++)
    assert_string_equal(e->joint[i], delegs[x->joint[i]].id);
  (void)m;
}

static void check_room(const model *m, const pl_room *r, int64_t now, bool ledgers) {
  assert_int_equal(r->current, m->current);
  assert_int_equal(r->next_entry, (uint32_t)m->n + 1);
  int list[MAX_ENTRIES];
  for (int k = 0; k < N_ITEMS; k++) {
    const pl_item *it = &r->items[k];
    assert_string_equal(it->def.id, item_id(k));
    assert_int_equal(it->list_closed, m->closed[k]);
    assert_int_equal(it->deadline_at, m->deadline[k]);
    assert_int_equal(it->open_since, m->open_since[k]);
    assert_int_equal(pl_item_spent_ms(it, now), m->spent[k] + (m->open_since[k] && now > m->open_since[k] ? now - m->open_since[k] : 0));
    size_t n = m_list(m, k, list);
    if (it->n_queue != n)
      fail_msg("item %s: %zu entries, model %zu", item_id(k), it->n_queue, n);
    for (size_t i = 0; i < n; i++)
      check_entry(m, &m->e[list[i]], &it->queue[i]);
    /* Protocol order is a total order: untouched by the chair, statements
     * and questions ranked strictly by (rank, time asked, id). */
    const pl_entry *prev = NULL;
    for (size_t i = 0; !m->moved[k] && i < it->n_queue; i++) {
      const pl_entry *e = &it->queue[i];
      if (!e->by_rank)
        continue;
      if (prev) {
        int before = prev->rank < e->rank ||
                     (prev->rank == e->rank && (prev->requested_at < e->requested_at ||
                                                (prev->requested_at == e->requested_at &&
                                                 atoi(prev->id + 1) < atoi(e->id + 1))));
        if (!before)
          fail_msg("item %s: %s (rank %d) before %s (rank %d)", item_id(k), prev->id,
                   prev->rank, e->id, e->rank);
      }
      prev = e;
    }
    if (!ledgers)
      continue;
    for (size_t d = 0; d < N_DELEGS; d++) {
      int replies = m_count(m, k, (int)d, true);
      int interventions =
          delegs[d].kind == PL_DELEGATION_STATE ? 0 : m_count(m, k, (int)d, false);
      int32_t got_r = 0, got_i = 0;
      for (size_t t = 0; t < it->n_tally; t++)
        if (strcmp(it->tally[t].delegation, delegs[d].id) == 0) {
          got_r = it->tally[t].replies;
          got_i = it->tally[t].interventions;
        }
      assert_int_equal(got_r, replies);
      assert_int_equal(got_i, interventions);
    }
  }
  /* Every contingent as the model recounts it, and never below zero:
   * nothing drew more than was left. */
  for (int k = 0; k < N_ITEMS; k++)
    for (size_t g = 0; g < N_GROUPS; g++) {
      int64_t left = pl_room_contingent_left(r, &r->items[k], groups_k[g]);
      assert_true(left >= 0);
      assert_int_equal(left, m_left(m, k, (int)g));
      const pl_contingent *c = NULL;
      for (size_t i = 0; i < r->items[k].n_cont; i++)
        if (strcmp(r->items[k].cont[i].group, groups_k[g]) == 0)
          c = &r->items[k].cont[i];
      if (c)
        assert_true(c->used_ms <= (int64_t)m->p.contingent_s * 1000 + c->added_ms);
    }
  const pl_floor *f = &r->floor;
  assert_int_equal(f->held, m->held);
  assert_int_equal(pl_floor_spoken_ms(f, now), m_spoken(m, now));
  assert_int_equal(pl_room_deadline(r), m_deadline(m));
  if (!m->held)
    return;
  check_entry(m, &m->e[m->fe], &f->entry);
  assert_string_equal(f->item, item_id(m->fitem));
  assert_int_equal(f->phase, m->speaking ? PL_PHASE_SPEAKING : PL_PHASE_CALLING);
  assert_int_equal(f->paused, m->paused);
  assert_int_equal(f->pause_reason, m->reason);
  assert_int_equal(f->overrun, m->overrun);
  assert_int_equal(f->allotted_ms, m->allotted_ms);
  assert_int_equal(f->called_at, m->called_at);
  assert_int_equal(f->started_at, m->started_at);
  assert_int_equal(f->contingent_ms, m->contingent_ms);
  assert_int_equal(f->returned_at, m->returned_at);
}


/* ------------------------------------------------------------- the run */

typedef struct run {
  model m;
  pl_room r;
  pl_item_def items[N_ITEMS];
  pl_event log[MAX_LOG];
  size_t n_log;
  pl_events out;
  int64_t now;
  /* coverage, to show that the random walk reaches every rule */
  long by_code[PL_ERR__COUNT];
  long by_event[16];
  long by_deadline; /* lists closed by their inscription deadline */
  int prev_item;    /* the open item before the step */
} run;

static char longname[PL_NAME_LEN + 1];
static char maxname[PL_NAME_LEN];

static const char *pick_name(void) {
  static const char *names[] = {"Amb. Rossi", "Ms. Kowalska", "Mr. Li", "Dr. Adeyemi"};
  switch (below(12)) {
  case 0:
    return NULL;
  case 1:
    return "";
  case 2:
    return longname;
  case 3:
    return maxname;
  default:
    return names[below(4)];
  }
}

/* An entry id to name: mostly one that exists or existed, sometimes junk. */
static const char *pick_entry(const run *u, char *buf, size_t cap) {
  uint32_t c = below(20);
  if (c == 0)
    return NULL;
  if (c == 1)
    return "zz";
  /* prefer waiting entries of the open item */
  if (c < 14) {
    int list[MAX_ENTRIES];
    size_t n = m_list(&u->m, u->m.current, list);
    if (n) {
      snprintf(buf, cap, "e%d", u->m.e[list[below((uint32_t)n)]].num);
      return buf;
    }
  }
  snprintf(buf, cap, "e%u", 1 + below((uint32_t)u->m.n + 2));
  return buf;
}

static int pick_actor(bool chairish) {
  if (chairish && chance(80))
    return chance(85) ? 0 : 1;
  return (int)below(N_ACTORS);
}

static void random_policy(pl_policy *p) {
  pl_policy_default(p);
  p->statement_s = 1 + (int32_t)below(10);
  p->group_statement_s = 1 + (int32_t)below(12);
  p->observer_statement_s = 1 + (int32_t)below(6);
  p->point_of_order_s = 1 + (int32_t)below(4);
  p->n_reply = (uint8_t)below(4);
  for (int i = 0; i < PL_MAX_REPLIES; i++)
    p->reply_s[i] = 1 + (int32_t)below(8);
  p->observer_items = (pl_observer_items)below(3);
  p->observer_max_per_item = (int32_t)below(3);
  p->on_expiry = (pl_on_expiry)below(2);
  p->joint_min = 2 + (int32_t)below(4);
  p->contingent_s = chance(30) ? 0 : 1 + (int32_t)below(20);
  p->order = chance(40) ? PL_ORDER_PROTOCOL : PL_ORDER_ASKED;
}

/* Whom a request speaks for: mostly nobody, else a regional group (one's
 * own or not), g1, a name that is no group, or a joint list. */
static const char *pick_behalf(int *joint, int *n_joint) {
  static const char *const keys[] = {"african", "asia_pacific", "western_european_other",
                                     "eastern_european", "g1", "g9", "Group of Friends"};
  *n_joint = 0;
  switch (below(10)) {
  case 0:
  case 1:
  case 2:
  case 3:
    return chance(20) ? pick_name() : NULL;
  case 4:
  case 5: {
    *n_joint = (int)below(6);
    for (int i = 0; i < *n_joint; i++)
      joint[i] = chance(85) ? 1 + (int)below(4) : (int)below(N_DELEGS);
    return "joint";
  }
  default:
    return keys[below(sizeof keys / sizeof keys[0])];
  }
}

/* An event as a store would keep it: the type, item and instant, and only
 * the payload its type carries on the wire (contract section 6); every other
 * field is garbage. Replaying these proves that apply reads nothing else, so
 * the shell knows exactly what it must persist. */
static pl_event scrub(const pl_event *ev) {
  pl_event x;
  memset(&x, 0xA5, sizeof x);
  x.type = ev->type;
  memcpy(x.item, ev->item, sizeof x.item);
  x.at = ev->at;
  switch (ev->type) {
  case PL_EV_QUEUE_ADDED:
  case PL_EV_QUEUE_UPDATED:
  case PL_EV_FLOOR_EXPIRED:
    x.entry = ev->entry;
    break;
  case PL_EV_QUEUE_REMOVED:
    x.entry = ev->entry;
    x.reason = ev->reason;
    break;
  case PL_EV_QUEUE_MOVED:
    x.entry = ev->entry;
    x.position = ev->position;
    break;
  case PL_EV_FLOOR_CHANGED:
    x.floor = ev->floor;
    break;
  case PL_EV_SPEECH_ENDED:
    x.speech = ev->speech;
    break;
  case PL_EV_CONTINGENT_ADDED:
    memcpy(x.group, ev->group, sizeof x.group);
    x.ms = ev->ms;
    break;
  case PL_EV_QUEUE_DEADLINE:
    x.deadline = ev->deadline;
    break;
  case PL_EV_QUEUE_CLOSED:
    x.why = ev->why;
    break;
  case PL_EV_QUEUE_OPENED:
  case PL_EV_ITEM:
  case PL_EV_MEETING_SUSPENDED:
  case PL_EV_MEETING_RESUMED:
  case PL_EV_MEETING_CLOSED:
    break;
  }
  return x;
}

static void replay_check(run *u) {
  pl_room again;
  assert_int_equal(pl_room_init(&again, &u->m.p, u->items, N_ITEMS), PL_ERR_OK);
  for (size_t i = 0; i < u->n_log; i++) {
    pl_event x = scrub(&u->log[i]);
    assert_int_equal(pl_room_reserve(&again, &x, 1), PL_ERR_OK);
    assert_int_equal(pl_room_apply(&again, &x), PL_ERR_OK);
  }
  assert_room_equal(&u->r, &again);
  pl_room_release(&again);
#ifdef PL_MODEL_SNAPSHOTS
  /* test_shell_snapshot.c: the same log, loaded from snapshots at many k */
  snapshot_check(&u->r, &u->m.p, u->items, N_ITEMS, u->log, u->n_log);
#endif
}

/* One random command, to both sides; then compare. */
static void step(run *u) {
  model *m = &u->m;
  pl_events *out = &u->out;
  m->n_types = 0;
  m->has_speech = false;
  char buf[32];

  /* time moves on; sometimes exactly to the deadline, to hit its edge */
  int64_t dl = pl_room_deadline(&u->r);
  if (dl && dl - 1 >= u->now && chance(10))
    u->now = dl - (chance(50) ? 1 : 0);
  else if (chance(70))
    u->now += below(2500);

  int64_t now = u->now;
  pl_err want, got;
  uint32_t op = below(100);
  if (op < 30) {
    int a = chance(10) ? pick_actor(false) : 3 + (int)below(N_ACTORS - 3);
    pl_speech_kind kind = (pl_speech_kind)(chance(2) ? 4 : below(4));
    if (chance(50))
      kind = chance(70) ? PL_SPEECH_STATEMENT : PL_SPEECH_QUESTION;
    const char *speaker = chance(70) ? NULL : pick_name();
    int joint[8], n_joint = 0;
    const char *on_behalf = chance(40) ? NULL : pick_behalf(joint, &n_joint);
    pl_delegation_ref refs[8];
    for (int i = 0; i < n_joint; i++) {
      memset(&refs[i], 0, sizeof refs[i]);
      snprintf(refs[i].id, sizeof refs[i].id, "%s", delegs[joint[i]].id);
      snprintf(refs[i].name, sizeof refs[i].name, "%s", delegs[joint[i]].name);
      refs[i].kind = delegs[joint[i]].kind;
    }
    pl_actor ra = real_actor(a);
    /* the shell hands over the group a group id names, when it has one */
    pl_request req = {.kind = kind, .speaker = speaker, .on_behalf = on_behalf,
                      .group = on_behalf && strcmp(on_behalf, "g1") == 0 ? &g1 : NULL,
                      .joint = refs, .n_joint = (size_t)n_joint};
    want = m_request(m, a, kind, speaker, on_behalf, joint, n_joint, now);
    got = pl_room_request(&u->r, &ra, &req, now, out);
  } else if (op < 36) {
    int a = pick_actor(false);
    const char *id = pick_entry(u, buf, sizeof buf);
    pl_actor ra = real_actor(a);
    want = m_withdraw(m, a, id);
    got = pl_room_withdraw(&u->r, &ra, id, now, out);
  } else if (op < 40) {
    int a = pick_actor(false);
    const char *id = pick_entry(u, buf, sizeof buf);
    const char *speaker = pick_name();
    pl_actor ra = real_actor(a);
    want = m_update(m, a, id, speaker);
    got = pl_room_update_entry(&u->r, &ra, id, speaker, now, out);
  } else if (op < 46) {
    bool by_chair = chance(40);
    int a = by_chair ? pick_actor(true) : (int)below(N_ACTORS);
    if (!by_chair && m->held && chance(60))
      a = m->e[m->fe].actor; /* usually the one called */
    pl_actor ra = real_actor(a);
    want = m_ready(m, a, by_chair, now);
    got = by_chair ? pl_room_start(&u->r, &ra, now, out)
                   : pl_room_ready(&u->r, &ra, now, out);
  } else if (op < 60) {
    bool give = chance(40);
    int a = pick_actor(true);
    const char *id = give ? pick_entry(u, buf, sizeof buf) : NULL;
    pl_actor ra = real_actor(a);
    want = m_next(m, a, id, give, now);
    got = give ? pl_room_give(&u->r, &ra, id, now, out)
               : pl_room_next(&u->r, &ra, now, out);
  } else if (op < 74) {
    int a = pick_actor(true);
    int which = (int)below(4);
    int32_t seconds = chance(85) ? 1 + (int32_t)below(20)
                                 : (int32_t)below(5000) - 10;
    pl_actor ra = real_actor(a);
    want = m_clock(m, a, which, seconds, now);
    switch (which) {
    case 0: got = pl_room_pause(&u->r, &ra, now, out); break;
    case 1: got = pl_room_resume(&u->r, &ra, now, out); break;
    case 2: got = pl_room_extend(&u->r, &ra, seconds, now, out); break;
    default: got = pl_room_end(&u->r, &ra, now, out); break;
    }
  } else if (op < 82) {
    int a = pick_actor(true);
    bool remove = chance(35);
    const char *id = pick_entry(u, buf, sizeof buf);
    int32_t pos = (int32_t)below(12) - 2;
    pl_actor ra = real_actor(a);
    want = m_move(m, a, id, pos, remove);
    got = remove ? pl_room_remove(&u->r, &ra, id, now, out)
                 : pl_room_move(&u->r, &ra, id, pos, now, out);
  } else if (op < 86) {
    int a = pick_actor(true);
    bool close = chance(50);
    pl_actor ra = real_actor(a);
    want = m_close(m, a, close);
    got = close ? pl_room_close(&u->r, &ra, now, out) : pl_room_open(&u->r, &ra, now, out);
  } else if (op < 89) {
    int a = pick_actor(true);
    int item = (int)below(N_ITEMS + 1);
    pl_actor ra = real_actor(a);
    want = m_open_item(m, a, item, now);
    got = pl_room_open_item(&u->r, &ra, item < N_ITEMS ? item_id(item) : "i9", now, out);
  } else if (op < 89 + 2 && chance(40)) {
    int a = pick_actor(true);
    int item = (int)below(N_ITEMS + 1);
    int64_t at = chance(15) ? 0 : now + (int64_t)below(20000) - 2000;
    pl_actor ra = real_actor(a);
    want = m_set_deadline(m, a, item, at, now);
    got = pl_room_set_deadline(&u->r, &ra, item < N_ITEMS ? item_id(item) : "i9", at, now, out);
  } else if (op < 91) {
    int a = pick_actor(true);
    int g = (int)below(N_GROUPS);
    int32_t seconds = chance(90) ? 1 + (int32_t)below(10) : (int32_t)below(5000) - 10;
    pl_actor ra = real_actor(a);
    want = m_add_contingent(m, a, g, seconds);
    got = pl_room_add_contingent(&u->r, &ra, groups_k[g], seconds, now, out);
  } else if (op < 94) {
    int a = (int)below(N_ACTORS);
    if (m->held && chance(70))
      a = m->e[m->fe].actor;
    m_disconnected(m, a, now);
    want = PL_ERR_OK;
    got = pl_room_disconnected(&u->r, actors[a].pid, now, out);
  } else {
    m_tick(m, now);
    want = PL_ERR_OK;
    got = pl_room_tick(&u->r, now, out);
  }

  if (got != want)
    fail_msg("op %u at step: got %s, model %s (%s)", op, pl_err_code(got),
             pl_err_code(want), out->message);
  /* The items' clocks: an item runs from the event that opens it; the first
   * from the first event of all (the model's m_open_item already moved on). */
  if (m->n_types > 0) {
    bool opened = m->types[m->n_types - 1] == PL_EV_ITEM;
    if (opened) {
      int prev = u->prev_item;
      if (m->open_since[prev])
        m->spent[prev] += now - m->open_since[prev];
      m->open_since[prev] = 0;
      m->open_since[m->current] = now;
    } else if (!m->open_since[m->current]) {
      m->open_since[m->current] = now;
    }
  }
  u->prev_item = m->current;
  u->by_code[got]++;
  if (got != PL_ERR_OK) {
    assert_int_equal(out->n, 0);
    assert_true(out->message[0] != '\0');
  }
  if (out->n != m->n_types)
    fail_msg("op %u: %zu events, model %zu", op, out->n, m->n_types);
  assert_int_equal(pl_room_reserve(&u->r, out->ev, out->n), PL_ERR_OK);
  for (size_t i = 0; i < out->n; i++) {
    const pl_event *ev = &out->ev[i];
    assert_int_equal(ev->type, m->types[i]);
    assert_int_equal(ev->at, now);
    assert_true(pl_room_find_item(&u->r, ev->item) != NULL);
    u->by_event[ev->type]++;
    u->by_deadline += ev->type == PL_EV_QUEUE_CLOSED && ev->why == PL_CLOSED_DEADLINE;
    if (ev->type == PL_EV_SPEECH_ENDED) {
      assert_true(m->has_speech);
      char id[32];
      snprintf(id, sizeof id, "e%d", m->e[m->speech.entry].num);
      assert_string_equal(ev->speech.entry.id, id);
      assert_int_equal(ev->speech.started_at, m->speech.started_at);
      assert_int_equal(ev->speech.ended_at, m->speech.ended_at);
      assert_int_equal(ev->speech.spoken_ms, m->speech.spoken_ms);
      assert_int_equal(ev->speech.allotted_ms, m->speech.allotted_ms);
      assert_int_equal(ev->speech.drawn_ms, m->speech.drawn_ms);
      assert_string_equal(ev->speech.item, item_id(m->e[m->speech.entry].item));
    }
    assert_int_equal(pl_room_apply(&u->r, ev), PL_ERR_OK);
    if (ev->type == PL_EV_QUEUE_ADDED || ev->type == PL_EV_QUEUE_MOVED) {
      /* the announced position is where the entry is */
      const pl_item *it = pl_room_find_item(&u->r, ev->item);
      assert_true(ev->position >= 0 && (size_t)ev->position < it->n_queue);
      assert_string_equal(it->queue[ev->position].id, ev->entry.id);
    }
    assert_true(u->n_log < MAX_LOG);
    u->log[u->n_log++] = *ev;
  }
  check_room(m, &u->r, now, false);
  /* and a little later, the clocks still agree */
  check_room(m, &u->r, now + 777, false);
}

static long env_long(const char *name, long dflt) {
  const char *s = getenv(name);
  return s && *s ? strtol(s, NULL, 10) : dflt;
}

static void test_model(void **state) {
  (void)state;
  memset(longname, 'L', PL_NAME_LEN);
  longname[PL_NAME_LEN] = '\0';
  memset(maxname, 'M', PL_NAME_LEN - 1);
  maxname[PL_NAME_LEN - 1] = '\0';
  long seeds = env_long("PL_MODEL_SEEDS", 200);
  long steps = env_long("PL_MODEL_STEPS", 2000);
  g1_init();
  run *u = calloc(1, sizeof *u);
  assert_non_null(u);
  long codes[PL_ERR__COUNT] = {0}, events[16] = {0}, by_deadline = 0;
  for (long seed = 1; seed <= seeds; seed++) {
    memset(&u->m, 0, sizeof u->m);
    u->n_log = 0;
    u->prev_item = 0;
    rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)seed * 0xD1B54A32D192ED03ULL;
    random_policy(&u->m.p);
    for (int k = 0; k < N_ITEMS; k++) {
      memset(&u->items[k], 0, sizeof u->items[k]);
      snprintf(u->items[k].id, PL_ID_LEN, "%s", item_id(k));
      snprintf(u->items[k].title, PL_NAME_LEN, "Item %d", k + 1);
      u->items[k].kind = (pl_item_kind)below(2);
      u->m.item_kind[k] = u->items[k].kind;
    }
    assert_int_equal(pl_room_init(&u->r, &u->m.p, u->items, N_ITEMS), PL_ERR_OK);
    u->now = 1700000000000LL + (int64_t)below(1000000);
    for (long s = 0; s < steps; s++) {
      step(u);
      /* The first seeds replay after every step; the rest every few
       * steps, to keep the whole run within seconds. */
      if (seed <= REPLAY_ALWAYS_SEEDS || s % REPLAY_EVERY == REPLAY_EVERY - 1) {
        check_room(&u->m, &u->r, u->now, true);
        replay_check(u);
      }
    }
    check_room(&u->m, &u->r, u->now, true);
    replay_check(u);
    pl_room_release(&u->r);
    for (int i = 0; i < PL_ERR__COUNT; i++)
      codes[i] += u->by_code[i], u->by_code[i] = 0;
    for (int i = 0; i < 16; i++)
      events[i] += u->by_event[i], u->by_event[i] = 0;
    by_deadline += u->by_deadline;
    u->by_deadline = 0;
  }
  free(u);
  printf("model: %ld seeds x %ld steps; results:", seeds, steps);
  for (int i = 0; i < PL_ERR__COUNT; i++)
    if (codes[i])
      printf(" %s=%ld", pl_err_code((pl_err)i), codes[i]);
  printf("\nmodel: events:");
  for (size_t i = 0; i < pl_event_count; i++)
    printf(" %s=%ld", pl_event_names[i], events[i]);
  printf(" (lists closed by their deadline: %ld)\n", by_deadline);
  if (seeds * steps >= 20000)
    assert_true(by_deadline > 0);
  /* The walk must reach every outcome and every event, or it tests little. */
  for (int e = PL_ERR_OK; e <= PL_ERR_LIMIT; e++)
    if (e != PL_ERR_BAD_JSON && e != PL_ERR_UNKNOWN_OP && e != PL_ERR_UNAUTHENTICATED &&
        seeds * steps >= 20000)
      assert_true(codes[e] > 0);
  /* Adjourning (room_sitting.c) is outside the model's walk: a closed room
   * would end most walks early. test_room_sitting.c tests it, replay included. */
  for (size_t i = 0; i < pl_event_count; i++)
    if (seeds * steps >= 20000 && i < PL_EV_MEETING_SUSPENDED)
      assert_true(events[i] > 0);
}

#ifndef PL_MODEL_SNAPSHOTS
int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
