/*
 * The room's screen (ops_screen.c): a link of its own that opens the
 * projector of one meeting and shows only what the room may see: the
 * meeting's state and events as any joined connection hears them, without
 * attendance, ledgers, decisions or anyone's identity. It is issued and
 * revoked by whoever presides, like a participant's feed key is rotated: a
 * programme event carrying the token's hash only; a new link replaces the
 * last, and the screens open on the old one close (4001).
 */
#ifndef PL_OPS_OPS_SCREEN_H
#define PL_OPS_OPS_SCREEN_H

#include "live/live.h"
#include "ops/op.h"

pl_err pl_op_screen_link(pl_op_ctx *c, json_t *args);
pl_err pl_op_screen_revoke(pl_op_ctx *c, json_t *args);

/* A session that said hello with meeting m's screen link. */
void pl_screen_hello(pl_session *s, const pl_live *m);

#endif
