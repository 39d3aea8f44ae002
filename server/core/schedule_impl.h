/*
 * What schedule.c shares with schedule_plan.c and nothing else: the list of
 * candidate instants and the request's delegations folded by zone.
 */
#ifndef PL_CORE_SCHEDULE_IMPL_H
#define PL_CORE_SCHEDULE_IMPL_H

#include "core/schedule.h"

typedef struct pl_sched_cand {
  int64_t start_ms;
  int32_t date; /* local date in req->tz */
} pl_sched_cand;

/* Delegations that share a zone pointer carry the same burden on every slot,
 * so the arithmetic runs once per distinct zone and the sum weighs it. */
typedef struct pl_sched_folded {
  const pl_sched_zone **zone; /* owned array of n distinct zones (borrowed each) */
  uint32_t *weight;           /* owned: how many delegations have zone[i] */
  size_t *of;                 /* owned: of[d] = index of delegation d's zone */
  size_t n;
} pl_sched_folded;

/* Checks the request; on failure writes msg (naming the field) and returns
 * PL_ERR_BAD_REQUEST. */
pl_err pl_sched__check(const pl_sched_request *req, char *msg, size_t msglen);

/* The candidates, in date order, then local time, then instant. *out is
 * malloc'd (caller frees). Returns the count, or (size_t)-1 out of memory. */
size_t pl_sched__candidates(const pl_sched_request *req, pl_sched_cand **out /* OUT */);

/* Burden (s) of a zone for a meeting of the request's duration at start_ms. */
int64_t pl_sched__zone_burden(const pl_sched_request *req, const pl_sched_zone *z,
                              int64_t start_ms);

/* Returns 0, or -1 out of memory; release with pl_sched__fold_release. */
int pl_sched__fold(const pl_sched_request *req, pl_sched_folded *f /* OUT */);
void pl_sched__fold_release(pl_sched_folded *f);

#endif
