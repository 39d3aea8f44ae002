/*
 * Ops of the programme in time (ops_calendar.c): schedule.suggest (contract
 * section 7) and programme.plan (the
 * Programme's rhythm of review conferences and annual meetings).
 */
#ifndef PL_OPS_OPS_CALENDAR_H
#define PL_OPS_OPS_CALENDAR_H

#include "ops/op.h"

pl_err pl_op_schedule_suggest(pl_op_ctx *c, json_t *args);
pl_err pl_op_programme_plan(pl_op_ctx *c, json_t *args);

#endif
