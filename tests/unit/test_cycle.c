/*
 * Unit tests of the reporting cycle (core/cycle.h) and the portal's rules
 * (core/portal.h): hand-made cases over a six-year window, then every
 * status of a window of years checked against a naive reference that walks
 * the reporting years one by one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cycle.h"
#include "core/portal.h"

static void test_six_years_without_a_report_flag_an_even_state(void **state) {
  (void)state;
  /* first cycle 2020; an even State that never reported */
  pl_cycle_status s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 0, 2020);
  assert_int_equal(s.due_year, 2020);
  assert_true(s.due_now);
  assert_false(s.overdue);
  assert_int_equal(s.missed, 0);
  /* in 2024 two reporting years have ended, 2024 itself is still open */
  s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 0, 2024);
  assert_int_equal(s.missed, 2);
  assert_false(s.flagged);
  /* once 2024 ends: three cycles (2020, 2022, 2024) with no report */
  s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 0, 2025);
  assert_int_equal(s.missed, 3);
  assert_true(s.flagged);
  assert_true(s.overdue);
  assert_int_equal(pl_cycle_status_of(2020, PL_PARITY_EVEN, 0, 2026).missed, 3);
}

static void test_one_report_every_three_cycles_is_enough(void **state) {
  (void)state;
  /* reported for 2020, then not in 2022 or 2024: 2026 is the third cycle */
  pl_cycle_status s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 2020, 2026);
  assert_int_equal(s.due_year, 2022);
  assert_int_equal(s.missed, 2);
  assert_false(s.flagged);
  s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 2020, 2027);
  assert_int_equal(s.missed, 3);
  assert_true(s.flagged);
  /* reporting again clears it */
  s = pl_cycle_status_of(2020, PL_PARITY_EVEN, 2026, 2027);
  assert_int_equal(s.due_year, 2028);
  assert_false(s.overdue);
  assert_false(s.flagged);
}

static void test_odd_group_and_reports_out_of_turn(void **state) {
  (void)state;
  /* an odd State's first reporting year after a cycle starting in 2020 */
  pl_cycle_status s = pl_cycle_status_of(2020, PL_PARITY_ODD, 0, 2020);
  assert_int_equal(s.due_year, 2021);
  assert_false(s.due_now);
  assert_false(s.overdue);
  /* a report in an even year counts: the next odd year is due */
  s = pl_cycle_status_of(2020, PL_PARITY_ODD, 2022, 2023);
  assert_int_equal(s.due_year, 2023);
  assert_true(s.due_now);
  /* a report before the cycle began does not move the first due year */
  assert_int_equal(pl_cycle_status_of(2020, PL_PARITY_ODD, 2015, 2020).due_year, 2021);
}

static void test_defaults_and_cycle_starts(void **state) {
  (void)state;
  assert_int_equal(pl_cycle_default_parity(0), PL_PARITY_EVEN);
  assert_int_equal(pl_cycle_default_parity(1), PL_PARITY_ODD);
  assert_int_equal(pl_cycle_default_parity(2), PL_PARITY_EVEN);
  assert_int_equal(pl_cycle_start(2026), 2026);
  assert_int_equal(pl_cycle_start(2027), 2026);
  assert_true(pl_cycle_is_reporting_year(PL_PARITY_ODD, 2027));
  assert_false(pl_cycle_is_reporting_year(PL_PARITY_ODD, 2026));
}

/* The reference: walk the group's reporting years from the first on. */
static pl_cycle_status reference(int first, pl_parity par, int last, int now) {
  pl_cycle_status s = {0};
  int due = 0;
  for (int y = first; y < first + 200 && !due; y++)
    if (pl_cycle_is_reporting_year(par, y) && y > last)
      due = y;
  s.due_year = due;
  s.due_now = due == now;
  s.overdue = due < now;
  for (int y = due; y < now; y++)
    s.missed += pl_cycle_is_reporting_year(par, y);
  s.flagged = s.missed >= PL_CYCLE_FLAG_MISSED;
  return s;
}

static void test_every_case_of_a_window_against_the_reference(void **state) {
  (void)state;
  for (int first = 2018; first <= 2021; first++)
    for (int p = 0; p < 2; p++)
      for (int last = 0; last <= 2032; last = last ? last + 1 : 2010)
        for (int now = first; now <= 2034; now++) {
          if (last > now)
            continue;
          pl_cycle_status a = pl_cycle_status_of(first, (pl_parity)p, last, now);
          pl_cycle_status b = reference(first, (pl_parity)p, last, now);
          assert_int_equal(a.due_year, b.due_year);
          assert_int_equal(a.missed, b.missed);
          assert_int_equal(a.due_now, b.due_now);
          assert_int_equal(a.overdue, b.overdue);
          assert_int_equal(a.flagged, b.flagged);
        }
}

static void test_who_may_upload_and_read(void **state) {
  (void)state;
  assert_true(pl_portal_may_upload(PL_ROLE_DELEGATE, PL_DELEGATION_STATE,
                                   PL_DOC_NATIONAL_REPORT));
  assert_false(pl_portal_may_upload(PL_ROLE_OBSERVER, PL_DELEGATION_NGO,
                                    PL_DOC_NATIONAL_REPORT));
  assert_true(pl_portal_may_upload(PL_ROLE_OBSERVER, PL_DELEGATION_NGO, PL_DOC_WORKING_PAPER));
  assert_false(pl_portal_may_upload(PL_ROLE_VIEWER, PL_DELEGATION_STATE, PL_DOC_OTHER));
  assert_true(pl_portal_may_upload(PL_ROLE_CHAIR, PL_DELEGATION_SECRETARIAT,
                                   PL_DOC_NATIONAL_REPORT));
  assert_false(pl_portal_may_read(PL_ROLE_OBSERVER, PL_DELEGATION_ORGANIZATION, PL_VIS_STATES));
  assert_true(pl_portal_may_read(PL_ROLE_OBSERVER, PL_DELEGATION_ORGANIZATION, PL_VIS_PUBLIC));
  assert_true(pl_portal_may_read(PL_ROLE_DELEGATE, PL_DELEGATION_STATE, PL_VIS_STATES));
  assert_true(pl_portal_may_read(PL_ROLE_SECRETARIAT, PL_DELEGATION_SECRETARIAT, PL_VIS_STATES));
  assert_false(pl_portal_may_report(PL_ROLE_OBSERVER, PL_DELEGATION_NGO));
  assert_true(pl_portal_may_report(PL_ROLE_DELEGATE, PL_DELEGATION_STATE));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_six_years_without_a_report_flag_an_even_state),
      cmocka_unit_test(test_one_report_every_three_cycles_is_enough),
      cmocka_unit_test(test_odd_group_and_reports_out_of_turn),
      cmocka_unit_test(test_defaults_and_cycle_starts),
      cmocka_unit_test(test_every_case_of_a_window_against_the_reference),
      cmocka_unit_test(test_who_may_upload_and_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
