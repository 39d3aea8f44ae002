/*
 * The reporting cycle of national reports (issue 13): States report every
 * two years on a rotating basis, in two groups, one reporting in even years
 * and one in odd; reporting is voluntary, with at least one report every
 * three cycles. Pure arithmetic on years: the shell passes the current year.
 *
 * A State's reporting years are those of its group's parity from the
 * cycle's first year on. The due year is the first reporting year after
 * its last report (the first of all when it has none). A reporting year
 * that has ended with no report since is a missed cycle; three missed in a
 * row (six years) flag the State.
 */
#ifndef PL_CORE_CYCLE_H
#define PL_CORE_CYCLE_H

#include <stdbool.h>

#include "core/enums.h"

#define PL_CYCLE_FLAG_MISSED 3 /* cycles without a report that flag a State */

typedef struct pl_cycle_status {
  int due_year;  /* the reporting year the next report is due for */
  int missed;    /* reporting years ended since the last report (or the start) */
  bool due_now;  /* the due year is the current one */
  bool overdue;  /* the due year has ended */
  bool flagged;  /* missed >= PL_CYCLE_FLAG_MISSED */
} pl_cycle_status;

/* The status of a State of group `parity` whose last report was for
 * `last_year` (0 when none), in year `now_year`, for a cycle that began in
 * `first_year`. */
pl_cycle_status pl_cycle_status_of(int first_year, pl_parity parity, int last_year,
                                   int now_year);

/* True when `year` is a reporting year of group `parity`. */
bool pl_cycle_is_reporting_year(pl_parity parity, int year);

/* The default group of the State at position `rank` when the States are
 * sorted by name: alternating, the first even. */
pl_parity pl_cycle_default_parity(int rank);

/* The first year of the cycle that holds `year` (a cycle is an even year
 * and the odd year after it, so both groups report once in each). */
int pl_cycle_start(int year);

#endif
