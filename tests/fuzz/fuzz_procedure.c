/*
 * Fuzz target: sequences of commands against silence procedures
 * (core/procedure.c). The bytes choose each step: start a procedure, object,
 * withdraw, make a statement, extend, or let time pass and close what is
 * due; each decided event is reserved and applied, as the shell does. After
 * every step:
 *   - a refusal has a message and leaves no event to free;
 *   - every decided event applies;
 *   - an open procedure's deadline is later than every close so far, and a
 *     closed one never changes again;
 *   - at most one objection of a delegation stands;
 *   - adopted exactly when no objection stood at the deadline;
 * and at the end the events, replayed on a fresh set, rebuild it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/procedure.h"

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 128
#define MAX_LOG (MAX_STEPS * 2)

static pl_proc_party party(int i) {
  static const char *const names[] = {"Kenya", "Japan", "Brazil", "Access Now"};
  pl_proc_party p;
  memset(&p, 0, sizeof p);
  i %= 4;
  snprintf(p.delegation.id, sizeof p.delegation.id, "d%d", i + 2);
  snprintf(p.delegation.name, sizeof p.delegation.name, "%s", names[i]);
  p.delegation.kind = i == 3 ? PL_DELEGATION_NGO : PL_DELEGATION_STATE;
  snprintf(p.participant, sizeof p.participant, "p%d", i + 2);
  return p;
}

/* Copies of each event as applied, to replay: strings duplicated, since
 * apply takes them. */
typedef struct logged {
  pl_proc_event ev;
} logged;

static char *dup(const char *s) {
  return s ? strdup(s) : NULL;
}

static void keep(logged *log, size_t *n, const pl_proc_event *ev) {
  logged *l = &log[(*n)++];
  l->ev = *ev;
  l->ev.text = dup(ev->text);
  l->ev.amendment = dup(ev->amendment);
  l->ev.started = NULL;
  if (ev->started) {
    pl_procedure *p = malloc(sizeof *p);
    *p = *ev->started;
    p->title = dup(ev->started->title);
    p->text = dup(ev->started->text);
    l->ev.started = p;
  }
}

/* `was`: each procedure's status before the step (n_before of them). */
static void check(const pl_procedures *set, const pl_proc_status *was, size_t n_before,
                  int64_t now) {
  for (size_t i = 0; i < set->n; i++) {
    const pl_procedure *p = set->v[i];
    if (p->status == PL_PROC_OPEN && p->deadline <= now)
      abort(); /* due, yet still open after the closing */
    if (i < n_before && was[i] != PL_PROC_OPEN && p->status != was[i])
      abort(); /* a closed procedure changed */
    for (size_t a = 0; a < p->n_obj; a++)
      for (size_t b = a + 1; b < p->n_obj; b++)
        if (strcmp(p->obj[a].by.delegation.id, p->obj[b].by.delegation.id) == 0)
          abort();
    if (p->status == PL_PROC_ADOPTED && p->n_obj != 0)
      abort();
    if (p->status == PL_PROC_FAILED && p->n_obj == 0)
      abort();
  }
}

static pl_err decide(const pl_procedures *set, input *in, int64_t now, pl_proc_event *ev) {
  uint8_t op = next(in), who = next(in), arg = next(in);
  pl_proc_party by = party(who);
  bool state = by.delegation.kind == PL_DELEGATION_STATE;
  char id[PL_ID_LEN];
  snprintf(id, sizeof id, "s%u", (unsigned)(arg % 5) + 1);
  switch (op % 6) {
  case 0: {
    const char *apps[] = {"a1", "a2"};
    pl_proc_spec sp = {.kind = (pl_proc_kind)(arg % 3), .title = arg & 8 ? "" : "Report",
                       .text = "Text", .deadline = now + (int64_t)(arg % 64) * 500 - 1000,
                       .started_by = by.participant, .office = PL_OFFICE_CHAIR,
                       .year = 2027, .candidate = "p2", .candidate_name = "Kenya",
                       .apps = apps, .n_apps = arg & 16 ? 2 : 1};
    return pl_proc_start(set, &sp, now, ev);
  }
  case 1:
    return pl_proc_object(set, id, &by, state, arg & 4 ? "" : "No", arg & 2 ? "Amend" : NULL,
                          now, ev);
  case 2: return pl_proc_withdraw(set, id, &by, state, now, ev);
  case 3: return pl_proc_statement(set, id, &by, state, "We note", now, ev);
  case 4:
    return pl_proc_extend(set, id, by.participant, who & 0x80, now + (int64_t)arg * 100, now,
                          ev);
  default: return pl_proc_close_due(set, now, ev) ? PL_ERR_OK : PL_ERR_NOT_FOUND;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static logged log[MAX_LOG];
  static pl_proc_status was[MAX_STEPS];
  size_t n_log = 0;
  input in = {data, size};
  pl_procedures set, again;
  pl_procs_init(&set);
  int64_t now = 1700000000000LL;
  for (int step = 0; step < MAX_STEPS && in.n && n_log + 8 < MAX_LOG; step++) {
    pl_proc_event ev;
    memset(&ev, 0, sizeof ev);
    size_t n_before = set.n;
    for (size_t i = 0; i < n_before; i++)
      was[i] = set.v[i]->status;
    uint8_t clock = next(&in);
    now += (int64_t)(clock % 32) * 250;
    pl_err e = decide(&set, &in, now, &ev);
    if (e != PL_ERR_OK) {
      if (ev.started || ev.text || ev.amendment)
        abort(); /* a refusal owns nothing */
      if (e != PL_ERR_NOT_FOUND && ev.message[0] == '\0')
        abort();
    } else {
      keep(log, &n_log, &ev);
      if (pl_proc_reserve(&set, &ev) != PL_ERR_OK || pl_proc_apply(&set, &ev) != PL_ERR_OK)
        abort();
      pl_proc_event_release(&ev);
    }
    /* The shell closes everything due before it takes the next request. */
    while (pl_proc_close_due(&set, now, &ev)) {
      if (n_log == MAX_LOG)
        abort(); /* more closes than procedures */
      keep(log, &n_log, &ev);
      if (pl_proc_apply(&set, &ev) != PL_ERR_OK)
        abort();
    }
    check(&set, was, n_before, now);
  }
  pl_procs_init(&again);
  for (size_t i = 0; i < n_log; i++) {
    if (pl_proc_reserve(&again, &log[i].ev) != PL_ERR_OK ||
        pl_proc_apply(&again, &log[i].ev) != PL_ERR_OK)
      abort();
    pl_proc_event_release(&log[i].ev);
  }
  if (again.n != set.n)
    abort();
  for (size_t i = 0; i < set.n; i++) {
    const pl_procedure *a = set.v[i], *b = again.v[i];
    if (a->status != b->status || a->deadline != b->deadline || a->n_obj != b->n_obj ||
        a->n_st != b->n_st || a->extensions != b->extensions || a->closed_at != b->closed_at)
      abort();
  }
  pl_procs_release(&again);
  pl_procs_release(&set);
  return 0;
}
