/*
 * Ops of identity and administration (ops_admin.c): hello, delegations,
 * participants and their credentials. A token is returned once, by
 * participant.invite or participant.reissue, and never stored or logged in
 * clear: the programme stream carries its hash.
 */
#ifndef PL_OPS_OPS_ADMIN_H
#define PL_OPS_OPS_ADMIN_H

#include "base/token.h"
#include "live/commit.h"
#include "ops/op.h"

pl_err pl_op_hello(pl_op_ctx *c, json_t *args);
pl_err pl_op_delegation_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_delegation_update(pl_op_ctx *c, json_t *args);
pl_err pl_op_delegation_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_invite(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_reissue(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_revoke(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_feed_rotate(pl_op_ctx *c, json_t *args);

/* Adds the invitation of participant p (name, role and delegation set; its
 * id is given here) to the change: participant.invited, token.issued and
 * feed.issued, with a fresh token and feed key written to `token` and
 * `feed`. Returns PL_ERR_OK, or PL_ERR_INTERNAL when the random generator
 * failed. */
pl_err pl_invite_prepare(pl_change *ch, pl_participant_rec *p, char token[PL_TOKEN_LEN],
                         char feed[PL_FEED_LEN]);

/* Adds delegation d (its id is given here) to the change. */
void pl_delegation_prepare(pl_change *ch, pl_delegation_rec *d);

#endif
