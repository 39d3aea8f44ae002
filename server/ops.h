/*
 * The op handlers behind pl_ops_handle. Each receives the request's arguments
 * (the frame without "op" and "id") and either fills c->result and returns
 * PL_ERR_OK, or returns an error with c->msg saying what, naming the field.
 * A handler changes nothing unless it returns PL_ERR_OK.
 */
#ifndef PL_OPS_H
#define PL_OPS_H

#include <jansson.h>
#include <stdarg.h>

#include "plenary.h"
#include "unpack.h"

typedef struct pl_op_ctx {
  pl_session *s;
  int64_t now;
  json_t *result; /* owned; the fields merged into the ok reply */
  char msg[256];
} pl_op_ctx;

typedef pl_err (*pl_op_fn)(pl_op_ctx *c, json_t *args);

/* Sets c->msg and returns e: `return pl_op_fail(c, PL_ERR_NOT_FOUND, "...", ...)`. */
pl_err pl_op_fail(pl_op_ctx *c, pl_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* pl_unpack into c->msg; returns PL_ERR_OK or PL_ERR_BAD_REQUEST. */
#define PL_OP_UNPACK(c, args, ...)                                                    \
  (pl_unpack((args), (c)->msg, sizeof (c)->msg, __VA_ARGS__) ? PL_ERR_BAD_REQUEST : PL_ERR_OK)
/* The live meeting named by `id`, or NULL with NOT_FOUND set in c. */
pl_live *pl_op_meeting(pl_op_ctx *c, const char *id, pl_err *err);
/* Refuses unless the session's role is one of the mask (1u << pl_role). */
pl_err pl_op_require_role(pl_op_ctx *c, unsigned mask, const char *what);
#define PL_ROLE_BIT(r) (1u << (r))

/* ops_admin.c */
pl_err pl_op_hello(pl_op_ctx *c, json_t *args);
pl_err pl_op_delegation_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_delegation_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_invite(pl_op_ctx *c, json_t *args);
/* ops_meeting.c */
pl_err pl_op_meeting_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_update(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_cancel(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_join(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_leave(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_sync(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_stats(pl_op_ctx *c, json_t *args);
/* ops_calendar.c */
pl_err pl_op_schedule_suggest(pl_op_ctx *c, json_t *args);
pl_err pl_op_meeting_import(pl_op_ctx *c, json_t *args);
pl_err pl_op_programme_plan(pl_op_ctx *c, json_t *args);
/* ops_floor.c: every op that goes through the room, named by ops.c's table */
typedef enum {
  PL_ROP_NONE, /* not a room op */
  PL_ROP_ITEM_OPEN, PL_ROP_REQUEST, PL_ROP_WITHDRAW, PL_ROP_ENTRY_UPDATE, PL_ROP_READY,
  PL_ROP_START, PL_ROP_NEXT, PL_ROP_GIVE, PL_ROP_PAUSE, PL_ROP_RESUME, PL_ROP_EXTEND,
  PL_ROP_END, PL_ROP_MOVE, PL_ROP_REMOVE, PL_ROP_CLOSE, PL_ROP_OPEN,
} pl_room_op;
pl_err pl_op_room(pl_op_ctx *c, json_t *args, pl_room_op op);

#endif
