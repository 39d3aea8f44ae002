/*
 * Groups of States (ops_groups.h). The secretariat defines the political and
 * negotiating groups; every member must be a State's delegation, checked
 * against the delegations view; the shape (a name, members once each, a
 * coordinator among them) is the core's rule (core/groups.c).
 */
#include "ops/ops_groups.h"

#include <string.h>

#include "base/server.h"
#include "store/groups.h"
#include "store/store.h"
#include "wire/pevent_json.h"

/* The fields group.create and .update give, onto *g. */
static pl_err group_fields(pl_op_ctx *c, pl_group_def *g, const char *name, json_t *members,
                           json_t *coordinator) {
  if (name)
    snprintf(g->name, sizeof g->name, "%s", strlen(name) < sizeof g->name ? name : "");
  if (members) {
    if (!json_is_array(members) || json_array_size(members) > PL_MAX_GROUP_MEMBERS)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'members' must be a list of 1 to %d delegation ids",
                        PL_MAX_GROUP_MEMBERS);
    g->n_members = 0;
    size_t i;
    json_t *v;
    json_array_foreach(members, i, v) {
      const char *id = json_string_value(v);
      pl_delegation_rec d;
      if (!id || strlen(id) >= PL_ID_LEN)
        return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'members' must hold delegation ids");
      pl_store_rc rc = pl_store_delegation_get(pl_srv->store, id, &d);
      if (rc == PL_STORE_NOT_FOUND)
        return pl_op_fail(c, PL_ERR_NOT_FOUND, "field 'members': no delegation '%.40s'", id);
      if (rc != PL_STORE_OK)
        return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
      if (!pl_delegation_is_state(d.kind))
        return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'members': %s is not a State",
                          d.name);
      snprintf(g->members[g->n_members++], PL_ID_LEN, "%s", id);
    }
  }
  if (coordinator) {
    const char *id = json_is_null(coordinator) ? "" : json_string_value(coordinator);
    if (!id || strlen(id) >= sizeof g->coordinator)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'coordinator' must be a member's delegation id, or null");
    snprintf(g->coordinator, sizeof g->coordinator, "%s", id);
  }
  return pl_group_check(g, c->msg, sizeof c->msg);
}

static pl_err group_commit(pl_op_ctx *c, pl_change *ch, pl_pevent_type type,
                           const pl_group_def *g) {
  pl_pevent ev = {.type = type, .group = g};
  pl_change_programme(ch, &ev);
  pl_err e = pl_op_commit(c, ch);
  if (e == PL_ERR_OK)
    c->result = json_pack("{s:o}", "group", pl_json_group(g));
  return e;
}

pl_err pl_op_group_create(pl_op_ctx *c, json_t *args) {
  const char *name;
  json_t *members, *coordinator = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:o, s?o}", "name", &name, "members", &members,
                          "coordinator", &coordinator);
  if (e)
    return e;
  static pl_group_def g; /* some 5 KB; ops run on the one service thread */
  memset(&g, 0, sizeof g);
  if ((e = group_fields(c, &g, name, members, coordinator)))
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_new_id(&ch, 'g', g.id, sizeof g.id);
  return group_commit(c, &ch, PL_PEV_GROUP_CREATED, &g);
}

pl_err pl_op_group_update(pl_op_ctx *c, json_t *args) {
  const char *id, *name = NULL;
  json_t *members = NULL, *coordinator = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s?s, s?o, s?o}", "group", &id, "name", &name,
                          "members", &members, "coordinator", &coordinator);
  if (e)
    return e;
  static pl_group_def g;
  pl_store_rc rc = pl_store_group_get(pl_srv->store, id, &g);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no group '%.40s'", id);
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if ((e = group_fields(c, &g, name, members, coordinator)))
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  return group_commit(c, &ch, PL_PEV_GROUP_UPDATED, &g);
}

static int list_one(void *ctx, const pl_group_def *g) {
  json_array_append_new(ctx, pl_json_group(g));
  return 0;
}

pl_err pl_op_group_list(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  json_t *list = json_array();
  if (pl_store_group_each(pl_srv->store, list_one, list) != PL_STORE_OK) {
    json_decref(list);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o}", "groups", list);
  return PL_ERR_OK;
}

pl_err pl_group_lookup(pl_op_ctx *c, const char *key, pl_group_def *out, bool *found) {
  *found = false;
  if (!key || pl_id_parse(key, 'g') < 0)
    return PL_ERR_OK;
  pl_store_rc rc = pl_store_group_get(pl_srv->store, key, out);
  if (rc == PL_STORE_NOT_FOUND)
    return PL_ERR_OK;
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  *found = true;
  return PL_ERR_OK;
}

pl_err pl_group_joint_refs(pl_op_ctx *c, json_t *ids, pl_delegation_ref *refs, size_t cap,
                           size_t *n) {
  *n = 0;
  if (!json_is_array(ids) || json_array_size(ids) > cap)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'on_behalf.joint' must be a list of at most %zu delegation ids",
                      cap);
  size_t i;
  json_t *v;
  json_array_foreach(ids, i, v) {
    const char *id = json_string_value(v);
    pl_delegation_rec d;
    if (!id)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'on_behalf.joint' must hold delegation ids");
    pl_store_rc rc = pl_store_delegation_get(pl_srv->store, id, &d);
    if (rc == PL_STORE_NOT_FOUND)
      return pl_op_fail(c, PL_ERR_NOT_FOUND, "field 'on_behalf.joint': no delegation '%.40s'",
                        id);
    if (rc != PL_STORE_OK)
      return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
    pl_delegation_ref *r = &refs[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", d.id);
    snprintf(r->name, sizeof r->name, "%s", d.name);
    r->kind = d.kind;
  }
  return PL_ERR_OK;
}

pl_err pl_op_participant_rank(pl_op_ctx *c, json_t *args) {
  const char *id, *rank;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "participant", &id, "rank", &rank);
  if (e)
    return e;
  int r = PL_ENUM_PARSE(pl_rank, rank);
  if (r < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'rank' has an unknown value '%.40s'", rank);
  pl_participant_rec p;
  pl_store_rc rc = pl_store_participant_get(pl_srv->store, id, &p);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no participant '%.40s'", id);
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_PARTICIPANT_RANKED, .participant = p, .rank = (pl_rank)r};
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:s, s:s}", "participant", p.id, "rank", PL_ENUM_NAME(pl_rank, r));
  return PL_ERR_OK;
}

pl_err pl_rank_of(pl_op_ctx *c, const pl_participant_rec *p, pl_rank *out) {
  pl_store_rc rc = pl_store_participant_rank(pl_srv->store, p->id, out);
  if (rc == PL_STORE_NOT_FOUND)
    *out = p->role == PL_ROLE_DELEGATE || p->role == PL_ROLE_CHAIR ? PL_RANK_DELEGATE
                                                                   : PL_RANK_OBSERVER;
  else if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  return PL_ERR_OK;
}
