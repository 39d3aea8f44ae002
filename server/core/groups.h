/*
 * Groups of States that speak together (groups.c): the five regional groups,
 * which follow from each State's `group`, and the political and negotiating
 * groups the secretariat defines (the European Union, the Group of 77 and
 * China, ...). A statement `on_behalf` of a group is the group's only when
 * the State that makes it is one of its members; an ad hoc joint statement
 * lists its States instead, and is a group's statement in time once it has
 * `joint_min` of them.
 *
 * Plain data, as the shell read it from the groups view: the core decides
 * with it as an argument and keeps no copy.
 */
#ifndef PL_CORE_GROUPS_H
#define PL_CORE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/room.h"

#define PL_MAX_GROUP_MEMBERS 200 /* every Member State of the United Nations, and room */

typedef struct pl_group_def {
  char id[PL_ID_LEN]; /* "g<n>" */
  char name[PL_NAME_LEN];
  char coordinator[PL_ID_LEN]; /* a member delegation, or "" */
  char members[PL_MAX_GROUP_MEMBERS][PL_ID_LEN];
  size_t n_members;
} pl_group_def;

/* True when `delegation` is a member of g. */
bool pl_group_has(const pl_group_def *g, const char *delegation);

/* Checks the shape of a group the secretariat defines: a name, 1 to
 * PL_MAX_GROUP_MEMBERS members named once each, a coordinator who is one
 * of them. Returns PL_ERR_OK, or PL_ERR_BAD_REQUEST with msg naming the
 * field. Whether each member is a State is the shell's lookup. */
pl_err pl_group_check(const pl_group_def *g, char *msg, size_t msglen);

/* True when `key` is the wire name of a regional group ("african", ...). */
bool pl_group_is_regional(const char *key);

#endif
