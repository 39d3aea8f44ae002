/*
 * Groups of States (ops_groups.c): group.create, group.update, group.list,
 * and the lookups floor.request needs to tell whom a statement speaks for;
 * and participant.rank, the protocol rank that orders a list in protocol
 * order, with its lookup.
 * A group is programme data: group.created and group.updated on the
 * programme stream, the groups view (store/groups.h).
 */
#ifndef PL_OPS_OPS_GROUPS_H
#define PL_OPS_OPS_GROUPS_H

#include "core/groups.h"
#include "ops/op.h"

pl_err pl_op_group_create(pl_op_ctx *c, json_t *args);
pl_err pl_op_group_update(pl_op_ctx *c, json_t *args);
pl_err pl_op_group_list(pl_op_ctx *c, json_t *args);
pl_err pl_op_participant_rank(pl_op_ctx *c, json_t *args);

/* The protocol rank of participant p: the one the secretariat set, else
 * by role (a delegate or chair "delegate", anyone else "observer"). An
 * error in c only when the store failed. */
pl_err pl_rank_of(pl_op_ctx *c, const pl_participant_rec *p, pl_rank *out);

/* The group a key names when it is a group id ("g3"), into *out: PL_ERR_OK
 * with *found false when it names none (the core then says so); an error
 * in c only when the store failed. */
pl_err pl_group_lookup(pl_op_ctx *c, const char *key, pl_group_def *out, bool *found);

/* The States of a joint statement, `ids` a JSON array of delegation ids,
 * into refs (capacity cap): *n of them. NOT_FOUND names an unknown one;
 * BAD_REQUEST a list that is not one, or longer than cap (the core refuses
 * the rest: not a State, named twice). */
pl_err pl_group_joint_refs(pl_op_ctx *c, json_t *ids, pl_delegation_ref *refs, size_t cap,
                           size_t *n);

#endif
