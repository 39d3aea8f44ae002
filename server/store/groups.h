/*
 * The groups view (groups.c): political and negotiating groups of States,
 * as group.created and group.updated left them; and the protocol ranks of
 * participants (participant.ranked), which order a list in protocol order.
 * Written by views.c only.
 */
#ifndef PL_STORE_GROUPS_H
#define PL_STORE_GROUPS_H

#include "core/groups.h"
#include "store/store.h"

/* The group `id` ("g3"): NOT_FOUND when it names none. */
pl_store_rc pl_store_group_get(pl_store *s, const char *id, pl_group_def *out);

typedef int (*pl_group_cb)(void *ctx, const pl_group_def *g);
/* Every group, in id order; a nonzero return from cb stops the walk. */
pl_store_rc pl_store_group_each(pl_store *s, pl_group_cb cb, void *ctx);

/* The protocol rank of participant `id`: NOT_FOUND when none was set. */
pl_store_rc pl_store_participant_rank(pl_store *s, const char *id, pl_rank *out);

/* The members of g as the JSON text the view stores; the caller frees it. */
char *pl_store_group_members_json(const pl_group_def *g);

#endif
