/*
 * The room: the pure state of one meeting's floor. Agenda items, each with its
 * own list of speakers, the floor and its clock, the speaking policy and the
 * ledgers the policy needs (rights of reply and observer interventions per
 * delegation per item).
 *
 * Built as decide/apply, so that "persist, then publish" holds by shape:
 *   1. a command (pl_room_request, pl_room_next, ...) reads a const room and
 *      either refuses (a pl_err plus a message in out->message) or fills `out`
 *      with the events that the change consists of; it never mutates;
 *   2. the shell commits those events to SQLite;
 *   3. the shell calls pl_room_apply for each event, in order, and publishes.
 * A restart rebuilds the room by applying the stored events in order, so
 * apply must depend on nothing but the room and the event.
 *
 * Time is always an argument (ms since the Unix epoch, UTC). The core never
 * reads a clock: pl_room_deadline says when the shell must call pl_room_tick.
 */
#ifndef PL_CORE_ROOM_H
#define PL_CORE_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enums.h"
#include "core/err.h"

#define PL_ID_LEN 24    /* server ids ("m3", "p12", "i2", "e104") and NUL */
#define PL_NAME_LEN 128 /* names and titles, in bytes, with NUL */
#define PL_MAX_REPLIES 8
#define PL_MAX_EVENTS 8 /* events one command can produce */
#define PL_MESSAGE_LEN 200
#define PL_GROUP_KEY_LEN 32 /* a regional group's name ("african") or a group id ("g3") */
#define PL_MAX_JOINT 24     /* States one joint statement may list (room_groups.c) */
/* A delegation id in a joint list: "d" and up to 10 digits. Shorter than
 * PL_ID_LEN because every event carries three entries, each with the list. */
#define PL_JOINT_ID_LEN 12

struct pl_group_def; /* core/groups.h */

typedef struct pl_policy {
  int32_t statement_s;
  int32_t group_statement_s;
  int32_t observer_statement_s;
  int32_t point_of_order_s;
  int32_t reply_s[PL_MAX_REPLIES]; /* the n-th right of reply lasts reply_s[n] */
  uint8_t n_reply;                 /* how many rights of reply per item */
  pl_observer_items observer_items;
  int32_t observer_max_per_item;
  pl_on_expiry on_expiry;
  int32_t joint_min;    /* States a joint statement needs for the group time */
  int32_t contingent_s; /* each group's speaking time per item; 0: no contingents */
  pl_list_order order;  /* "protocol": statements and questions by rank, then as asked */
} pl_policy;

/* Fills `p` with the defaults of contract section 5. */
void pl_policy_default(pl_policy *p);

typedef struct pl_delegation_ref {
  char id[PL_ID_LEN];
  char name[PL_NAME_LEN];
  pl_delegation_kind kind;
} pl_delegation_ref;

/* An entry of a list of speakers (contract section 6, ENTRY). */
typedef struct pl_entry {
  char id[PL_ID_LEN]; /* "e<n>", unique within the meeting */
  pl_delegation_ref delegation;
  char participant[PL_ID_LEN]; /* who asked */
  char speaker[PL_NAME_LEN];   /* the name to announce */
  /* whom the statement speaks for: "" one State; a regional group's name;
   * a group's id; "joint" for an ad hoc joint statement of joint[] */
  char on_behalf[PL_NAME_LEN];
  char on_behalf_name[PL_NAME_LEN]; /* a political group's name, else "" */
  char contingent[PL_GROUP_KEY_LEN]; /* the group whose contingent it draws on, or "" */
  uint8_t n_joint;
  char joint[PL_MAX_JOINT][PL_JOINT_ID_LEN]; /* the States of a joint statement */
  bool by_rank; /* placed in protocol order (fixed when asked) */
  pl_rank rank; /* the speaker's protocol rank, when by_rank */
  pl_speech_kind kind;
  pl_presence presence;
  int64_t requested_at;
  int32_t allotted_ms; /* fixed when asked: the policy binds those who ask */
} pl_entry;

typedef struct pl_floor {
  bool held; /* false: nobody has the floor; the other fields are zero */
  pl_entry entry;
  char item[PL_ID_LEN];
  pl_floor_phase phase;
  int64_t called_at;     /* when the floor was given */
  int64_t started_at;    /* when speaking began; 0 while calling */
  int64_t running_since; /* when the clock last started; 0 when it is stopped */
  int64_t elapsed_ms;    /* time spoken before running_since */
  int32_t allotted_ms;   /* grows with floor.extend */
  bool paused;
  pl_pause_reason pause_reason;
  bool overrun;
  int64_t contingent_ms; /* left in entry.contingent when the floor was given */
  /* when a remote speaker paused by a dropped line said they are back
   * (floor.ready again); 0 otherwise. The chair resumes. */
  int64_t returned_at;
} pl_floor;

/* A finished speech: a row of the record of speeches. */
typedef struct pl_speech {
  pl_entry entry;
  char item[PL_ID_LEN];
  int64_t started_at; /* 0 when the speaker was called but never spoke */
  int64_t ended_at;
  int64_t spoken_ms;
  int32_t allotted_ms;
  int32_t drawn_ms; /* what it took from entry.contingent (never more than was left) */
} pl_speech;

typedef struct pl_item_def {
  char id[PL_ID_LEN];
  char title[PL_NAME_LEN];
  pl_item_kind kind;
  int32_t planned_s; /* the item's planned duration; 0: none */
} pl_item_def;

typedef enum {
  PL_EV_QUEUE_ADDED,   /* entry */
  PL_EV_QUEUE_REMOVED, /* entry, reason */
  PL_EV_QUEUE_MOVED,   /* entry, position */
  PL_EV_QUEUE_UPDATED, /* entry (its speaker changed) */
  PL_EV_QUEUE_CLOSED,
  PL_EV_QUEUE_OPENED,
  PL_EV_FLOOR_CHANGED, /* floor (floor.held false: nobody has it) */
  PL_EV_FLOOR_EXPIRED, /* entry */
  PL_EV_SPEECH_ENDED,  /* speech */
  PL_EV_ITEM,          /* item: the item now open */
  PL_EV_CONTINGENT_ADDED, /* group, ms: the chair added time to a contingent */
  PL_EV_QUEUE_DEADLINE,   /* deadline: the list of `item` closes itself then (0: never) */
  PL_EV_MEETING_SUSPENDED, /* the chair suspended the meeting (room_sitting.c) */
  PL_EV_MEETING_RESUMED,
  PL_EV_MEETING_CLOSED,    /* at its end: nothing changes after it */
} pl_event_type;

/* Wire names of the event types ("queue.added", ...), indexed by type. */
extern const char *const pl_event_names[];
extern const size_t pl_event_count;

typedef struct pl_event {
  pl_event_type type;
  char item[PL_ID_LEN]; /* the item the event concerns (ITEM: the item opened) */
  int64_t at;           /* when it happened */
  pl_entry entry;
  int32_t position;
  pl_remove_reason reason;
  pl_floor floor;
  pl_speech speech;
  char group[PL_GROUP_KEY_LEN]; /* CONTINGENT_ADDED */
  int32_t ms;                   /* CONTINGENT_ADDED */
  int64_t deadline;             /* QUEUE_DEADLINE */
  pl_close_reason why;          /* QUEUE_CLOSED */
} pl_event;

typedef struct pl_events {
  pl_event ev[PL_MAX_EVENTS];
  size_t n;
  char message[PL_MESSAGE_LEN]; /* on refusal: says what and why, names the field */
  /* A command that makes more than PL_MAX_EVENTS events is a bug: a debug
   * build stops at once; a release build writes the extra ones here, marks
   * the list, and the shell refuses to commit it (nothing changes). */
  bool overflow;
  pl_event spill;
} pl_events;

/* Who is acting, as the shell authenticated them. */
typedef struct pl_actor {
  pl_role role;
  bool presides; /* chair of this meeting, or secretariat */
  char participant[PL_ID_LEN];
  pl_delegation_ref delegation;
  char name[PL_NAME_LEN]; /* the default speaker name */
  pl_presence presence;   /* as joined to this meeting */
  int region;             /* the State's regional group (pl_group), or -1 */
  pl_rank rank;           /* as the secretariat set it (participant.rank) */
} pl_actor;

typedef struct pl_request {
  pl_speech_kind kind;
  const char *speaker;   /* NULL: the actor's name */
  const char *on_behalf; /* NULL or "": speaks for the actor's State alone;
                          * "joint" with joint[]; else a group's key */
  /* the group on_behalf names when it is a group id, as the shell found
   * it (borrowed); NULL when it found none or on_behalf is regional */
  const struct pl_group_def *group;
  const pl_delegation_ref *joint; /* borrowed: the States a joint statement lists */
  size_t n_joint;
} pl_request;

/* Per item: the list and the ledgers. */
typedef struct pl_tally {
  char delegation[PL_ID_LEN];
  int32_t replies;       /* rights of reply asked and not withdrawn/removed */
  int32_t interventions; /* observer requests asked and not withdrawn/removed */
} pl_tally;

/* Per item and group: a time contingent's ledger (room_groups.c). */
typedef struct pl_contingent {
  char group[PL_GROUP_KEY_LEN];
  int64_t added_ms; /* what the chair added */
  int64_t used_ms;  /* what the speeches drew; never more than policy + added */
} pl_contingent;

typedef struct pl_item {
  pl_item_def def;
  bool list_closed;
  int64_t deadline_at; /* the list closes itself then; 0: no deadline (room_deadline.c) */
  /* the item's clock: when it was last opened (0 while not open) and the
   * time it was open before that; see pl_room_apply */
  int64_t open_since;
  int64_t spent_ms;
  pl_entry *queue; /* owned; n_queue in list order */
  size_t n_queue, cap_queue;
  pl_tally *tally; /* owned */
  size_t n_tally, cap_tally;
  pl_contingent *cont; /* owned */
  size_t n_cont, cap_cont;
} pl_item;

typedef struct pl_room {
  pl_policy policy;
  pl_item *items; /* owned */
  size_t n_items;
  size_t current; /* index of the open item */
  pl_floor floor;
  uint32_t next_entry; /* the number of the next entry id */
  pl_sitting sitting;  /* open, suspended or closed (room_sitting.c) */
} pl_room;

/* Sets up a room with `n` (>= 1) items, the first one open. Returns PL_ERR_OK,
 * or PL_ERR_INTERNAL when out of memory (then nothing needs releasing). */
pl_err pl_room_init(pl_room *r, const pl_policy *p, const pl_item_def *items, size_t n);
void pl_room_release(pl_room *r);

/* Makes `dst` a deep copy of `src` (the shell applies a change to a copy
 * to snapshot the room it will leave). Returns PL_ERR_OK, or
 * PL_ERR_INTERNAL when out of memory (then nothing needs releasing). */
pl_err pl_room_copy(pl_room *dst, const pl_room *src);

/* Makes room in `r` for what applying the `n` events `evs` will add
 * (entries to lists, ledgers), so that pl_room_apply never allocates: the
 * shell calls this before it commits the events, and applies them after.
 * Only capacities change. Returns PL_ERR_OK, or PL_ERR_INTERNAL when out of
 * memory. */
pl_err pl_room_reserve(pl_room *r, const pl_event *evs, size_t n);

/* Applies one event that a command (or tick) produced, into room reserved
 * by pl_room_reserve. Events come from the core itself or from the store,
 * so a malformed one (or a missing reservation) is a bug: apply ignores what
 * it cannot place and returns PL_ERR_INTERNAL. */
pl_err pl_room_apply(pl_room *r, const pl_event *ev);

/* Commands. Each returns PL_ERR_OK and fills `out` (out->n may be 0 for a
 * no-op), or returns the refusal with out->message set and out->n == 0. */
pl_err pl_room_request(const pl_room *r, const pl_actor *a, const pl_request *req,
                       int64_t now, pl_events *out);
pl_err pl_room_withdraw(const pl_room *r, const pl_actor *a, const char *entry,
                        int64_t now, pl_events *out);
pl_err pl_room_update_entry(const pl_room *r, const pl_actor *a, const char *entry,
                            const char *speaker, int64_t now, pl_events *out);
pl_err pl_room_ready(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_start(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_next(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_give(const pl_room *r, const pl_actor *a, const char *entry,
                    int64_t now, pl_events *out);
pl_err pl_room_pause(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_resume(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_extend(const pl_room *r, const pl_actor *a, int32_t seconds,
                      int64_t now, pl_events *out);
pl_err pl_room_end(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_move(const pl_room *r, const pl_actor *a, const char *entry,
                    int32_t position, int64_t now, pl_events *out);
pl_err pl_room_remove(const pl_room *r, const pl_actor *a, const char *entry,
                      int64_t now, pl_events *out);
pl_err pl_room_close(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_open(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_open_item(const pl_room *r, const pl_actor *a, const char *item,
                         int64_t now, pl_events *out);

/* The chair adds `seconds` to the contingent of `group` (a regional name or
 * a group id the shell found) on the open item: event contingent.added, and
 * floor.changed when that group has the floor (its contingent_ms grows).
 * Refused when the policy has no contingents. */
pl_err pl_room_add_contingent(const pl_room *r, const pl_actor *a, const char *group,
                              int32_t seconds, int64_t now, pl_events *out);

/* What is left of the contingent of `group` on item `it`: the policy's
 * share plus what the chair added minus what speeches drew, never below
 * zero; 0 when the policy has no contingents. */
int64_t pl_room_contingent_left(const pl_room *r, const pl_item *it, const char *group);

/* The last connection of `participant` dropped: if they hold the floor as a
 * remote speaker and the clock runs, it pauses with reason "disconnected".
 * Otherwise out->n == 0. Never refuses. */
pl_err pl_room_disconnected(const pl_room *r, const char *participant, int64_t now,
                            pl_events *out);

/* The chair sets the inscription deadline of `item`'s list: at `at` (ms,
 * after now) the list closes itself (queue.closed, reason "deadline");
 * 0 takes the deadline away. Event queue.deadline. Refused when the list
 * is closed already. */
pl_err pl_room_set_deadline(const pl_room *r, const pl_actor *a, const char *item,
                            int64_t at, int64_t now, pl_events *out);

/* Time passed: every open list whose inscription deadline has come closes
 * (queue.closed, reason "deadline"); at or after its deadline the floor
 * expires (event floor.expired; under "cut" the speech also ends). out->n
 * == 0 when nothing is due. */
pl_err pl_room_tick(const pl_room *r, int64_t now, pl_events *out);

/* When pl_room_tick must next be called: the earliest of the floor's
 * expiry and the open lists' inscription deadlines; 0 when none is due
 * (nobody speaking, paused or overrun, and no deadline set). */
int64_t pl_room_deadline(const pl_room *r);

/* How long item `it` has been under debate at `now`: every stretch it was
 * the open item, the running one included. */
int64_t pl_item_spent_ms(const pl_item *it, int64_t now);

/* Time spoken so far on the floor at `now` (0 when nobody has it). */
int64_t pl_floor_spoken_ms(const pl_floor *f, int64_t now);

/* Adjourning (room_sitting.c). Whoever presides suspends an open meeting
 * (a running floor pauses with it: no one loses time), resumes a suspended
 * one (the floor stays paused until the chair resumes it), and closes it at
 * its end (the speech on the floor ends and goes on the record). */
pl_err pl_room_suspend(const pl_room *r, const pl_actor *a, int64_t now, pl_events *out);
pl_err pl_room_resume_sitting(const pl_room *r, const pl_actor *a, int64_t now,
                              pl_events *out);
pl_err pl_room_close_sitting(const pl_room *r, const pl_actor *a, int64_t now,
                             pl_events *out);

/* What a command does to the meeting's business, for the sitting's rule. */
typedef enum {
  PL_ACT_BUSINESS, /* asks for, gives or runs the floor, or moves the agenda */
  PL_ACT_TIDY,     /* withdraws, renames, reorders, removes, pauses or ends */
} pl_act_class;

/* PL_ERR_OK when a command of class `c` may run in the room's sitting: a
 * suspended meeting takes no business but lets the list be tidied and a
 * speech paused or ended; a closed one takes nothing. Otherwise CONFLICT
 * with out->message saying why. */
pl_err pl_room_sitting_allows(const pl_room *r, pl_act_class c, pl_events *out);

/* Lookups for the shell; NULL when absent. */
const pl_item *pl_room_current_item(const pl_room *r);
const pl_item *pl_room_find_item(const pl_room *r, const char *item_id);
const pl_entry *pl_item_find_entry(const pl_item *it, const char *entry_id);

#endif
