/*
 * Unit tests of silence procedures (server/core/procedure.c), with time as
 * an argument: the deadline is exact to the millisecond (an objection at
 * deadline - 1 counts, one at the deadline is conflict, even while the
 * procedure has not been closed yet), one standing objection per
 * delegation, extension by whoever started it, the result at closing, and
 * refusals that leave the set as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/procedure.h"

#define T0 1700000000000LL
#define DEADLINE (T0 + 60000)

typedef struct fx {
  pl_procedures set;
  pl_proc_event ev;
  pl_proc_party kenya, japan;
} fx;

static pl_proc_party party(const char *deleg, const char *name, const char *participant) {
  pl_proc_party p;
  memset(&p, 0, sizeof p);
  snprintf(p.delegation.id, sizeof p.delegation.id, "%s", deleg);
  snprintf(p.delegation.name, sizeof p.delegation.name, "%s", name);
  p.delegation.kind = PL_DELEGATION_STATE;
  snprintf(p.participant, sizeof p.participant, "%s", participant);
  return p;
}

/* Reserves and applies f->ev, as the shell does after its commit. */
static void commit(fx *f) {
  assert_int_equal(pl_proc_reserve(&f->set, &f->ev), PL_ERR_OK);
  assert_int_equal(pl_proc_apply(&f->set, &f->ev), PL_ERR_OK);
  pl_proc_event_release(&f->ev);
}

static void start(fx *f, pl_proc_kind kind) {
  pl_proc_spec sp = {.kind = kind, .title = "Final report", .text = "The meeting adopts",
                     .deadline = DEADLINE, .started_by = "p1"};
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_OK);
  commit(f);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  pl_procs_init(&f->set);
  f->kenya = party("d2", "Kenya", "p2");
  f->japan = party("d3", "Japan", "p3");
  start(f, PL_PROC_ADOPTION);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  pl_proc_event_release(&f->ev);
  pl_procs_release(&f->set);
  free(f);
  return 0;
}

static const pl_procedure *s1(fx *f) {
  return pl_proc_get(&f->set, "s1");
}

static void adopted_when_nobody_objects(void **state) {
  fx *f = *state;
  assert_int_equal(pl_proc_next_deadline(&f->set), DEADLINE);
  assert_false(pl_proc_close_due(&f->set, DEADLINE - 1, &f->ev));
  assert_true(pl_proc_close_due(&f->set, DEADLINE, &f->ev));
  assert_int_equal(f->ev.result, PL_PROC_ADOPTED);
  assert_int_equal(f->ev.closed_at, DEADLINE);
  commit(f);
  assert_int_equal(s1(f)->status, PL_PROC_ADOPTED);
  assert_int_equal(pl_proc_next_deadline(&f->set), 0);
  assert_false(pl_proc_close_due(&f->set, DEADLINE + 1000, &f->ev));
}

static void the_deadline_is_exact(void **state) {
  fx *f = *state;
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->kenya, true, "no", NULL, DEADLINE,
                                   &f->ev),
                   PL_ERR_CONFLICT);
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->kenya, true, "no", NULL,
                                   DEADLINE + 1000, &f->ev),
                   PL_ERR_CONFLICT);
  assert_non_null(strstr(f->ev.message, "deadline"));
  assert_int_equal(pl_proc_statement(&f->set, "s1", &f->kenya, true, "late", DEADLINE,
                                      &f->ev),
                   PL_ERR_CONFLICT);
  assert_int_equal(s1(f)->n_obj, 0);
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->kenya, true, "no", "instead",
                                   DEADLINE - 1, &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_true(pl_proc_close_due(&f->set, DEADLINE, &f->ev));
  assert_int_equal(f->ev.result, PL_PROC_FAILED);
  commit(f);
  assert_int_equal(s1(f)->status, PL_PROC_FAILED);
  assert_string_equal(s1(f)->obj[0].amendment, "instead");
}

static void one_standing_objection_per_delegation(void **state) {
  fx *f = *state;
  pl_proc_party kenya2 = party("d2", "Kenya", "p9"); /* another of Kenya's delegates */
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->kenya, true, "no", NULL, T0, &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_int_equal(pl_proc_object(&f->set, "s1", &kenya2, true, "no", NULL, T0, &f->ev),
                   PL_ERR_CONFLICT);
  assert_int_equal(pl_proc_withdraw(&f->set, "s1", &f->japan, true, T0, &f->ev),
                   PL_ERR_CONFLICT);
  assert_int_equal(pl_proc_withdraw(&f->set, "s1", &kenya2, true, T0, &f->ev), PL_ERR_OK);
  commit(f);
  assert_int_equal(s1(f)->n_obj, 0);
  /* withdrawn, it may be made again */
  assert_int_equal(pl_proc_object(&f->set, "s1", &kenya2, true, "after all", NULL, T0 + 5,
                                   &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_int_equal(s1(f)->n_obj, 1);
}

static void only_states_break_silence(void **state) {
  fx *f = *state;
  pl_proc_party ngo = party("d7", "Access Now", "p7");
  ngo.delegation.kind = PL_DELEGATION_NGO;
  assert_int_equal(pl_proc_object(&f->set, "s1", &ngo, false, "no", NULL, T0, &f->ev),
                   PL_ERR_FORBIDDEN);
  assert_int_equal(pl_proc_statement(&f->set, "s1", &ngo, false, "we note", T0, &f->ev),
                   PL_ERR_FORBIDDEN);
  assert_int_equal(pl_proc_object(&f->set, "s9", &f->kenya, true, "no", NULL, T0, &f->ev),
                   PL_ERR_NOT_FOUND);
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->kenya, true, "", NULL, T0, &f->ev),
                   PL_ERR_BAD_REQUEST);
  assert_int_equal(s1(f)->n_obj, 0);
}

static void extension_by_whoever_started_it(void **state) {
  fx *f = *state;
  assert_int_equal(pl_proc_extend(&f->set, "s1", "p2", false, DEADLINE + 1, T0, &f->ev),
                   PL_ERR_FORBIDDEN);
  assert_int_equal(pl_proc_extend(&f->set, "s1", "p1", false, DEADLINE, T0, &f->ev),
                   PL_ERR_BAD_REQUEST);
  assert_int_equal(pl_proc_extend(&f->set, "s1", "p1", false, DEADLINE + 5, DEADLINE, &f->ev),
                   PL_ERR_CONFLICT);
  assert_int_equal(pl_proc_extend(&f->set, "s1", "p1", false, DEADLINE + 5000, T0, &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_int_equal(pl_proc_extend(&f->set, "s1", "p5", true, DEADLINE + 9000, T0, &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_int_equal(s1(f)->extensions, 2);
  assert_false(pl_proc_close_due(&f->set, DEADLINE + 8999, &f->ev));
  /* an objection now fits the new deadline */
  assert_int_equal(pl_proc_object(&f->set, "s1", &f->japan, true, "no", NULL, DEADLINE + 10,
                                   &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_true(pl_proc_close_due(&f->set, DEADLINE + 9000, &f->ev));
  assert_int_equal(f->ev.closed_at, DEADLINE + 9000);
  assert_int_equal(f->ev.result, PL_PROC_FAILED);
}

static void statements_are_kept(void **state) {
  fx *f = *state;
  assert_int_equal(pl_proc_statement(&f->set, "s1", &f->japan, true, "Japan joins", T0,
                                     &f->ev),
                   PL_ERR_OK);
  commit(f);
  assert_true(pl_proc_close_due(&f->set, DEADLINE, &f->ev));
  commit(f);
  assert_int_equal(s1(f)->status, PL_PROC_ADOPTED);
  assert_string_equal(s1(f)->st[0].text, "Japan joins");
}

static void starting_is_checked(void **state) {
  fx *f = *state;
  pl_proc_spec sp = {.kind = PL_PROC_ADOPTION, .title = "t", .text = "t",
                     .deadline = T0, .started_by = "p1"};
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_BAD_REQUEST);
  sp.deadline = DEADLINE;
  sp.kind = PL_PROC_ELECTION;
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_BAD_REQUEST);
  sp.kind = PL_PROC_ACCREDITATION;
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_BAD_REQUEST);
  const char *apps[] = {"a1", "a2"};
  sp.apps = apps;
  sp.n_apps = 2;
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_OK);
  assert_string_equal(f->ev.started->id, "s2");
  commit(f);
  assert_ptr_equal(pl_proc_holding(&f->set, "a2"), pl_proc_get(&f->set, "s2"));
  /* an application is under one open procedure at a time */
  const char *again[] = {"a2"};
  sp.apps = again;
  sp.n_apps = 1;
  assert_int_equal(pl_proc_start(&f->set, &sp, T0, &f->ev), PL_ERR_CONFLICT);
  assert_int_equal(f->set.n, 2);
}

static void a_damaged_log_does_not_apply(void **state) {
  fx *f = *state;
  pl_proc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = PL_PROC_EV_CLOSED;
  snprintf(ev.procedure, sizeof ev.procedure, "s1");
  ev.result = PL_PROC_FAILED; /* but no objection stands */
  assert_int_equal(pl_proc_apply(&f->set, &ev), PL_ERR_CONFLICT);
  ev.type = PL_PROC_EV_WITHDRAWN;
  ev.by = f->kenya;
  assert_int_equal(pl_proc_apply(&f->set, &ev), PL_ERR_CONFLICT);
  snprintf(ev.procedure, sizeof ev.procedure, "s7");
  assert_int_equal(pl_proc_apply(&f->set, &ev), PL_ERR_CONFLICT);
  assert_int_equal(s1(f)->status, PL_PROC_OPEN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(adopted_when_nobody_objects, setup, teardown),
      cmocka_unit_test_setup_teardown(the_deadline_is_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(one_standing_objection_per_delegation, setup, teardown),
      cmocka_unit_test_setup_teardown(only_states_break_silence, setup, teardown),
      cmocka_unit_test_setup_teardown(extension_by_whoever_started_it, setup, teardown),
      cmocka_unit_test_setup_teardown(statements_are_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(starting_is_checked, setup, teardown),
      cmocka_unit_test_setup_teardown(a_damaged_log_does_not_apply, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
