/*
 * The reporting cycle as the views hold it (report_view.c): every State,
 * sorted by name, with its rotation group (the secretariat's, or the
 * default that alternates by name) and the year of its last report; and
 * every report. Loaded from the store for one op or one round of
 * reminders, then released: the reports are few (a report per State every
 * two years), and the views are the truth.
 */
#ifndef PL_OPS_REPORT_VIEW_H
#define PL_OPS_REPORT_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "base/portal.h"
#include "core/cycle.h"

typedef struct pl_report_state {
  pl_delegation_rec d;
  pl_parity parity;
  bool assigned;  /* the secretariat gave its group */
  int last_year;  /* of its last report; 0 when none */
  pl_cycle_status status;
} pl_report_state;

typedef struct pl_report_view {
  int now_year;
  pl_rotation_rec rotation; /* first_year defaults to the current cycle's */
  bool rotation_set;        /* the secretariat set it: the cycle has begun */
  pl_report_state *states;  /* owned */
  size_t n_states;
  json_t *reports; /* owned: every report, by delegation and year */
} pl_report_view;

/* The UTC year of instant `now` (ms). */
int pl_report_year_of(int64_t now);

/* Loads the view for the year of `now`. Returns 0, or -1 when the store
 * failed or memory ran out (then nothing is held). */
int pl_report_view_load(pl_report_view *v, int64_t now);
void pl_report_view_release(pl_report_view *v);

/* The State `id`, or NULL. */
pl_report_state *pl_report_view_state(pl_report_view *v, const char *id);

/* Adds to ch the reminders now due: for each State, one when its report
 * falls due (its due year is the current one) and one when it is overdue,
 * each once. None before the secretariat has set the rotation: a programme
 * that does not use the cycle hears nothing of it. Returns how many. */
struct pl_change;
size_t pl_report_view_reminders(pl_report_view *v, struct pl_change *ch);

#endif
