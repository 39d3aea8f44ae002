/*
 * Ops of identity and administration: hello, delegations, invitations.
 * Only the secretariat creates delegations and participants; a token is
 * returned once by participant.invite and never stored or logged in clear.
 */
#include <string.h>

#include "codec.h"
#include "ops.h"
#include "token.h"
#include "tz.h"
#include "unpack.h"

pl_err pl_op_hello(pl_op_ctx *c, json_t *args) {
  const char *token;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "token", &token);
  if (e)
    return e;
  if (c->s->authed)
    return pl_op_fail(c, PL_ERR_CONFLICT, "this connection has already said hello");
  uint8_t hash[PL_HASH_LEN];
  pl_token_hash(token, hash);
  pl_participant_rec p;
  pl_delegation_rec d;
  int rc = pl_store_participant_by_token(pl_srv->store, hash, &p);
  if (rc < 0 || (rc == 0 && pl_store_delegation_get(pl_srv->store, p.delegation, &d) < 0))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (rc == 1)
    return pl_op_fail(c, PL_ERR_UNAUTHENTICATED, "the token is not valid");
  char feed[PL_FEED_LEN + 8] = "";
  pl_store_participant_feed(pl_srv->store, p.id, feed, sizeof feed);
  c->s->who = p;
  snprintf(c->s->delegation.id, sizeof c->s->delegation.id, "%s", d.id);
  snprintf(c->s->delegation.name, sizeof c->s->delegation.name, "%s", d.name);
  c->s->delegation.kind = d.kind;
  c->s->authed = true;
  ev_timer_stop(pl_srv->loop, &c->s->hello_timer);
  c->result = json_pack("{s:o, s:o, s:I, s:s}", "participant", pl_json_participant(&p),
                        "delegation", pl_json_delegation(&d), "server_time",
                        (json_int_t)c->now, "feed", feed);
  return PL_ERR_OK;
}

pl_err pl_op_delegation_create(pl_op_ctx *c, json_t *args) {
  const char *name, *kind, *tz, *group = NULL;
  pl_err e = pl_op_require_role(c, PL_ROLE_BIT(PL_ROLE_SECRETARIAT), "create delegations");
  if (e || (e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s?s}", "name", &name, "kind", &kind,
                             "tz", &tz, "group", &group)))
    return e;
  pl_delegation_rec d = {.group = -1};
  int k = PL_ENUM_PARSE(pl_delegation_kind, kind);
  if (k < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'kind' has an unknown value '%.40s'", kind);
  d.kind = (pl_delegation_kind)k;
  if (!*name || strlen(name) >= sizeof d.name)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'name' must be 1 to %zu bytes",
                      sizeof d.name - 1);
  if (!pl_tz_is_known(tz))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'tz': unknown time zone '%.64s'", tz);
  if (group) {
    d.group = PL_ENUM_PARSE(pl_group, group);
    if (d.group < 0)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'group' has an unknown value '%.40s'",
                        group);
    if (d.kind != PL_DELEGATION_STATE)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'group' is for States only; this delegation is a %s", kind);
  } else if (d.kind == PL_DELEGATION_STATE) {
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'group' is missing (a State needs its "
                                             "regional group)");
  }
  snprintf(d.name, sizeof d.name, "%s", name);
  snprintf(d.tz, sizeof d.tz, "%s", tz);
  if (pl_store_delegation_insert(pl_srv->store, &d))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  c->result = json_pack("{s:o}", "delegation", pl_json_delegation(&d));
  return PL_ERR_OK;
}

static int list_one(void *ctx, const pl_delegation_rec *d) {
  return json_array_append_new(ctx, pl_json_delegation(d));
}

pl_err pl_op_delegation_list(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  json_t *list = json_array();
  if (pl_store_delegation_each(pl_srv->store, list_one, list)) {
    json_decref(list);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o}", "delegations", list);
  return PL_ERR_OK;
}

/* Roles a delegation of each kind may hold: a State sends delegates, an
 * observer body observers; anyone may be a viewer; the secretariat's own
 * delegation holds the chair and the secretariat. */
static bool role_fits(pl_role role, pl_delegation_kind kind) {
  switch (role) {
  case PL_ROLE_VIEWER: return true;
  case PL_ROLE_DELEGATE: return kind == PL_DELEGATION_STATE;
  case PL_ROLE_OBSERVER:
    return kind != PL_DELEGATION_STATE && kind != PL_DELEGATION_SECRETARIAT;
  case PL_ROLE_CHAIR: return kind == PL_DELEGATION_SECRETARIAT || kind == PL_DELEGATION_STATE;
  case PL_ROLE_SECRETARIAT: return kind == PL_DELEGATION_SECRETARIAT;
  }
  return false;
}

int pl_participant_create(pl_participant_rec *p, char *token, size_t token_len, char *feed,
                          size_t feed_len) {
  uint8_t hash[PL_HASH_LEN];
  if (pl_token_new(token, token_len, 32) || pl_token_new(feed, feed_len, 16))
    return -1;
  pl_token_hash(token, hash);
  return pl_store_participant_insert(pl_srv->store, p, hash, feed);
}

pl_err pl_op_participant_invite(pl_op_ctx *c, json_t *args) {
  const char *delegation, *name, *role;
  pl_err e = pl_op_require_role(c, PL_ROLE_BIT(PL_ROLE_SECRETARIAT), "invite participants");
  if (e || (e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s}", "delegation", &delegation, "name",
                             &name, "role", &role)))
    return e;
  pl_participant_rec p = {0};
  pl_delegation_rec d;
  int r = PL_ENUM_PARSE(pl_role, role);
  if (r < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'role' has an unknown value '%.40s'", role);
  if (!*name || strlen(name) >= sizeof p.name)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'name' must be 1 to %zu bytes",
                      sizeof p.name - 1);
  int rc = pl_store_delegation_get(pl_srv->store, delegation, &d);
  if (rc < 0)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (rc == 1)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", delegation);
  if (!role_fits((pl_role)r, d.kind))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'role': a %s cannot belong to a "
                      "delegation of kind %s", role, PL_ENUM_NAME(pl_delegation_kind, d.kind));
  p.role = (pl_role)r;
  snprintf(p.name, sizeof p.name, "%s", name);
  snprintf(p.delegation, sizeof p.delegation, "%s", d.id);
  char token[PL_TOKEN_LEN], feed[PL_FEED_LEN];
  if (pl_participant_create(&p, token, sizeof token, feed, sizeof feed))
    return pl_op_fail(c, PL_ERR_INTERNAL, "could not create the participant");
  c->result = json_pack("{s:o, s:s, s:s}", "participant", pl_json_participant(&p), "token",
                        token, "feed", feed);
  return PL_ERR_OK;
}
