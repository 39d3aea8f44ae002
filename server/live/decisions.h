/*
 * The Programme's decisions in memory: its silence procedures (the core's
 * pl_procedures), the one-time application links and the applications that
 * came through them, and the bureau their elections fill. All of it is
 * built from the programme stream: at start by replaying its procedure.*
 * and application.* events, then by the commit path applying each one
 * (commit.c), never otherwise. A timer closes each procedure at its
 * deadline, and at start closes at once those whose deadline passed while
 * the server was down.
 */
#ifndef PL_LIVE_DECISIONS_H
#define PL_LIVE_DECISIONS_H

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pevent.h"
#include "core/procedure.h"
#include "net/session.h"
#include "wire/decision_json.h"

typedef struct pl_app_link {
  char id[PL_ID_LEN]; /* "l<n>" */
  uint8_t hash[PL_HASH_LEN];
  bool used; /* an application came through it */
} pl_app_link;

typedef struct pl_decisions {
  pl_procedures procs;
  pl_application_rec *apps; /* apps[i] is "a<i+1>" */
  size_t n_apps, cap_apps;
  pl_app_link *links;       /* links[i] is "l<i+1>" */
  size_t n_links, cap_links;
  ev_periodic timer;
  int64_t armed; /* the deadline the timer is set for; 0: none */
} pl_decisions;

/* The one instance, pl_srv->decisions. */
pl_decisions *pl_decisions_get(void);
void pl_decisions_init(void);
void pl_decisions_free(void);

/* At start, for each programme event in order: applies procedure.* and
 * application.* events, skips the others. Returns 0, or -1 (logged) when
 * the event is damaged or does not fit. */
int pl_decisions_replay(uint64_t seq, const char *body, size_t len);
/* Arms the deadline timer (after the load: what is past due fires at once). */
void pl_decisions_arm(void);
void pl_decisions_cancel_timer(void);

/* Before commit: room for the event, so that applying it cannot fail. */
pl_err pl_decisions_reserve(const pl_pevent *ev);
/* After commit (or in the replay): applies a procedure or application
 * event. Returns PL_ERR_OK, or PL_ERR_CONFLICT for one that does not fit. */
pl_err pl_decisions_apply(pl_pevent *ev);

/* How `s` reads the programme: secretariat, a State's, or the public. */
pl_audience pl_session_audience(const pl_session *s);

/* Lookups. NULL when there is none. */
const pl_application_rec *pl_decisions_app(const char *id);
const pl_app_link *pl_decisions_link_by_hash(const uint8_t hash[PL_HASH_LEN]);
/* The procedure that last decided (or holds) application `id`. */
const pl_procedure *pl_decisions_app_procedure(const char *id);
/* True when `participant` was elected to `office` for `year`. */
bool pl_decisions_elected(const char *participant, pl_office office, int32_t year);

/* The procedure as `who` sees it, with its applications in full. */
json_t *pl_decisions_procedure_json(const pl_procedure *p, pl_audience who);
/* The bureau: each officer elected, for `year` (0: every year). */
json_t *pl_decisions_bureau_json(int32_t year);
/* An application with where it stands: pending, under_procedure,
 * accepted (with its delegation) or rejected. */
json_t *pl_decisions_app_json(const pl_application_rec *a, bool contact);

#endif
