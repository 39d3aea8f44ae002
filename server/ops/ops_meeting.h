/*
 * Ops on meetings as a whole (ops_meeting.c): create, update, cancel, list,
 * join, leave and sync. A change to a meeting's record is a programme event
 * (meeting.created, .updated, .cancelled) and, for a meeting that exists, a
 * meeting.changed on its own stream, committed together.
 */
#ifndef PL_OPS_OPS_MEETING_H
#define PL_OPS_OPS_MEETING_H

#include "live/commit.h"
#include "ops/op.h"

pl_err pl_op_meeting_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_update(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_cancel(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_join(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_leave(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_sync(pl_op_ctx *c, json_t *args);

/* Checks that the chair meeting m names exists and may preside it: a chair,
 * the secretariat, or a delegate elected chair or vice-chair for the year
 * the meeting starts in; "" is no chair. Returns PL_ERR_OK or an error with msg set. */
pl_err pl_meeting_check_chair(const pl_meeting_rec *m, char *msg, size_t msglen);

#endif
