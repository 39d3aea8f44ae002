/*
 * The series planner of schedule.suggest (series = n > 1): n slots on n
 * different local dates minimising max over delegations of the total burden,
 * then the sum. This is a min-max selection problem, NP-hard in general, so
 * the search is exact but exponential in the worst case; three facts make
 * real instances small:
 *
 * 1. Pareto fronts. Within a day, a slot whose burden vector (one entry per
 *    zone) is >= another's in every entry is never needed: swapping it for
 *    the other lowers no total. Equal vectors keep the earliest slot. A day
 *    with a slot that burdens nobody keeps that slot alone.
 * 2. Day types. Two dates whose candidate lists carry the same vectors in
 *    the same order (every zone on the same offsets) are interchangeable. A
 *    range has as many types as DST changes in it, plus one, plus the change
 *    days themselves; the plan picks a multiset from each type, at most as
 *    many as the type has days, and places them on its earliest days.
 * 3. Branch and bound over the items (type, front vector), multisets in
 *    non-decreasing item order, depth n. With r picks left and items >= j
 *    allowed, every zone's total ends >= T[z] + r * min_{i>=j} v_i[z] and the
 *    sum >= S + r * min_{i>=j} sum_i. Weighted sums of zones tighten the
 *    first bound (max_z T_z >= w.T / sum(w) for any w >= 0): all zones,
 *    every pair of zones when there are at most 8, and the weights that
 *    multiplicative-weights finds best at the root. Totals are multiples of
 *    the gcd of all burdens (900 s on the 15-minute grid), so the bound
 *    rounds up to one. A branch that cannot beat the best (max, sum) is cut;
 *    since the suffix minima only grow with j, the loop over j stops at the
 *    first cut. A greedy plan seeds the best.
 *
 * Cost: candidates C = 96 per weekday (+-4 on a DST day), Z distinct zones:
 * vectors O(C Z log S), fronts O(types * 96^2 * Z), then the search, O(Z)
 * per node and at most C(items + n - 1, n) nodes. The work is capped by
 * PL_SCHED_SEARCH_BUDGET (about 0.2-0.4 s here); past it the best plan
 * found, improved by single swaps until none helps, is returned with
 * proven = false (the shell should say so). Measured: 3 zones or 10 zones
 * over weeks prove in milliseconds; 193 delegations in 30 zones over a year
 * find the optimal max at the root (bound = plan) but not the proof of the
 * least sum; 8 zones, 12 meetings over 90 days stop unproven after 0.6 s
 * with the plan that an unbudgeted run proves optimal after 18 s. The unit
 * test compares the optimum with a brute force over every choice of days
 * and slots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "core/schedule_impl.h"

typedef struct day_type {
  int32_t *raw;   /* owned: m x Z burdens, row k = the day's k-th candidate */
  size_t m;       /* candidates in a day of this type */
  size_t *front;  /* owned: rows kept (Pareto-minimal, distinct), by sum */
  size_t n_front;
  size_t *days;   /* owned: index of each day of this type in the day list */
  size_t n_days;
} day_type;

typedef struct item {
  size_t type;
  size_t row;   /* into types[type].raw */
  int64_t sum;  /* weighted by delegations per zone */
} item;

typedef struct search {
  size_t Z, N, n;
  const item *items;
  const int32_t *vec;    /* N x Z: the items' vectors */
  const int32_t *minsuf; /* (N + 1) x Z: min over items >= j */
  const int64_t *minsum; /* N + 1 */
  const size_t *cap;     /* per type: its number of days */
  size_t *used;          /* per type: picks so far */
  int64_t *T;            /* Z: totals so far */
  int64_t S;
  size_t *stack, *best; /* n item indices */
  int64_t best_max, best_sum;
  int64_t g; /* every burden is a multiple of g, so every total is too */
  unsigned long long work;
  bool aborted;
  /* Weighted bounds (point 3 of the header, strengthened): for weights
   * w >= 0, max_z total_z >= w.total / sum(w), and w.total grows by at
   * least r * min_{i>=j} w.v_i. Owned arrays, K weightings. */
  size_t K;
  int64_t *wsum;   /* K */
  int64_t *dot;    /* K x N: w_k . v_j */
  int64_t *mindot; /* K x (N + 1): suffix minima of dot */
  int64_t *LT;     /* K: w_k . T */
} search;

static int64_t vec_sum(const int32_t *v, const pl_sched_folded *f) {
  int64_t s = 0;
  for (size_t z = 0; z < f->n; z++)
    s += (int64_t)v[z] * f->weight[z];
  return s;
}

/* Order of rows within a type: sum, then the vector, then position. */
static int row_cmp(const int32_t *raw, size_t Z, const int64_t *sums, size_t a, size_t b) {
  if (sums[a] != sums[b])
    return sums[a] < sums[b] ? -1 : 1;
  const int c = memcmp(raw + a * Z, raw + b * Z, Z * sizeof *raw);
  if (c)
    return c;
  return a < b ? -1 : (a > b);
}

static bool dominates(const int32_t *a, const int32_t *b, size_t Z) {
  for (size_t z = 0; z < Z; z++)
    if (a[z] > b[z])
      return false;
  return true;
}

/* Fills t->front. Returns 0 or -1 out of memory. */
static int build_front(day_type *t, const pl_sched_folded *f) {
  const size_t Z = f->n, m = t->m;
  int64_t *sums = malloc((m + 1) * sizeof *sums);
  size_t *ord = malloc((m + 1) * sizeof *ord);
  t->front = malloc((m + 1) * sizeof *t->front);
  if (!sums || !ord || !t->front) {
    free(sums);
    free(ord);
    return -1;
  }
  for (size_t k = 0; k < m; k++) {
    sums[k] = vec_sum(t->raw + k * Z, f);
    /* insertion sort: m <= 200, and qsort would need a global context */
    size_t p = k;
    while (p > 0 && row_cmp(t->raw, Z, sums, ord[p - 1], k) > 0) {
      ord[p] = ord[p - 1];
      p--;
    }
    ord[p] = k;
  }
  t->n_front = 0;
  for (size_t i = 0; i < m; i++) {
    const int32_t *v = t->raw + ord[i] * Z;
    bool kept = true;
    for (size_t j = 0; j < t->n_front && kept; j++)
      kept = !dominates(t->raw + t->front[j] * Z, v, Z);
    if (kept)
      t->front[t->n_front++] = ord[i];
  }
  free(sums);
  free(ord);
  return 0;
}

static bool can_beat(const search *s, int64_t lb_max, int64_t lb_sum) {
  return lb_max < s->best_max || (lb_max == s->best_max && lb_sum < s->best_sum);
}

static void take(search *s, size_t j, int sign) {
  const int32_t *v = s->vec + j * s->Z;
  for (size_t z = 0; z < s->Z; z++)
    s->T[z] += sign * (int64_t)v[z];
  for (size_t k = 0; k < s->K; k++)
    s->LT[k] += sign * s->dot[k * s->N + j];
  s->S += sign * s->items[j].sum;
  s->used[s->items[j].type] = (size_t)((int64_t)s->used[s->items[j].type] + sign);
}

static int64_t max_total(const search *s) {
  int64_t m = 0;
  for (size_t z = 0; z < s->Z; z++)
    m = s->T[z] > m ? s->T[z] : m;
  return m;
}

static void dfs(search *s, size_t from, size_t r) {
  if (r == 0) {
    const int64_t mx = max_total(s);
    if (can_beat(s, mx, s->S)) {
      s->best_max = mx;
      s->best_sum = s->S;
      memcpy(s->best, s->stack, s->n * sizeof *s->best);
    }
    return;
  }
  for (size_t j = from; j < s->N && !s->aborted; j++) {
    s->work += s->Z + s->K + 1;
    if (s->work > PL_SCHED_SEARCH_BUDGET) {
      s->aborted = true;
      return;
    }
    int64_t lb_max = 0;
    for (size_t z = 0; z < s->Z; z++) {
      const int64_t t = s->T[z] + (int64_t)r * s->minsuf[j * s->Z + z];
      lb_max = t > lb_max ? t : lb_max;
    }
    for (size_t k = 0; k < s->K; k++) {
      const int64_t t = s->LT[k] + (int64_t)r * s->mindot[k * (s->N + 1) + j];
      const int64_t lb = (t + s->wsum[k] - 1) / s->wsum[k];
      lb_max = lb > lb_max ? lb : lb_max;
    }
    lb_max = (lb_max + s->g - 1) / s->g * s->g; /* totals are multiples of g */
    if (!can_beat(s, lb_max, s->S + (int64_t)r * s->minsum[j]))
      break; /* suffix minima only grow with j: no later j can do better */
    if (s->used[s->items[j].type] == s->cap[s->items[j].type])
      continue;
    take(s, j, +1);
    s->stack[s->n - r] = j;
    dfs(s, j, r - 1);
    take(s, j, -1);
  }
}

/* Greedy seed: n times, the pick that keeps (max, sum) lowest. */
static void greedy(search *s) {
  for (size_t k = 0; k < s->n; k++) {
    size_t pick = s->N;
    int64_t pm = 0, ps = 0;
    for (size_t j = 0; j < s->N; j++) {
      if (s->used[s->items[j].type] == s->cap[s->items[j].type])
        continue;
      take(s, j, +1);
      const int64_t mx = max_total(s);
      if (pick == s->N || mx < pm || (mx == pm && s->S < ps)) {
        pick = j;
        pm = mx;
        ps = s->S;
      }
      take(s, j, -1);
    }
    take(s, pick, +1); /* a pick exists: the days number at least n */
    s->stack[k] = pick;
  }
  s->best_max = max_total(s);
  s->best_sum = s->S;
  memcpy(s->best, s->stack, s->n * sizeof *s->best);
  for (size_t k = s->n; k-- > 0;)
    take(s, s->stack[k], -1);
}

/* The weight vector that best bounds the root, by multiplicative weights on
 * the game "weights pick zones, the plan picks the cheapest item": rounds
 * that make an item cheap under the weights raise the zones it burdens.
 * Doubles only choose the weights; the bound itself stays in integers. */
static void mwu_weights(const search *s, int32_t *w) {
  const size_t Z = s->Z, N = s->N;
  double lam[PL_SCHED_MAX_DELEGATIONS], best[PL_SCHED_MAX_DELEGATIONS], best_g = -1;
  int32_t vmax = 1;
  for (size_t i = 0; i < N * Z; i++)
    vmax = s->vec[i] > vmax ? s->vec[i] : vmax;
  for (size_t z = 0; z < Z; z++)
    lam[z] = best[z] = 1.0 / (double)Z;
  size_t rounds = 3000;
  if ((unsigned long long)rounds * N * Z > 30000000ULL)
    rounds = (size_t)(30000000ULL / ((unsigned long long)N * Z + 1)) + 1;
  for (size_t t = 0; t < rounds; t++) {
    size_t arg = 0;
    double g = 0, tot = 0;
    for (size_t i = 0; i < N; i++) {
      double d = 0;
      for (size_t z = 0; z < Z; z++)
        d += lam[z] * s->vec[i * Z + z];
      if (i == 0 || d < g) {
        g = d;
        arg = i;
      }
    }
    if (g > best_g) {
      best_g = g;
      memcpy(best, lam, Z * sizeof *lam);
    }
    for (size_t z = 0; z < Z; z++) {
      lam[z] *= 1.0 + 0.05 * s->vec[arg * Z + z] / vmax;
      tot += lam[z];
    }
    for (size_t z = 0; z < Z; z++)
      lam[z] /= tot;
  }
  for (size_t z = 0; z < Z; z++)
    w[z] = (int32_t)(best[z] * 1024.0 + 0.5);
}

/* Chooses the weightings (all zones; every pair when there are few; the
 * multiplicative-weights vector) and fills s->dot, mindot, wsum. Returns 0
 * or -1 out of memory. */
static int weightings(search *s) {
  const size_t Z = s->Z, N = s->N;
  const size_t pairs = Z >= 2 && Z <= 8 ? Z * (Z - 1) / 2 : 0;
  const size_t kmax = Z ? 2 + pairs : 0;
  int32_t *w = calloc(kmax * Z + 1, sizeof *w);
  s->wsum = calloc(kmax + 1, sizeof *s->wsum);
  s->LT = calloc(kmax + 1, sizeof *s->LT);
  s->dot = malloc((kmax * N + 1) * sizeof *s->dot);
  s->mindot = malloc((kmax * (N + 1) + 1) * sizeof *s->mindot);
  if (!w || !s->wsum || !s->LT || !s->dot || !s->mindot) {
    free(w);
    return -1;
  }
  size_t K = 0;
  if (Z) {
    for (size_t z = 0; z < Z; z++)
      w[z] = 1;
    K = 1;
    for (size_t a = 0; a < Z && pairs; a++)
      for (size_t b = a + 1; b < Z; b++, K++)
        w[K * Z + a] = w[K * Z + b] = 1;
    mwu_weights(s, w + K * Z);
    K++;
  }
  for (size_t k = 0; k < K; k++) {
    for (size_t z = 0; z < Z; z++)
      s->wsum[k] += w[k * Z + z];
    if (s->wsum[k] == 0) /* all-zero weights bound nothing: drop them */
      w[k * Z] = 1, s->wsum[k] = 1;
    int64_t *md = s->mindot + k * (N + 1);
    md[N] = INT64_MAX / 4;
    for (size_t j = N; j-- > 0;) {
      int64_t d = 0;
      for (size_t z = 0; z < Z; z++)
        d += (int64_t)w[k * Z + z] * s->vec[j * Z + z];
      s->dot[k * N + j] = d;
      md[j] = d < md[j + 1] ? d : md[j + 1];
    }
  }
  s->K = K;
  free(w);
  return 0;
}

static int64_t gcd64(int64_t a, int64_t b) {
  while (b) {
    const int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* After a search cut short by the budget: swap single picks for any item
 * while that lowers (max, sum). No proof, but the plan handed back is at
 * least locally optimal. O(n N Z) a pass. */
static void polish(search *s) {
  memcpy(s->stack, s->best, s->n * sizeof *s->stack);
  for (size_t k = 0; k < s->n; k++)
    take(s, s->stack[k], +1);
  for (bool better = true; better;) {
    better = false;
    for (size_t k = 0; k < s->n; k++) {
      take(s, s->stack[k], -1);
      size_t pick = s->stack[k];
      for (size_t j = 0; j < s->N; j++) {
        if (s->used[s->items[j].type] == s->cap[s->items[j].type])
          continue;
        take(s, j, +1);
        const int64_t mx = max_total(s);
        if (can_beat(s, mx, s->S)) {
          s->best_max = mx;
          s->best_sum = s->S;
          pick = j;
          better = true;
        }
        take(s, j, -1);
      }
      take(s, pick, +1);
      s->stack[k] = pick;
    }
  }
  memcpy(s->best, s->stack, s->n * sizeof *s->best);
  for (size_t k = s->n; k-- > 0;)
    take(s, s->stack[k], -1);
}

static int slot_by_start(const void *pa, const void *pb) {
  const pl_sched_slot *a = pa, *b = pb;
  return a->start_ms < b->start_ms ? -1 : (a->start_ms > b->start_ms);
}

pl_err pl_sched_plan_series(const pl_sched_request *req, size_t series, pl_sched_plan *plan,
                            char *msg, size_t msglen) {
  pl_err e = pl_sched__check(req, msg, msglen);
  if (e != PL_ERR_OK)
    return e;
  if (series < 1 || series > PL_SCHED_MAX_SERIES) {
    snprintf(msg, msglen, "series: must be 1 .. %d", PL_SCHED_MAX_SERIES);
    return PL_ERR_BAD_REQUEST;
  }
  e = PL_ERR_INTERNAL;
  pl_sched_folded f;
  if (pl_sched__fold(req, &f) != 0)
    return PL_ERR_INTERNAL;
  const size_t Z = f.n;
  pl_sched_cand *cand = NULL;
  size_t *day_first = NULL, *day_len = NULL;
  day_type *types = NULL;
  size_t n_types = 0, n_days = 0, N = 0;
  item *items = NULL;
  int32_t *vec = NULL, *minsuf = NULL, *row = NULL;
  int64_t *minsum = NULL, *T = NULL;
  size_t *cap = NULL, *used = NULL, *stack = NULL, *best = NULL, *placed = NULL;

  const size_t C = pl_sched__candidates(req, &cand);
  if (C == (size_t)-1)
    goto out;
  day_first = malloc((C + 1) * sizeof *day_first);
  day_len = malloc((C + 1) * sizeof *day_len);
  types = calloc(C + 1, sizeof *types);
  if (!day_first || !day_len || !types)
    goto out;
  size_t longest = 0;
  for (size_t i = 0; i < C; i++) {
    if (i == 0 || cand[i].date != cand[i - 1].date) {
      day_first[n_days] = i;
      day_len[n_days++] = 0;
    }
    if (++day_len[n_days - 1] > longest)
      longest = day_len[n_days - 1];
  }
  row = malloc((longest + 1) * (Z + 1) * sizeof *row); /* one day's vectors */
  if (!row)
    goto out;
  if (n_days < series) {
    snprintf(msg, msglen, "series: only %zu weekdays between date_from and date_to", n_days);
    e = PL_ERR_BAD_REQUEST;
    goto out;
  }
  /* Per day: its vectors; then its type, new or known. */
  for (size_t d = 0; d < n_days; d++) {
    const size_t m = day_len[d];
    for (size_t k = 0; k < m; k++)
      for (size_t z = 0; z < Z; z++)
        row[k * Z + z] = (int32_t)pl_sched__zone_burden(req, f.zone[z], cand[day_first[d] + k].start_ms);
    size_t t = 0;
    while (t < n_types && !(types[t].m == m && memcmp(types[t].raw, row, m * Z * sizeof *row) == 0))
      t++;
    if (t == n_types) {
      day_type *nt = &types[n_types++];
      nt->m = m;
      nt->raw = malloc(m * Z * sizeof *row + 1);
      nt->days = malloc(n_days * sizeof *nt->days);
      if (!nt->raw || !nt->days)
        goto out;
      memcpy(nt->raw, row, m * Z * sizeof *row);
      if (build_front(nt, &f) != 0)
        goto out;
      N += nt->n_front;
    }
    types[t].days[types[t].n_days++] = d;
  }
  /* Items, their vectors and the suffix minima of the bound. */
  items = malloc((N + 1) * sizeof *items);
  vec = malloc((N + 1) * (Z + 1) * sizeof *vec);
  minsuf = malloc((N + 1) * (Z + 1) * sizeof *minsuf);
  minsum = malloc((N + 1) * sizeof *minsum);
  cap = malloc((n_types + 1) * sizeof *cap);
  used = calloc(n_types + 1, sizeof *used);
  T = calloc(Z + 1, sizeof *T);
  stack = malloc(series * sizeof *stack);
  best = malloc(series * sizeof *best);
  placed = calloc(n_types + 1, sizeof *placed);
  if (!items || !vec || !minsuf || !minsum || !cap || !used || !T || !stack || !best || !placed)
    goto out;
  size_t j = 0;
  for (size_t t = 0; t < n_types; t++) {
    cap[t] = types[t].n_days;
    for (size_t k = 0; k < types[t].n_front; k++, j++) {
      const int32_t *v = types[t].raw + types[t].front[k] * Z;
      items[j] = (item){.type = t, .row = types[t].front[k], .sum = vec_sum(v, &f)};
      memcpy(vec + j * Z, v, Z * sizeof *vec);
    }
  }
  minsum[N] = INT64_MAX / 4;
  for (size_t z = 0; z < Z; z++)
    minsuf[N * Z + z] = INT32_MAX / 4;
  for (size_t i = N; i-- > 0;) {
    minsum[i] = items[i].sum < minsum[i + 1] ? items[i].sum : minsum[i + 1];
    for (size_t z = 0; z < Z; z++) {
      const int32_t a = vec[i * Z + z], b = minsuf[(i + 1) * Z + z];
      minsuf[i * Z + z] = a < b ? a : b;
    }
  }
  search s = {.Z = Z, .N = N, .n = series, .items = items, .vec = vec, .minsuf = minsuf,
              .minsum = minsum, .cap = cap, .used = used, .T = T, .stack = stack, .best = best};
  if (weightings(&s) != 0)
    goto out_search;
  s.g = 0;
  for (size_t i = 0; i < N * Z; i++)
    s.g = gcd64(s.g, vec[i]);
  s.g = s.g ? s.g : 1;
  greedy(&s);
  dfs(&s, 0, series);
  if (s.aborted)
    polish(&s);

  /* Place each type's picks on its earliest days, then describe the plan. */
  memset(plan->burden_by_delegation, 0, req->n_delegations * sizeof *plan->burden_by_delegation);
  plan->sum_burden_s = 0;
  plan->max_burden_s = 0;
  for (size_t k = 0; k < series; k++) {
    const item *it = &items[best[k]];
    const size_t day = types[it->type].days[placed[it->type]++];
    const int64_t start = cand[day_first[day] + it->row].start_ms;
    pl_sched_slot *sl = &plan->slots[k];
    *sl = (pl_sched_slot){.start_ms = start,
                          .end_ms = start + (int64_t)req->duration_s * 1000,
                          .date = cand[day_first[day]].date};
    for (size_t d = 0; d < req->n_delegations; d++) {
      const int64_t b = pl_sched_burden(req, d, start);
      sl->burden_s += b;
      sl->n_outside += b > 0;
      plan->burden_by_delegation[d] += b;
    }
    plan->sum_burden_s += sl->burden_s;
  }
  for (size_t d = 0; d < req->n_delegations; d++)
    if (plan->burden_by_delegation[d] > plan->max_burden_s)
      plan->max_burden_s = plan->burden_by_delegation[d];
  qsort(plan->slots, series, sizeof *plan->slots, slot_by_start);
  plan->proven = !s.aborted;
  e = PL_ERR_OK;

out_search:
  free(s.wsum);
  free(s.dot);
  free(s.mindot);
  free(s.LT);
out:
  for (size_t t = 0; types && t < n_types; t++) {
    free(types[t].raw);
    free(types[t].front);
    free(types[t].days);
  }
  free(types);
  free(cand);
  free(day_first);
  free(day_len);
  free(row);
  free(items);
  free(vec);
  free(minsuf);
  free(minsum);
  free(cap);
  free(used);
  free(T);
  free(stack);
  free(best);
  free(placed);
  pl_sched__fold_release(&f);
  return e;
}
