/*
 * Ops of identity and administration (ops_admin.h). Each change goes
 * through the commit path as programme events: delegation.created or
 * .updated; participant.invited with token.issued and feed.issued;
 * token.reissued; token.revoked; feed.issued again for a rotated feed key.
 * Reissuing or revoking a token closes the participant's open connections as
 * soon as it commits.
 */
#include "ops/ops_admin.h"

#include <string.h>

#include "base/server.h"
#include "cal/tz.h"
#include "live/screens.h"
#include "ops/ops_procedure.h"
#include "ops/ops_screen.h"
#include "store/store.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"

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
  pl_store_rc rc = pl_store_participant_by_token(pl_srv->store, hash, &p);
  const pl_app_link *link = rc == PL_STORE_NOT_FOUND ? pl_decisions_link_by_hash(hash) : NULL;
  pl_live *screen = rc == PL_STORE_NOT_FOUND && !link ? pl_screens_by_hash(hash) : NULL;
  if (screen) {
    pl_screen_hello(c->s, screen);
    ev_timer_stop(pl_srv->loop, &c->s->hello_timer);
    c->result = json_pack("{s:{s:s, s:s}, s:I}", "screen", "meeting", screen->rec.id, "title",
                          screen->rec.title, "server_time", (json_int_t)c->now);
    return PL_ERR_OK;
  }
  if (link && link->used)
    return pl_op_fail(c, PL_ERR_UNAUTHENTICATED, "this application link has been used");
  if (link) {
    pl_applicant_hello(c->s, link);
    ev_timer_stop(pl_srv->loop, &c->s->hello_timer);
    c->result = json_pack("{s:{s:s}, s:I}", "applicant", "link", link->id, "server_time",
                          (json_int_t)c->now);
    return PL_ERR_OK;
  }
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_UNAUTHENTICATED, "the token is not valid");
  if (rc != PL_STORE_OK || pl_store_delegation_get(pl_srv->store, p.delegation, &d) != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  char feed[PL_FEED_LEN + 8] = "";
  pl_store_participant_feed(pl_srv->store, p.id, feed, sizeof feed);
  c->s->who = p;
  snprintf(c->s->delegation.id, sizeof c->s->delegation.id, "%s", d.id);
  snprintf(c->s->delegation.name, sizeof c->s->delegation.name, "%s", d.name);
  c->s->delegation.kind = d.kind;
  c->s->authed = true;
  ev_timer_stop(pl_srv->loop, &c->s->hello_timer);
  c->result = json_pack("{s:o, s:o, s:I, s:s, s:I}", "participant", pl_json_participant(&p),
                        "delegation", pl_json_delegation(&d), "server_time",
                        (json_int_t)c->now, "feed", feed, "programme_seq",
                        (json_int_t)pl_srv->prog.seq);
  return PL_ERR_OK;
}

/* Validates the fields a delegation's create or update gives onto *d. */
static pl_err delegation_fields(pl_op_ctx *c, pl_delegation_rec *d, const char *name,
                                const char *tz, const char *group, bool group_given) {
  if (name && (!*name || strlen(name) >= sizeof d->name))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'name' must be 1 to %zu bytes",
                      sizeof d->name - 1);
  if (tz && !pl_tz_is_known(tz))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'tz': unknown time zone '%.64s'", tz);
  if (group) {
    int g = PL_ENUM_PARSE(pl_group, group);
    if (g < 0)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'group' has an unknown value '%.40s'",
                        group);
    if (d->kind != PL_DELEGATION_STATE)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'group' is for States only; this delegation is a %s",
                        PL_ENUM_NAME(pl_delegation_kind, d->kind));
    d->group = g;
  } else if (group_given && d->kind == PL_DELEGATION_STATE) {
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'group' is missing (a State needs its "
                                             "regional group)");
  }
  if (name)
    snprintf(d->name, sizeof d->name, "%s", name);
  if (tz)
    snprintf(d->tz, sizeof d->tz, "%s", tz);
  return PL_ERR_OK;
}

void pl_delegation_prepare(pl_change *ch, pl_delegation_rec *d) {
  pl_change_new_id(ch, 'd', d->id, sizeof d->id);
  pl_pevent ev = {.type = PL_PEV_DELEGATION_CREATED, .delegation = *d};
  pl_change_programme(ch, &ev);
}

pl_err pl_op_delegation_create(pl_op_ctx *c, json_t *args) {
  const char *name, *kind, *tz, *group = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s?s}", "name", &name, "kind", &kind,
                          "tz", &tz, "group", &group);
  if (e)
    return e;
  pl_delegation_rec d = {.group = -1};
  int k = PL_ENUM_PARSE(pl_delegation_kind, kind);
  if (k < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'kind' has an unknown value '%.40s'", kind);
  d.kind = (pl_delegation_kind)k;
  if ((e = delegation_fields(c, &d, name, tz, group, true)))
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_delegation_prepare(&ch, &d);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o}", "delegation", pl_json_delegation(&d));
  return PL_ERR_OK;
}

pl_err pl_op_delegation_update(pl_op_ctx *c, json_t *args) {
  const char *id, *name = NULL, *tz = NULL, *group = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s?s, s?s, s?s}", "delegation", &id, "name", &name,
                          "tz", &tz, "group", &group);
  if (e)
    return e;
  pl_delegation_rec d;
  pl_store_rc rc = pl_store_delegation_get(pl_srv->store, id, &d);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", id);
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if ((e = delegation_fields(c, &d, name, tz, group, false)))
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_DELEGATION_UPDATED, .delegation = d};
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
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
  if (pl_store_delegation_each(pl_srv->store, list_one, list) != PL_STORE_OK) {
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
  /* Interpreters are conference services, as the secretariat is. */
  case PL_ROLE_INTERPRETER: return kind == PL_DELEGATION_SECRETARIAT;
  }
  return false;
}

pl_err pl_invite_prepare(pl_change *ch, pl_participant_rec *p, char token[PL_TOKEN_LEN],
                         char feed[PL_FEED_LEN]) {
  if (pl_token_new(token, PL_TOKEN_LEN, 32) || pl_token_new(feed, PL_FEED_LEN, 16))
    return PL_ERR_INTERNAL;
  pl_change_new_id(ch, 'p', p->id, sizeof p->id);
  pl_pevent invited = {.type = PL_PEV_PARTICIPANT_INVITED, .participant = *p};
  pl_pevent issued = {.type = PL_PEV_TOKEN_ISSUED, .participant = *p};
  pl_pevent keyed = {.type = PL_PEV_FEED_ISSUED, .participant = *p};
  pl_token_hash(token, issued.token_hash);
  snprintf(keyed.feed, sizeof keyed.feed, "%s", feed);
  pl_change_programme(ch, &invited);
  pl_change_programme(ch, &issued);
  pl_change_programme(ch, &keyed);
  return PL_ERR_OK;
}

pl_err pl_op_participant_invite(pl_op_ctx *c, json_t *args) {
  const char *delegation, *name, *role, *language = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s?s}", "delegation", &delegation, "name",
                          &name, "role", &role, "language", &language);
  if (e)
    return e;
  pl_participant_rec p = {0};
  pl_delegation_rec d;
  int r = PL_ENUM_PARSE(pl_role, role);
  if (r < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'role' has an unknown value '%.40s'", role);
  if (!*name || strlen(name) >= sizeof p.name)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'name' must be 1 to %zu bytes",
                      sizeof p.name - 1);
  pl_store_rc rc = pl_store_delegation_get(pl_srv->store, delegation, &d);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", delegation);
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (!role_fits((pl_role)r, d.kind))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'role': a %s cannot belong to a "
                      "delegation of kind %s", role, PL_ENUM_NAME(pl_delegation_kind, d.kind));
  /* An interpreter works into one language, and only an interpreter has one. */
  if ((r == PL_ROLE_INTERPRETER) != (language != NULL))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, r == PL_ROLE_INTERPRETER
                                                 ? "field 'language' is missing (an interpreter's language)"
                                                 : "field 'language' is for interpreters only");
  if (language && !pl_language_is_tag(language))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'language' must be a language tag such as \"fr\" or \"zh-Hans\"");
  if (language)
    snprintf(p.language, sizeof p.language, "%s", language);
  p.role = (pl_role)r;
  snprintf(p.name, sizeof p.name, "%s", name);
  snprintf(p.delegation, sizeof p.delegation, "%s", d.id);
  char token[PL_TOKEN_LEN], feed[PL_FEED_LEN];
  pl_change ch;
  pl_change_init(&ch, c->now);
  if (pl_invite_prepare(&ch, &p, token, feed) != PL_ERR_OK) {
    pl_change_release(&ch);
    return pl_op_fail(c, PL_ERR_INTERNAL, "could not make a token");
  }
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o, s:s, s:s}", "participant", pl_json_participant(&p), "token",
                        token, "feed", feed);
  return PL_ERR_OK;
}

/* The participant an op names in `participant`. */
static pl_err find_participant(pl_op_ctx *c, json_t *args, pl_participant_rec *p) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "participant", &id);
  if (e)
    return e;
  pl_store_rc rc = pl_store_participant_get(pl_srv->store, id, p);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no participant '%.40s'", id);
  return rc == PL_STORE_OK ? PL_ERR_OK : pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
}

pl_err pl_op_participant_reissue(pl_op_ctx *c, json_t *args) {
  pl_participant_rec p;
  pl_err e = find_participant(c, args, &p);
  if (e)
    return e;
  char token[PL_TOKEN_LEN];
  if (pl_token_new(token, sizeof token, 32))
    return pl_op_fail(c, PL_ERR_INTERNAL, "could not make a token");
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_TOKEN_REISSUED, .participant = p};
  pl_token_hash(token, ev.token_hash);
  pl_change_programme(&ch, &ev);
  pl_change_close_sessions(&ch, p.id);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o, s:s}", "participant", pl_json_participant(&p), "token", token);
  return PL_ERR_OK;
}

pl_err pl_op_participant_revoke(pl_op_ctx *c, json_t *args) {
  pl_participant_rec p;
  pl_err e = find_participant(c, args, &p);
  if (e)
    return e;
  if (strcmp(p.id, c->s->who.id) == 0)
    return pl_op_fail(c, PL_ERR_CONFLICT, "you may not revoke your own token");
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_TOKEN_REVOKED, .participant = p};
  pl_change_programme(&ch, &ev);
  pl_change_close_sessions(&ch, p.id);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o}", "participant", pl_json_participant(&p));
  return PL_ERR_OK;
}

static int participant_one(void *ctx, const pl_participant_rec *p, bool active) {
  json_t *o = pl_json_participant(p);
  json_object_set_new(o, "active", json_boolean(active));
  return json_array_append_new(ctx, o);
}

pl_err pl_op_participant_list(pl_op_ctx *c, json_t *args) {
  const char *delegation = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s?s}", "delegation", &delegation);
  if (e)
    return e;
  pl_delegation_rec d;
  if (delegation) {
    pl_store_rc rc = pl_store_delegation_get(pl_srv->store, delegation, &d);
    if (rc == PL_STORE_NOT_FOUND)
      return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", delegation);
    if (rc != PL_STORE_OK)
      return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  json_t *list = json_array();
  if (pl_store_participant_each(pl_srv->store, delegation, participant_one, list) !=
      PL_STORE_OK) {
    json_decref(list);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o}", "participants", list);
  return PL_ERR_OK;
}

/* A new feed key is one more feed.issued: the view keeps the last, so the
 * old key finds nobody and its URL answers 404. The token is untouched, so
 * no connection closes. */
pl_err pl_op_participant_feed_rotate(pl_op_ctx *c, json_t *args) {
  pl_participant_rec p;
  pl_err e = find_participant(c, args, &p);
  if (e)
    return e;
  pl_pevent ev = {.type = PL_PEV_FEED_ISSUED, .participant = p};
  if (pl_token_new(ev.feed, sizeof ev.feed, 16))
    return pl_op_fail(c, PL_ERR_INTERNAL, "could not make a feed key");
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o, s:s}", "participant", pl_json_participant(&p), "feed", ev.feed);
  return PL_ERR_OK;
}
