/*
 * Groups of States (groups.h). Member lists are short (at most a few
 * hundred) and read a few times a minute, so they are searched linearly.
 */
#include "core/groups.h"

#include <stdio.h>
#include <string.h>

bool pl_group_has(const pl_group_def *g, const char *delegation) {
  if (!g || !delegation)
    return false;
  for (size_t i = 0; i < g->n_members; i++)
    if (strcmp(g->members[i], delegation) == 0)
      return true;
  return false;
}

pl_err pl_group_check(const pl_group_def *g, char *msg, size_t msglen) {
  size_t n = strnlen(g->name, PL_NAME_LEN);
  if (n == 0 || n >= PL_NAME_LEN) {
    snprintf(msg, msglen, "field 'name' must be 1 to %d bytes", PL_NAME_LEN - 1);
    return PL_ERR_BAD_REQUEST;
  }
  /* A regional name would make on_behalf ambiguous. */
  if (pl_group_is_regional(g->name)) {
    snprintf(msg, msglen, "field 'name': '%s' is the name of a regional group", g->name);
    return PL_ERR_BAD_REQUEST;
  }
  if (g->n_members == 0 || g->n_members > PL_MAX_GROUP_MEMBERS) {
    snprintf(msg, msglen, "field 'members' must list 1 to %d delegations",
             PL_MAX_GROUP_MEMBERS);
    return PL_ERR_BAD_REQUEST;
  }
  for (size_t i = 0; i < g->n_members; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp(g->members[i], g->members[k]) == 0) {
        snprintf(msg, msglen, "field 'members' names %s twice", g->members[i]);
        return PL_ERR_BAD_REQUEST;
      }
  if (g->coordinator[0] && !pl_group_has(g, g->coordinator)) {
    snprintf(msg, msglen, "field 'coordinator': %s is not one of the members",
             g->coordinator);
    return PL_ERR_BAD_REQUEST;
  }
  return PL_ERR_OK;
}

bool pl_group_is_regional(const char *key) {
  return key && PL_ENUM_PARSE(pl_group, key) >= 0;
}
