/*
 * Programme events to and from JSON (pevent_json.h). The decoder serves the
 * rebuild of the views from the log, so it checks every field it reads: a
 * damaged or foreign row is reported, never half-applied.
 */
#include "wire/pevent_json.h"

#include <stdio.h>
#include <string.h>

#include "wire/codec.h"
#include "wire/decision_json.h"
#include "wire/meeting_json.h"
#include "wire/webhook_json.h"

json_t *pl_json_group(const pl_group_def *g) {
  json_t *members = json_array();
  for (size_t i = 0; members && i < g->n_members; i++)
    json_array_append_new(members, json_string(g->members[i]));
  return json_pack("{s:s, s:s, s:s?, s:o}", "id", g->id, "name", g->name, "coordinator",
                   g->coordinator[0] ? g->coordinator : NULL, "members", members);
}
#include "wire/portal_json.h"

static json_t *payload(const pl_pevent *ev) {
  char hex[PL_HASH_HEX_LEN];
  switch (ev->type) {
  case PL_PEV_DELEGATION_CREATED:
  case PL_PEV_DELEGATION_UPDATED:
    return json_pack("{s:o}", "delegation", pl_json_delegation(&ev->delegation));
  case PL_PEV_PARTICIPANT_INVITED:
    return json_pack("{s:o}", "participant", pl_json_participant(&ev->participant));
  case PL_PEV_TOKEN_ISSUED:
  case PL_PEV_TOKEN_REISSUED:
    pl_token_hash_hex(ev->token_hash, hex);
    return json_pack("{s:s, s:s}", "participant", ev->participant.id, "token_hash", hex);
  case PL_PEV_TOKEN_REVOKED:
    return json_pack("{s:s}", "participant", ev->participant.id);
  case PL_PEV_FEED_ISSUED:
    return json_pack("{s:s, s:s}", "participant", ev->participant.id, "feed", ev->feed);
  case PL_PEV_MEETING_CREATED:
  case PL_PEV_MEETING_UPDATED:
  case PL_PEV_MEETING_CANCELLED:
  case PL_PEV_MEETING_IMPORTED:
  case PL_PEV_MEETING_PLANNED:
    return ev->meeting ? json_pack("{s:o}", "meeting", pl_json_meeting(ev->meeting)) : NULL;
  case PL_PEV_WEBHOOK_CREATED:
  case PL_PEV_WEBHOOK_DELETED:
    return pl_json_webhook_payload(ev);
  case PL_PEV_GROUP_CREATED:
  case PL_PEV_GROUP_UPDATED:
    return ev->group ? json_pack("{s:o}", "group", pl_json_group(ev->group)) : NULL;
  case PL_PEV_PARTICIPANT_RANKED:
    return json_pack("{s:s, s:s}", "participant", ev->participant.id, "rank",
                     PL_ENUM_NAME(pl_rank, ev->rank));
  case PL_PEV_DOCUMENT_UPLOADED:
  case PL_PEV_DOCUMENT_WITHDRAWN:
  case PL_PEV_REPORT_SUBMITTED:
  case PL_PEV_REPORT_ROTATION:
  case PL_PEV_REPORT_REMINDER:
    return pl_json_portal_payload(ev);
  case PL_PEV_SCREEN_ISSUED:
    pl_token_hash_hex(ev->token_hash, hex);
    return json_pack("{s:s, s:s}", "meeting", ev->screen, "token_hash", hex);
  case PL_PEV_SCREEN_REVOKED:
    return json_pack("{s:s}", "meeting", ev->screen);
  default: /* the decisions: wire/decision_json.c */
    return pl_json_decision_payload(ev);
  case PL_PEV__COUNT:
    break;
  }
  return NULL;
}

json_t *pl_json_pevent(const pl_pevent *ev, uint64_t seq) {
  if ((unsigned)ev->type >= PL_PEV__COUNT)
    return NULL;
  json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "ev", pl_pevent_names[ev->type], "stream",
                        PL_PROGRAMME_STREAM, "seq", (json_int_t)seq, "at", (json_int_t)ev->at);
  json_t *p = payload(ev);
  if (!o || !p || json_object_update(o, p)) {
    json_decref(o);
    o = NULL;
  }
  json_decref(p);
  return o;
}

static pl_err bad(char *msg, size_t msglen, const char *what, const char *field) {
  snprintf(msg, msglen, "%s: field '%s' is missing or malformed", what, field);
  return PL_ERR_BAD_REQUEST;
}

/* A string field into a fixed buffer: present, non-empty, and fits. */
static bool copy_field(json_t *o, const char *key, char *buf, size_t len) {
  const char *s = json_string_value(json_object_get(o, key));
  if (!s || !*s || strlen(s) >= len)
    return false;
  memcpy(buf, s, strlen(s) + 1);
  return true;
}

static pl_err delegation_from_json(json_t *d, pl_delegation_rec *out, const char *what,
                                   char *msg, size_t msglen) {
  memset(out, 0, sizeof *out);
  int kind = PL_ENUM_PARSE(pl_delegation_kind, json_string_value(json_object_get(d, "kind")));
  json_t *g = json_object_get(d, "group");
  out->group = g && !json_is_null(g) ? PL_ENUM_PARSE(pl_group, json_string_value(g)) : -1;
  if (!json_is_object(d))
    return bad(msg, msglen, what, "delegation");
  if (!copy_field(d, "id", out->id, sizeof out->id))
    return bad(msg, msglen, what, "delegation.id");
  if (!copy_field(d, "name", out->name, sizeof out->name))
    return bad(msg, msglen, what, "delegation.name");
  if (!copy_field(d, "tz", out->tz, sizeof out->tz))
    return bad(msg, msglen, what, "delegation.tz");
  if (kind < 0)
    return bad(msg, msglen, what, "delegation.kind");
  if (g && !json_is_null(g) && out->group < 0)
    return bad(msg, msglen, what, "delegation.group");
  out->kind = (pl_delegation_kind)kind;
  return PL_ERR_OK;
}

static pl_err participant_from_json(json_t *p, pl_participant_rec *out, const char *what,
                                    char *msg, size_t msglen) {
  memset(out, 0, sizeof *out);
  int role = PL_ENUM_PARSE(pl_role, json_string_value(json_object_get(p, "role")));
  if (!json_is_object(p))
    return bad(msg, msglen, what, "participant");
  if (!copy_field(p, "id", out->id, sizeof out->id))
    return bad(msg, msglen, what, "participant.id");
  if (!copy_field(p, "name", out->name, sizeof out->name))
    return bad(msg, msglen, what, "participant.name");
  if (!copy_field(p, "delegation", out->delegation, sizeof out->delegation))
    return bad(msg, msglen, what, "participant.delegation");
  if (role < 0)
    return bad(msg, msglen, what, "participant.role");
  out->role = (pl_role)role;
  json_t *lang = json_object_get(p, "language");
  if (lang && !copy_field(p, "language", out->language, sizeof out->language))
    return bad(msg, msglen, what, "participant.language");
  return PL_ERR_OK;
}

static pl_err group_from_json(json_t *g, pl_group_def *out, const char *what, char *msg,
                              size_t msglen) {
  memset(out, 0, sizeof *out);
  json_t *members = json_object_get(g, "members");
  json_t *coord = json_object_get(g, "coordinator");
  if (!json_is_object(g))
    return bad(msg, msglen, what, "group");
  if (!copy_field(g, "id", out->id, sizeof out->id) || pl_id_parse(out->id, 'g') < 0)
    return bad(msg, msglen, what, "group.id");
  if (!copy_field(g, "name", out->name, sizeof out->name))
    return bad(msg, msglen, what, "group.name");
  if (coord && !json_is_null(coord) &&
      !copy_field(g, "coordinator", out->coordinator, sizeof out->coordinator))
    return bad(msg, msglen, what, "group.coordinator");
  if (!json_is_array(members) || json_array_size(members) > PL_MAX_GROUP_MEMBERS)
    return bad(msg, msglen, what, "group.members");
  size_t i;
  json_t *v;
  json_array_foreach(members, i, v) {
    const char *id = json_string_value(v);
    if (!id || !*id || strlen(id) >= PL_ID_LEN)
      return bad(msg, msglen, what, "group.members");
    memcpy(out->members[out->n_members++], id, strlen(id) + 1);
  }
  return PL_ERR_OK;
}

pl_err pl_pevent_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *bufs, char *msg,
                           size_t msglen) {
  pl_meeting_rec *meeting = &bufs->meeting;
  memset(out, 0, sizeof *out);
  const char *name = json_string_value(json_object_get(o, "ev"));
  int type = pl_pevent_parse(name);
  if (type < 0) {
    snprintf(msg, msglen, "not a programme event: '%.40s'", name ? name : "");
    return PL_ERR_BAD_REQUEST;
  }
  out->type = (pl_pevent_type)type;
  out->at = json_integer_value(json_object_get(o, "at"));
  const char *what = pl_pevent_names[type];
  switch (out->type) {
  case PL_PEV_DELEGATION_CREATED:
  case PL_PEV_DELEGATION_UPDATED:
    return delegation_from_json(json_object_get(o, "delegation"), &out->delegation, what, msg,
                                msglen);
  case PL_PEV_PARTICIPANT_INVITED:
    return participant_from_json(json_object_get(o, "participant"), &out->participant, what,
                                 msg, msglen);
  case PL_PEV_TOKEN_ISSUED:
  case PL_PEV_TOKEN_REISSUED:
    if (pl_token_hash_from_hex(json_string_value(json_object_get(o, "token_hash")),
                               out->token_hash))
      return bad(msg, msglen, what, "token_hash");
    __attribute__((fallthrough)); /* and the participant's id */
  case PL_PEV_TOKEN_REVOKED:
    return copy_field(o, "participant", out->participant.id, sizeof out->participant.id)
               ? PL_ERR_OK
               : bad(msg, msglen, what, "participant");
  case PL_PEV_FEED_ISSUED:
    if (!copy_field(o, "feed", out->feed, sizeof out->feed))
      return bad(msg, msglen, what, "feed");
    return copy_field(o, "participant", out->participant.id, sizeof out->participant.id)
               ? PL_ERR_OK
               : bad(msg, msglen, what, "participant");
  case PL_PEV_MEETING_CREATED:
  case PL_PEV_MEETING_UPDATED:
  case PL_PEV_MEETING_CANCELLED:
  case PL_PEV_MEETING_IMPORTED:
  case PL_PEV_MEETING_PLANNED: {
    json_t *mj = json_object_get(o, "meeting");
    char why[200];
    if (pl_meeting_init_defaults(meeting)) {
      snprintf(msg, msglen, "out of memory");
      return PL_ERR_INTERNAL;
    }
    if (!json_is_object(mj) ||
        pl_meeting_from_json(meeting, mj, PL_MEETING_LOAD, why, sizeof why) != PL_ERR_OK ||
        !meeting->id[0]) {
      if (!json_is_object(mj))
        snprintf(why, sizeof why, "no object");
      snprintf(msg, msglen, "%s: field 'meeting': %s", what, why);
      return PL_ERR_BAD_REQUEST;
    }
    out->meeting = meeting;
    return PL_ERR_OK;
  }
  case PL_PEV_WEBHOOK_CREATED:
  case PL_PEV_WEBHOOK_DELETED:
    return pl_webhook_event_from_json(o, out, bufs, msg, msglen);
  case PL_PEV_GROUP_CREATED:
  case PL_PEV_GROUP_UPDATED:
    out->group = &bufs->group;
    return group_from_json(json_object_get(o, "group"), &bufs->group, what, msg, msglen);
  case PL_PEV_PARTICIPANT_RANKED: {
    int rank = PL_ENUM_PARSE(pl_rank, json_string_value(json_object_get(o, "rank")));
    if (rank < 0)
      return bad(msg, msglen, what, "rank");
    out->rank = (pl_rank)rank;
    return copy_field(o, "participant", out->participant.id, sizeof out->participant.id)
               ? PL_ERR_OK
               : bad(msg, msglen, what, "participant");
  }
  case PL_PEV_DOCUMENT_UPLOADED:
  case PL_PEV_DOCUMENT_WITHDRAWN:
  case PL_PEV_REPORT_SUBMITTED:
  case PL_PEV_REPORT_ROTATION:
  case PL_PEV_REPORT_REMINDER:
    return pl_portal_from_json(o, out, bufs, msg, msglen);
  case PL_PEV_SCREEN_ISSUED:
    if (pl_token_hash_from_hex(json_string_value(json_object_get(o, "token_hash")),
                               out->token_hash))
      return bad(msg, msglen, what, "token_hash");
    __attribute__((fallthrough)); /* and the meeting */
  case PL_PEV_SCREEN_REVOKED:
    return copy_field(o, "meeting", out->screen, sizeof out->screen)
               ? PL_ERR_OK
               : bad(msg, msglen, what, "meeting");
  default: /* the decisions: wire/decision_json.c */
    return pl_decision_from_json(o, out, bufs, msg, msglen);
  case PL_PEV__COUNT:
    break;
  }
  return PL_ERR_BAD_REQUEST;
}
