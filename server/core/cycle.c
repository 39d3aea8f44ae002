/* The reporting cycle's arithmetic (cycle.h). */
#include "core/cycle.h"

bool pl_cycle_is_reporting_year(pl_parity parity, int year) {
  /* % of a negative year is negative in C; years here are positive */
  return (year % 2 == 0) == (parity == PL_PARITY_EVEN);
}

pl_parity pl_cycle_default_parity(int rank) {
  return rank % 2 == 0 ? PL_PARITY_EVEN : PL_PARITY_ODD;
}

int pl_cycle_start(int year) {
  return year - (year % 2 != 0);
}

pl_cycle_status pl_cycle_status_of(int first_year, pl_parity parity, int last_year,
                                   int now_year) {
  pl_cycle_status st = {0};
  int first = pl_cycle_is_reporting_year(parity, first_year) ? first_year : first_year + 1;
  int due = first;
  if (last_year >= first)
    due = last_year + (pl_cycle_is_reporting_year(parity, last_year) ? 2 : 1);
  st.due_year = due;
  st.due_now = due == now_year;
  st.overdue = due < now_year;
  st.missed = st.overdue ? (now_year - 1 - due) / 2 + 1 : 0;
  st.flagged = st.missed >= PL_CYCLE_FLAG_MISSED;
  return st;
}
