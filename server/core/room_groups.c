/*
 * Groups in the list of speakers: whom a statement may speak for, and the
 * time contingents of the groups (room.h, groups.h).
 *
 * on_behalf names a group by key: a regional group's wire name, which each
 * State's own `group` decides, or a political group's id, whose members the
 * shell read from the groups view and hands over with the request. A State
 * speaks for a group only as one of its members. An ad hoc joint statement
 * lists its States instead; it has the group time once it has the policy's
 * joint_min of them, the speaker's own State counted.
 *
 * A contingent (OpenSlides' structure-level time) is a group's speaking
 * time per item, policy.contingent_s for each group plus what the chair
 * adds. Every speech of a State but a point of order draws on one: the
 * group it speaks for, or else its regional group. The entry fixes which
 * when it is asked (the policy binds those who ask); the floor is given for
 * at most what is left; speech.ended carries what the speech drew, never
 * more than was left, so a ledger replayed under a later policy adds the
 * same numbers and no contingent ever goes below zero.
 */
#include <stdio.h>
#include <string.h>

#include "core/groups.h"
#include "core/invariant.h"
#include "core/room.h"
#include "core/room_impl.h"

const pl_contingent *pl_room__contingent(const pl_item *it, const char *group) {
  for (size_t i = 0; it && group && i < it->n_cont; i++)
    if (strcmp(it->cont[i].group, group) == 0)
      return &it->cont[i];
  return NULL;
}

int64_t pl_room_contingent_left(const pl_room *r, const pl_item *it, const char *group) {
  if (r->policy.contingent_s <= 0 || !group || !group[0])
    return 0;
  const pl_contingent *c = pl_room__contingent(it, group);
  int64_t left = (int64_t)r->policy.contingent_s * 1000;
  if (c)
    left += c->added_ms - c->used_ms;
  return left > 0 ? left : 0;
}

int32_t pl_room__draw(const pl_room *r, const pl_entry *e, const char *item,
                      int64_t spoken_ms) {
  if (!e->contingent[0] || spoken_ms <= 0)
    return 0;
  int64_t left = pl_room_contingent_left(r, pl_room_find_item(r, item), e->contingent);
  int64_t drawn = spoken_ms < left ? spoken_ms : left;
  return drawn > INT32_MAX ? INT32_MAX : (int32_t)drawn;
}

/* A joint statement: every State listed, once, the speaker's own counted. */
static pl_err check_joint(const pl_room *r, const pl_actor *a, const pl_request *req,
                          pl_entry *e, bool *group_time, pl_events *out) {
  if (!req->joint || req->n_joint == 0)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "on_behalf: a joint statement lists its States, "
                           "{\"joint\": [delegation ids]}");
  if (req->n_joint > PL_MAX_JOINT)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "on_behalf.joint lists at most %d delegations", PL_MAX_JOINT);
  size_t n = 0;
  bool self = false;
  for (size_t i = 0; i < req->n_joint; i++) {
    const pl_delegation_ref *d = &req->joint[i];
    if (!pl_delegation_is_state(d->kind))
      return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                             "on_behalf.joint: %s is not a State", d->name);
    if (strnlen(d->id, PL_JOINT_ID_LEN) >= PL_JOINT_ID_LEN)
      return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                             "on_behalf.joint: the id of %s is too long for a joint list",
                             d->name);
    bool twice = false;
    for (size_t k = 0; k < n; k++)
      twice |= strcmp(e->joint[k], d->id) == 0;
    if (twice)
      return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "on_behalf.joint names %s twice",
                             d->name);
    pl_room__copy(e->joint[n], sizeof e->joint[n], d->id);
    n++;
    self |= strcmp(d->id, a->delegation.id) == 0;
  }
  if (!self && n == PL_MAX_JOINT)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "on_behalf.joint lists at most %d delegations, yours included",
                           PL_MAX_JOINT);
  if (!self)
    pl_room__copy(e->joint[n++], sizeof e->joint[0], a->delegation.id);
  e->n_joint = (uint8_t)n;
  *group_time = (int64_t)n >= (int64_t)r->policy.joint_min;
  return PL_ERR_OK;
}

pl_err pl_room__check_behalf(const pl_room *r, const pl_actor *a, const pl_request *req,
                             pl_entry *e, bool *group_time, pl_events *out) {
  const char *key = req->on_behalf ? req->on_behalf : "";
  *group_time = false;
  pl_room__copy(e->on_behalf, sizeof e->on_behalf, key);
  if (!key[0])
    return PL_ERR_OK;
  if (!pl_delegation_is_state(a->delegation.kind))
    return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                           "on_behalf: only States speak on behalf of a group");
  if (strcmp(key, "joint") == 0)
    return check_joint(r, a, req, e, group_time, out);
  int region = PL_ENUM_PARSE(pl_group, key);
  if (region >= 0) {
    if (a->region != region)
      return pl_room__refuse(out, PL_ERR_FORBIDDEN,
                             "on_behalf: %s is not a member of the %s regional group",
                             a->delegation.name, key);
    *group_time = true;
    return PL_ERR_OK;
  }
  const pl_group_def *g = req->group;
  if (!g || strcmp(g->id, key) != 0)
    return pl_room__refuse(out, PL_ERR_NOT_FOUND,
                           "on_behalf: no group '%.40s' (name a regional group, a group "
                           "id, or {\"joint\": [...]})",
                           key);
  if (!pl_group_has(g, a->delegation.id))
    return pl_room__refuse(out, PL_ERR_FORBIDDEN, "on_behalf: %s is not a member of %s",
                           a->delegation.name, g->name);
  pl_room__copy(e->on_behalf_name, sizeof e->on_behalf_name, g->name);
  *group_time = true;
  return PL_ERR_OK;
}

pl_err pl_room__check_contingent(const pl_room *r, const pl_actor *a, pl_entry *e,
                                 pl_events *out) {
  e->contingent[0] = '\0';
  if (r->policy.contingent_s <= 0 || !pl_delegation_is_state(a->delegation.kind) ||
      e->kind == PL_SPEECH_POINT_OF_ORDER)
    return PL_ERR_OK;
  if (e->on_behalf[0] && strcmp(e->on_behalf, "joint") != 0)
    pl_room__copy(e->contingent, sizeof e->contingent, e->on_behalf);
  else if (a->region >= 0)
    pl_room__copy(e->contingent, sizeof e->contingent, PL_ENUM_NAME(pl_group, a->region));
  else
    return PL_ERR_OK; /* a State with no regional group draws on nothing */
  if (pl_room_contingent_left(r, pl_room_current_item(r), e->contingent) <= 0)
    return pl_room__refuse(out, PL_ERR_LIMIT,
                           "the speaking time of %s on this item is spent; the chair may "
                           "add to it",
                           e->on_behalf_name[0] ? e->on_behalf_name : e->contingent);
  return PL_ERR_OK;
}

pl_err pl_room_add_contingent(const pl_room *r, const pl_actor *a, const char *group,
                              int32_t seconds, int64_t now, pl_events *out) {
  pl_room__begin(out);
  pl_err err = pl_room__need_presides(a, "add to a group's speaking time", out);
  if (err)
    return err;
  if (seconds < 1 || seconds > 3600)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST,
                           "seconds must be between 1 and 3600, not %ld", (long)seconds);
  if (!group || !group[0] || strlen(group) >= PL_GROUP_KEY_LEN)
    return pl_room__refuse(out, PL_ERR_BAD_REQUEST, "group must name a group");
  if (r->policy.contingent_s <= 0)
    return pl_room__refuse(out, PL_ERR_CONFLICT,
                           "the policy of this meeting has no time contingents");
  const pl_item *it = pl_room_current_item(r);
  pl_event *ev = pl_room__emit(out, PL_EV_CONTINGENT_ADDED, it->def.id, now);
  pl_room__copy(ev->group, sizeof ev->group, group);
  ev->ms = seconds * 1000;
  /* The group speaking now: its clock on the floor shows the time added. */
  const pl_floor *f = &r->floor;
  if (f->held && strcmp(f->entry.contingent, group) == 0 && strcmp(f->item, it->def.id) == 0) {
    pl_event *fe = pl_room__emit(out, PL_EV_FLOOR_CHANGED, it->def.id, now);
    fe->floor = *f;
    fe->floor.contingent_ms += (int64_t)seconds * 1000;
  }
  return PL_ERR_OK;
}

pl_err pl_room__contingent_add(pl_item *it, const char *group, int64_t added_ms,
                               int64_t used_ms) {
  pl_contingent *c = (pl_contingent *)pl_room__contingent(it, group);
  if (!c) {
    if (NEVER(it->n_cont == it->cap_cont))
      return PL_ERR_INTERNAL; /* pl_room_reserve was not called */
    c = &it->cont[it->n_cont++];
    memset(c, 0, sizeof *c);
    pl_room__copy(c->group, sizeof c->group, group);
  }
  c->added_ms += added_ms;
  c->used_ms += used_ms;
  return PL_ERR_OK;
}
