/*
 * What every op handler works with (op.c): the request's context, the
 * error reply, argument unpacking and the meeting an op names. Handlers
 * receive the request's arguments (the frame without "op" and "id") and
 * either fill c->result and return PL_ERR_OK, or return an error with c->msg
 * saying what, naming the field. A handler changes nothing unless it returns
 * PL_ERR_OK. Who may call an op is the dispatcher's business (dispatch.c),
 * checked once from its table before the handler runs.
 */
#ifndef PL_OPS_OP_H
#define PL_OPS_OP_H

#include <jansson.h>

#include "base/unpack.h"
#include "core/err.h"
#include "live/commit.h"
#include "live/live.h"
#include "net/session.h"

typedef struct pl_op_ctx {
  pl_session *s;
  int64_t now;
  json_t *result; /* owned; the fields merged into the ok reply */
  char msg[256];
  json_t *re;     /* borrowed: the request's id, for a reply made later */
  bool deferred;  /* the reply comes later (deferred.h) */
} pl_op_ctx;

typedef pl_err (*pl_op_fn)(pl_op_ctx *c, json_t *args);

#define PL_ROLE_BIT(r) (1u << (r))

/* Sets c->msg and returns e: `return pl_op_fail(c, PL_ERR_NOT_FOUND, "...", ...)`. */
pl_err pl_op_fail(pl_op_ctx *c, pl_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* pl_unpack into c->msg; PL_ERR_OK or PL_ERR_BAD_REQUEST. */
#define PL_OP_UNPACK(c, args, ...) pl_unpack((args), (c)->msg, sizeof (c)->msg, __VA_ARGS__)
/* The live meeting named by `id`, or NULL with NOT_FOUND set in c. */
pl_live *pl_op_meeting(pl_op_ctx *c, const char *id, pl_err *err);

/* Makes `s` a signed-in connection that is no participant (an applicant, a
 * screen): `id` and `name` stand for it in logs; its role is never read, as
 * the dispatcher checks the caller's own flag first. */
void pl_op_session_nobody(pl_session *s, const char *id, const char *name);
/* Takes the `meeting` field out of args and finds it (ops that carry the
 * meeting beside the fields they change); NULL with the error set. */
pl_live *pl_op_take_meeting(pl_op_ctx *c, json_t *args, pl_err *err);

/* Commits a change an op built, into c->msg on failure, and releases it. */
pl_err pl_op_commit(pl_op_ctx *c, pl_change *ch);

#endif
