/*
 * Unit tests of the scheduling arithmetic (core/schedule.h): calendar and
 * zone-table helpers on hand-made cases, then the whole of schedule.suggest
 * against a naive reference on random instances. The reference shares no
 * code with the core: it finds candidates by walking every UTC minute and
 * counts burden minute by minute; the series reference tries every choice of
 * days and of a slot on each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/schedule.h"

#define H (3600 * 1000LL)
#define DAY (24 * H)
#define MIN (60 * 1000LL)

/* ---- hand-made zones (2027 rules) ---- */

static const pl_sched_span zurich_spans[] = {
    {0, 3600},
    {1806195600000LL, 7200}, /* 2027-03-28T01:00Z */
    {1824944400000LL, 3600}, /* 2027-10-31T01:00Z */
};
static const pl_sched_zone zurich = {zurich_spans, 3};
static const pl_sched_span ny_spans[] = {
    {0, -18000},
    {1805007600000LL, -14400}, /* 2027-03-14T07:00Z */
    {1825567200000LL, -18000}, /* 2027-11-07T06:00Z */
};
static const pl_sched_zone new_york = {ny_spans, 3};
static const pl_sched_span tokyo_spans[] = {{0, 32400}};
static const pl_sched_zone tokyo = {tokyo_spans, 1};

static int64_t utc(int y, int m, int d, int hh, int mm) {
  return (int64_t)pl_sched_days_from_civil(y, m, d) * DAY + hh * H + mm * MIN;
}

static void test_calendar(void **state) {
  (void)state;
  for (int32_t d = -800000; d < 800000; d += 13) {
    int32_t y, m, dd;
    pl_sched_civil_from_days(d, &y, &m, &dd);
    assert_int_equal(pl_sched_days_from_civil(y, m, dd), d);
  }
  int32_t days = 0;
  assert_true(pl_sched_parse_date("2027-03-09", &days));
  assert_int_equal(pl_sched_weekday(days), 1); /* a Tuesday */
  assert_int_equal(pl_sched_weekday(0), 3);    /* 1970-01-01, a Thursday */
  assert_true(pl_sched_parse_date("2028-02-29", &days));
  assert_false(pl_sched_parse_date("2027-02-29", &days));
  assert_false(pl_sched_parse_date("2027-02-30", &days));
  assert_false(pl_sched_parse_date("2027-13-01", &days));
  assert_false(pl_sched_parse_date("2027-3-01", &days));
  assert_false(pl_sched_parse_date("2027-03-01x", &days));
  int32_t s = 0;
  assert_true(pl_sched_parse_hhmm("24:00", &s));
  assert_int_equal(s, 86400);
  assert_true(pl_sched_parse_hhmm("08:30", &s));
  assert_int_equal(s, 30600);
  assert_false(pl_sched_parse_hhmm("24:01", &s));
  assert_false(pl_sched_parse_hhmm("25:00", &s));
  assert_false(pl_sched_parse_hhmm("8:00", &s));
  assert_int_equal(pl_sched_day_of(-1), -1);
  assert_int_equal(pl_sched_day_of(0), 0);
}

static void test_from_local(void **state) {
  (void)state;
  int64_t u[4];
  /* 02:30 on 28 March 2027 does not exist in Zurich */
  assert_int_equal(pl_sched_from_local(&zurich, utc(2027, 3, 28, 2, 30), u, 4), 0);
  /* 02:30 on 31 October 2027 happens twice: 00:30Z and 01:30Z */
  assert_int_equal(pl_sched_from_local(&zurich, utc(2027, 10, 31, 2, 30), u, 4), 2);
  assert_true(u[0] == utc(2027, 10, 31, 0, 30) && u[1] == utc(2027, 10, 31, 1, 30));
  assert_int_equal(pl_sched_from_local(&zurich, utc(2027, 3, 9, 10, 0), u, 4), 1);
  assert_true(u[0] == utc(2027, 3, 9, 9, 0));
  assert_true(pl_sched_local_ms(&new_york, utc(2027, 3, 20, 14, 0)) == utc(2027, 3, 20, 10, 0));
}

static void test_burden_cases(void **state) {
  (void)state;
  const pl_sched_zone *zones[] = {&tokyo, &new_york, &zurich};
  pl_sched_request r = {.tz = &zurich, .duration_s = 3 * 3600, .zones = zones,
                        .n_delegations = 3, .window_start_s = 8 * 3600,
                        .window_end_s = 20 * 3600};
  /* 10:00-13:00 Zurich on 9 March 2027 (09:00Z): Tokyo 18-21 (1 h late),
   * New York 04-07 (all 3 h), Zurich none. */
  const int64_t t = utc(2027, 3, 9, 9, 0);
  assert_int_equal(pl_sched_burden(&r, 0, t), 3600);
  assert_int_equal(pl_sched_burden(&r, 1, t), 3 * 3600);
  assert_int_equal(pl_sched_burden(&r, 2, t), 0);
  /* Between the US and EU changes (16 March) New York is 5 h behind Zurich */
  assert_int_equal(pl_sched_burden(&r, 1, utc(2027, 3, 16, 13, 0)), 0); /* 09-12 NY */
  assert_int_equal(pl_sched_burden(&r, 1, utc(2027, 3, 16, 11, 0)), 3600); /* 07-10 NY */
  /* Crossing local midnight: 23:00-02:00 Tokyo, then a wrapping window */
  assert_int_equal(pl_sched_burden(&r, 0, utc(2027, 3, 9, 14, 0)), 3 * 3600);
  r.window_start_s = 22 * 3600;
  r.window_end_s = 6 * 3600;
  assert_int_equal(pl_sched_burden(&r, 0, utc(2027, 3, 9, 14, 0)), 0);
  assert_int_equal(pl_sched_burden(&r, 0, utc(2027, 3, 9, 19, 0)), 3600); /* 04-07 */
  /* Across the US change: 01:00 EST + 3 h elapsed ends 05:00 EDT. With the
   * window 03:00-04:00, 01-02 EST and 04-05 EDT are outside. */
  r.window_start_s = 3 * 3600;
  r.window_end_s = 4 * 3600;
  assert_int_equal(pl_sched_burden(&r, 1, utc(2027, 3, 14, 6, 0)), 2 * 3600);
  /* whole day acceptable */
  r.window_start_s = r.window_end_s = 0;
  assert_int_equal(pl_sched_burden(&r, 1, utc(2027, 3, 14, 6, 0)), 0);
  r.window_end_s = 86400;
  assert_int_equal(pl_sched_burden(&r, 1, utc(2027, 3, 14, 6, 0)), 0);
}

static void test_suggest_basic(void **state) {
  (void)state;
  const pl_sched_zone *zones[] = {&zurich};
  pl_sched_request r = {.tz = &zurich, .duration_s = 3600, .zones = zones,
                        .n_delegations = 1, .window_start_s = 8 * 3600,
                        .window_end_s = 20 * 3600};
  pl_sched_slot out[200];
  size_t n = 0;
  char msg[100];
  assert_true(pl_sched_parse_date("2027-03-08", &r.date_from)); /* Monday */
  r.date_to = r.date_from;
  assert_int_equal(pl_sched_suggest(&r, out, 200, &n, msg, sizeof msg), PL_ERR_OK);
  assert_int_equal(n, 96);
  assert_true(out[0].start_ms == utc(2027, 3, 8, 7, 0)); /* 08:00 local */
  assert_true(out[1].start_ms == utc(2027, 3, 8, 7, 15));
  assert_int_equal(out[0].burden_s, 0);
  assert_int_equal(out[95].burden_s, 3600);
  /* A weekend gives nothing */
  assert_true(pl_sched_parse_date("2027-03-13", &r.date_from));
  assert_true(pl_sched_parse_date("2027-03-14", &r.date_to));
  assert_int_equal(pl_sched_suggest(&r, out, 200, &n, msg, sizeof msg), PL_ERR_OK);
  assert_int_equal(n, 0);
  /* Bad requests name the field */
  r.date_to = r.date_from - 1;
  assert_int_equal(pl_sched_suggest(&r, out, 200, &n, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  assert_non_null(strstr(msg, "date_to"));
  r.date_to = r.date_from;
  r.duration_s = 0;
  assert_int_equal(pl_sched_suggest(&r, out, 200, &n, msg, sizeof msg), PL_ERR_BAD_REQUEST);
  assert_non_null(strstr(msg, "duration_s"));
}

/* DST days of the chooser zone: a weekday with a skipped hour has 92 grid
 * times, one with a repeated hour 100. The test zone changes on a Tuesday. */
static void test_suggest_dst_days(void **state) {
  (void)state;
  const int64_t spring = utc(2027, 3, 9, 1, 0), autumn = utc(2027, 3, 10, 1, 0);
  const pl_sched_span sp[] = {{0, 3600}, {spring, 7200}, {autumn, 3600}};
  const pl_sched_zone z = {sp, 3};
  pl_sched_request r = {.tz = &z, .duration_s = 900, .window_start_s = 0, .window_end_s = 0};
  static pl_sched_slot out[400];
  size_t n = 0;
  char msg[100];
  assert_true(pl_sched_parse_date("2027-03-09", &r.date_from));
  r.date_to = r.date_from;
  assert_int_equal(pl_sched_suggest(&r, out, 400, &n, msg, sizeof msg), PL_ERR_OK);
  assert_int_equal(n, 92);
  r.date_from = r.date_to = r.date_from + 1;
  assert_int_equal(pl_sched_suggest(&r, out, 400, &n, msg, sizeof msg), PL_ERR_OK);
  assert_int_equal(n, 100);
}

/* ---- the naive reference ---- */

typedef struct inst {
  pl_sched_span spans[5][6];
  pl_sched_zone zone[5]; /* zone[0] is tz, 1..4 for delegations */
  const pl_sched_zone *dz[6];
  pl_sched_request r;
} inst;

static uint64_t rng = 88172645463325252ULL;
static int64_t rnd(int64_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (int64_t)(rng % (uint64_t)n);
}

static int32_t naive_offset(const pl_sched_zone *z, int64_t u) {
  int32_t off = z->spans[0].offset_s;
  for (size_t i = 1; i < z->n; i++)
    if (z->spans[i].from_ms <= u)
      off = z->spans[i].offset_s;
  return off;
}

static void random_instance(inst *x, size_t n_del, int32_t n_days) {
  const int32_t first = pl_sched_days_from_civil(2027, 1, 4) + (int32_t)rnd(300);
  for (int k = 0; k < 5; k++) {
    int32_t off = (int32_t)(rnd(97) - 44) * 900;
    size_t n = 1;
    x->spans[k][0] = (pl_sched_span){0, off};
    const int64_t nt = rnd(4);
    int64_t at = ((int64_t)first - 2) * DAY;
    for (int64_t t = 0; t < nt; t++) {
      at += (1 + rnd(((int64_t)n_days + 3) * 24 * 60 / (nt + 1))) * MIN;
      static const int32_t steps[] = {-7200, -3600, -1800, 1800, 3600, 7200};
      off += steps[rnd(6)];
      x->spans[k][n++] = (pl_sched_span){at, off};
    }
    x->zone[k] = (pl_sched_zone){x->spans[k], n};
  }
  for (size_t d = 0; d < 6; d++) /* all six, so a test may add delegations */
    x->dz[d] = &x->zone[1 + rnd(4)];
  /* Narrow windows (2 to 10 h) make the trade-offs the planner must weigh;
   * one instance in eight keeps the whole day, the degenerate case. */
  const int32_t ws = (int32_t)rnd(96) * 900;
  const int32_t we = rnd(8) ? (ws + 7200 + (int32_t)rnd(33) * 900) % 86400 : ws;
  x->r = (pl_sched_request){.tz = &x->zone[0], .date_from = first,
                            .date_to = first + n_days - 1,
                            .duration_s = (int32_t)(1 + rnd(24)) * 900, .zones = x->dz,
                            .n_delegations = n_del, .window_start_s = ws,
                            .window_end_s = we};
}

static int64_t naive_burden(const pl_sched_request *r, const pl_sched_zone *z, int64_t start) {
  int64_t out = 0;
  const int64_t ws = r->window_start_s / 60, we = r->window_end_s / 60;
  for (int64_t m = 0; m < r->duration_s / 60; m++) {
    const int64_t t = start + m * MIN;
    const int64_t local = t + (int64_t)naive_offset(z, t) * 1000;
    int64_t tod = (local / MIN) % 1440;
    if (tod < 0)
      tod += 1440;
    const int in = ws == we || (ws < we ? (tod >= ws && tod < we) : (tod >= ws || tod < we));
    out += in ? 0 : 60;
  }
  return out;
}

/* Every candidate by walking UTC minutes; `slots` gets burden, n_outside. */
static size_t naive_candidates(const pl_sched_request *r, pl_sched_slot *slots) {
  size_t n = 0;
  for (int64_t u = ((int64_t)r->date_from - 2) * DAY; u < ((int64_t)r->date_to + 3) * DAY; u += MIN) {
    const int64_t local = u + (int64_t)naive_offset(r->tz, u) * 1000;
    const int32_t day = pl_sched_day_of(local);
    if (day < r->date_from || day > r->date_to || pl_sched_weekday(day) >= 5 ||
        (local - (int64_t)day * DAY) % (15 * MIN) != 0)
      continue;
    pl_sched_slot *s = &slots[n++];
    *s = (pl_sched_slot){.start_ms = u, .end_ms = u + r->duration_s * 1000LL, .date = day};
    for (size_t d = 0; d < r->n_delegations; d++) {
      const int64_t b = naive_burden(r, r->zones[d], u);
      s->burden_s += b;
      s->n_outside += b > 0;
    }
  }
  return n;
}

static int ref_cmp(const void *pa, const void *pb) {
  const pl_sched_slot *a = pa, *b = pb;
  if (a->burden_s != b->burden_s)
    return a->burden_s < b->burden_s ? -1 : 1;
  if (a->n_outside != b->n_outside)
    return a->n_outside < b->n_outside ? -1 : 1;
  return a->start_ms < b->start_ms ? -1 : (a->start_ms > b->start_ms);
}

static void test_suggest_vs_reference(void **state) {
  (void)state;
  static pl_sched_slot ref[2000], got[2000];
  for (int iter = 0; iter < 150; iter++) {
    inst x;
    random_instance(&x, (size_t)rnd(5), 1 + (int32_t)rnd(5));
    const size_t nr = naive_candidates(&x.r, ref);
    qsort(ref, nr, sizeof *ref, ref_cmp);
    size_t ng = 0;
    char msg[100];
    assert_int_equal(pl_sched_suggest(&x.r, got, 2000, &ng, msg, sizeof msg), PL_ERR_OK);
    assert_int_equal(ng, nr);
    for (size_t i = 0; i < nr; i++) {
      assert_true(got[i].start_ms == ref[i].start_ms);
      assert_int_equal(got[i].burden_s, ref[i].burden_s);
      assert_int_equal(got[i].n_outside, ref[i].n_outside);
      assert_int_equal(got[i].date, ref[i].date);
    }
  }
}

/* Series: the best (max, sum) over every choice of days and slots. */
typedef struct bf {
  const pl_sched_request *r;
  const pl_sched_slot *c;
  size_t nc;
  const int64_t *vec; /* nc x D */
  size_t D, n;
  int64_t tot[8];
  int64_t best_max, best_sum;
} bf;

static void brute(bf *b, size_t from, size_t left, int32_t after_day) {
  if (left == 0) {
    int64_t mx = 0, sum = 0;
    for (size_t d = 0; d < b->D; d++) {
      mx = b->tot[d] > mx ? b->tot[d] : mx;
      sum += b->tot[d];
    }
    if (mx < b->best_max || (mx == b->best_max && sum < b->best_sum)) {
      b->best_max = mx;
      b->best_sum = sum;
    }
    return;
  }
  for (size_t i = from; i < b->nc; i++) {
    if (b->c[i].date <= after_day)
      continue;
    /* identical vectors on the same day: trying the first is enough */
    bool seen = false;
    for (size_t k = from; k < i && !seen; k++)
      seen = b->c[k].date == b->c[i].date &&
             !memcmp(b->vec + k * b->D, b->vec + i * b->D, b->D * sizeof *b->vec);
    if (seen)
      continue;
    for (size_t d = 0; d < b->D; d++)
      b->tot[d] += b->vec[i * b->D + d];
    brute(b, i + 1, left - 1, b->c[i].date);
    for (size_t d = 0; d < b->D; d++)
      b->tot[d] -= b->vec[i * b->D + d];
  }
}

static int by_date_start(const void *pa, const void *pb) {
  const pl_sched_slot *a = pa, *b = pb;
  if (a->date != b->date)
    return a->date < b->date ? -1 : 1;
  return a->start_ms < b->start_ms ? -1 : (a->start_ms > b->start_ms);
}

static void test_series_vs_reference(void **state) {
  (void)state;
  static pl_sched_slot c[1000];
  static int64_t vec[1000 * 4];
  for (int iter = 0; iter < 80; iter++) {
    inst x;
    random_instance(&x, 1 + (size_t)rnd(3), 2 + (int32_t)rnd(3));
    x.r.n_delegations += x.r.n_delegations < 3 && rnd(2);
    const size_t nc = naive_candidates(&x.r, c);
    qsort(c, nc, sizeof *c, by_date_start);
    size_t n_days = 0;
    for (size_t i = 0; i < nc; i++)
      n_days += i == 0 || c[i].date != c[i - 1].date;
    const size_t series = 2 + (size_t)rnd(2);
    pl_sched_slot slots[4];
    int64_t by_del[4];
    pl_sched_plan plan = {.slots = slots, .burden_by_delegation = by_del};
    char msg[100];
    const pl_err e = pl_sched_plan_series(&x.r, series, &plan, msg, sizeof msg);
    if (n_days < series) {
      assert_int_equal(e, PL_ERR_BAD_REQUEST);
      assert_non_null(strstr(msg, "series"));
      continue;
    }
    assert_int_equal(e, PL_ERR_OK);
    assert_true(plan.proven);
    const size_t D = x.r.n_delegations;
    for (size_t i = 0; i < nc; i++)
      for (size_t d = 0; d < D; d++)
        vec[i * D + d] = naive_burden(&x.r, x.r.zones[d], c[i].start_ms);
    bf b = {.r = &x.r, .c = c, .nc = nc, .vec = vec, .D = D, .n = series,
            .best_max = INT64_MAX, .best_sum = INT64_MAX};
    brute(&b, 0, series, INT32_MIN);
    assert_int_equal(plan.max_burden_s, b.best_max);
    assert_int_equal(plan.sum_burden_s, b.best_sum);
    /* The plan itself: real candidates, distinct dates, by start, and its
     * totals are what the reference counts for those slots. */
    int64_t tot[4] = {0};
    for (size_t k = 0; k < series; k++) {
      size_t i = 0;
      while (i < nc && c[i].start_ms != slots[k].start_ms)
        i++;
      assert_true(i < nc);
      assert_int_equal(slots[k].date, c[i].date);
      if (k > 0) {
        assert_true(slots[k].start_ms > slots[k - 1].start_ms);
        assert_int_not_equal(slots[k].date, slots[k - 1].date);
      }
      for (size_t d = 0; d < D; d++)
        tot[d] += vec[i * D + d];
    }
    for (size_t d = 0; d < D; d++)
      assert_int_equal(by_del[d], tot[d]);
  }
}

/* A realistic year-long request stays fast and proven: 6 delegations over
 * Zurich, New York and Tokyo, 10 meetings between March and June 2027. */
static void test_series_realistic(void **state) {
  (void)state;
  const pl_sched_zone *zones[] = {&zurich, &new_york, &tokyo, &tokyo, &new_york, &zurich};
  pl_sched_request r = {.tz = &zurich, .duration_s = 3 * 3600, .zones = zones,
                        .n_delegations = 6, .window_start_s = 8 * 3600,
                        .window_end_s = 20 * 3600};
  assert_true(pl_sched_parse_date("2027-03-01", &r.date_from));
  assert_true(pl_sched_parse_date("2027-06-30", &r.date_to));
  pl_sched_slot slots[10];
  int64_t by_del[6];
  pl_sched_plan plan = {.slots = slots, .burden_by_delegation = by_del};
  char msg[100];
  assert_int_equal(pl_sched_plan_series(&r, 10, &plan, msg, sizeof msg), PL_ERR_OK);
  assert_true(plan.proven);
  /* No 3-hour slot fits Zurich, New York and Tokyo at once, and the plan
   * must spread the excess: nobody carries it all. */
  assert_true(plan.max_burden_s > 0);
  assert_true(plan.max_burden_s < plan.sum_burden_s);
  assert_true(by_del[0] == by_del[5] && by_del[1] == by_del[4] && by_del[2] == by_del[3]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_calendar),
      cmocka_unit_test(test_from_local),
      cmocka_unit_test(test_burden_cases),
      cmocka_unit_test(test_suggest_basic),
      cmocka_unit_test(test_suggest_dst_days),
      cmocka_unit_test(test_suggest_vs_reference),
      cmocka_unit_test(test_series_vs_reference),
      cmocka_unit_test(test_series_realistic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
