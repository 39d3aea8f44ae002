/*
 * Every op that goes through the room (ops_floor.c): the agenda, the list of
 * speakers and the floor. The dispatcher's table names the room op.
 */
#ifndef PL_OPS_OPS_FLOOR_H
#define PL_OPS_OPS_FLOOR_H

#include "ops/op.h"

typedef enum {
  PL_ROP_NONE, /* not a room op */
  PL_ROP_ITEM_OPEN, PL_ROP_REQUEST, PL_ROP_WITHDRAW, PL_ROP_ENTRY_UPDATE, PL_ROP_READY,
  PL_ROP_START, PL_ROP_NEXT, PL_ROP_GIVE, PL_ROP_PAUSE, PL_ROP_RESUME, PL_ROP_EXTEND,
  PL_ROP_END, PL_ROP_MOVE, PL_ROP_REMOVE, PL_ROP_CLOSE, PL_ROP_OPEN,
  PL_ROP_CONTINGENT, PL_ROP_DEADLINE,
  PL_ROP_SUSPEND, PL_ROP_RESUME_SITTING, PL_ROP_CLOSE_SITTING,
} pl_room_op;

pl_err pl_op_room(pl_op_ctx *c, json_t *args, pl_room_op op);

#endif
