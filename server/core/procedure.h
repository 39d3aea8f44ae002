/*
 * Silence procedures: decisions by non-objection. A text (a decision, a
 * final report, an application for observer status, a candidate for an
 * office) stands adopted at an exact deadline unless a State breaks silence
 * in writing before it (UN GA decision 74/544; OSCE Rules of Procedure,
 * annex 1). The chair's "Is there any objection?" at a meeting is the same
 * procedure with a deadline seconds away.
 *
 * Decide/apply, like the room (room.h): a command reads a const set and
 * either refuses (pl_err, message in out->message) or fills one event; the
 * shell commits it, reserves with pl_proc_reserve before, and then applies
 * it with pl_proc_apply, which cannot fail and does not allocate. Time is
 * an argument: the core never reads a clock; pl_proc_next_deadline says
 * when the shell must call pl_proc_close_due.
 *
 * The rules:
 *   - only a State's delegation objects, withdraws its objection or makes
 *     a statement; at most one objection of each delegation stands;
 *   - everything happens strictly before the deadline: at the deadline
 *     itself the procedure is closed, even if the shell's timer is late;
 *   - only whoever started a procedure (or the secretariat) extends it, to
 *     a later deadline;
 *   - it closes `adopted` when no objection stands, else `failed`, with the
 *     standing objections as its record.
 */
#ifndef PL_CORE_PROCEDURE_H
#define PL_CORE_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enums.h"
#include "core/err.h"
#include "core/room.h"

#define PL_PROC_MAX_APPS 32        /* applications under one procedure */
#define PL_PROC_TEXT_MAX 49152     /* bytes of a text, a reason, an amendment */
#define PL_PROC_TITLE_MAX 256

/* A State's delegation acting through one of its participants. */
typedef struct pl_proc_party {
  pl_delegation_ref delegation;
  char participant[PL_ID_LEN];
} pl_proc_party;

typedef struct pl_objection {
  pl_proc_party by;
  char *reason;    /* owned */
  char *amendment; /* owned; NULL when none */
  int64_t at;
} pl_objection;

typedef struct pl_statement_rec {
  pl_proc_party by;
  char *text; /* owned */
  int64_t at;
} pl_statement_rec;

typedef struct pl_procedure {
  char id[PL_ID_LEN]; /* "s<n>" */
  pl_proc_kind kind;
  pl_proc_status status;
  char *title, *text;   /* owned */
  char meeting[PL_ID_LEN];    /* the meeting it was started at, or "" */
  char started_by[PL_ID_LEN]; /* participant */
  int64_t started_at, deadline, closed_at;
  int32_t extensions;
  /* election */
  pl_office office;
  int32_t year;
  char candidate[PL_ID_LEN];
  char candidate_name[PL_NAME_LEN];
  pl_delegation_ref candidate_delegation;
  /* accreditation: the applications, and once adopted the delegation
   * each became */
  char apps[PL_PROC_MAX_APPS][PL_ID_LEN];
  char app_delegations[PL_PROC_MAX_APPS][PL_ID_LEN];
  size_t n_apps;
  pl_objection *obj; /* owned: the standing objections, in the order made */
  size_t n_obj, cap_obj;
  pl_statement_rec *st; /* owned */
  size_t n_st, cap_st;
} pl_procedure;

/* What procedure.start asks for; strings borrowed. */
typedef struct pl_proc_spec {
  pl_proc_kind kind;
  const char *title, *text;
  int64_t deadline;
  const char *meeting; /* "" or NULL when none */
  const char *started_by;
  pl_office office;
  int32_t year;
  const char *candidate, *candidate_name;
  pl_delegation_ref candidate_delegation;
  const char *const *apps;
  size_t n_apps;
} pl_proc_spec;

typedef enum {
  PL_PROC_EV_STARTED,
  PL_PROC_EV_OBJECTED,
  PL_PROC_EV_WITHDRAWN,
  PL_PROC_EV_EXTENDED,
  PL_PROC_EV_STATEMENT,
  PL_PROC_EV_CLOSED,
} pl_proc_ev_type;

/* One event. It owns what it carries until pl_proc_apply takes it;
 * pl_proc_event_release frees whatever is left. */
typedef struct pl_proc_event {
  pl_proc_ev_type type;
  char procedure[PL_ID_LEN];
  pl_proc_kind kind; /* the procedure's, so the shell can tell who may see it */
  int64_t at;
  pl_procedure *started; /* STARTED: the whole procedure, status open */
  pl_proc_party by;      /* OBJECTED, WITHDRAWN, STATEMENT */
  char *text;            /* OBJECTED: the reason; STATEMENT: the statement */
  char *amendment;       /* OBJECTED, or NULL */
  int64_t deadline;      /* EXTENDED: the new deadline */
  pl_proc_status result; /* CLOSED */
  int64_t closed_at;     /* CLOSED: the deadline it closed at */
  /* CLOSED, accreditation adopted: the delegation of each application, in
   * the procedure's order; the shell fills them before it commits */
  char app_delegations[PL_PROC_MAX_APPS][PL_ID_LEN];
  char message[PL_MESSAGE_LEN]; /* on refusal: says what and why */
} pl_proc_event;

typedef struct pl_procedures {
  pl_procedure **v; /* owned; v[i] is "s<i+1>" */
  size_t n, cap;
} pl_procedures;

void pl_procs_init(pl_procedures *set);
void pl_procs_release(pl_procedures *set);
void pl_proc_event_release(pl_proc_event *ev);

/* The procedure `id`, or NULL. */
const pl_procedure *pl_proc_get(const pl_procedures *set, const char *id);
/* The open procedure that holds application `app`, or NULL. */
const pl_procedure *pl_proc_holding(const pl_procedures *set, const char *app);

/* --- commands: each reads the set and fills *out, or refuses --------------- */

pl_err pl_proc_start(const pl_procedures *set, const pl_proc_spec *spec, int64_t now,
                     pl_proc_event *out);
/* `is_state`: the actor's delegation is a State's (only States object). */
pl_err pl_proc_object(const pl_procedures *set, const char *id, const pl_proc_party *by,
                      bool is_state, const char *reason, const char *amendment, int64_t now,
                      pl_proc_event *out);
pl_err pl_proc_withdraw(const pl_procedures *set, const char *id, const pl_proc_party *by,
                        bool is_state, int64_t now, pl_proc_event *out);
/* `by`: the participant asking; `secretariat`: they may extend any. */
pl_err pl_proc_extend(const pl_procedures *set, const char *id, const char *by,
                      bool secretariat, int64_t deadline, int64_t now, pl_proc_event *out);
pl_err pl_proc_statement(const pl_procedures *set, const char *id, const pl_proc_party *by,
                         bool is_state, const char *text, int64_t now, pl_proc_event *out);

/* The earliest deadline of an open procedure, or 0 when none is open. */
int64_t pl_proc_next_deadline(const pl_procedures *set);
/* Closes one procedure whose deadline is at or before `now`: fills *out
 * and returns true, or returns false when none is due. */
bool pl_proc_close_due(const pl_procedures *set, int64_t now, pl_proc_event *out);

/* --- apply ----------------------------------------------------------------- */

/* Makes room for `ev` so that applying it cannot fail. */
pl_err pl_proc_reserve(pl_procedures *set, const pl_proc_event *ev);
/* Applies a committed (or replayed) event, taking what it owns. Returns
 * PL_ERR_CONFLICT for an event that does not fit the set (a damaged log);
 * an event the set decided and reserved always applies. */
pl_err pl_proc_apply(pl_procedures *set, pl_proc_event *ev);

#endif
