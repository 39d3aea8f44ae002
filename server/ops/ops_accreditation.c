/*
 * Accreditation of observers "on a non-objection basis upon application"
 * (ops_procedure.h): the secretariat issues a one-time link, an
 * organization applies through it, and a silence procedure decides
 * (procedure.start with kind accreditation). The link's token is kept as
 * its hash only, like a participant's.
 */
#include <stdio.h>
#include <string.h>

#include "cal/tz.h"
#include "live/decisions.h"
#include "ops/ops_procedure.h"
#include "wire/decision_json.h"

pl_err pl_op_accreditation_link(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  char token[PL_TOKEN_LEN];
  if (pl_token_new(token, sizeof token, 32))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the random generator failed");
  pl_pevent ev = {.type = PL_PEV_APPLICATION_LINK};
  pl_id_format(ev.link, sizeof ev.link, 'l', (int64_t)pl_decisions_get()->n_links + 1);
  pl_token_hash(token, ev.token_hash);
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  char path[128];
  snprintf(path, sizeof path, "/apply.html#token=%s", token);
  c->result = json_pack("{s:s, s:s, s:s}", "link", ev.link, "token", token, "path", path);
  return PL_ERR_OK;
}

/* A session that said hello with an application link. */
void pl_applicant_hello(pl_session *s, const pl_app_link *l) {
  pl_op_session_nobody(s, l->id, "Applicant");
  s->applicant = true; /* the dispatcher sees it before the role */
}

static pl_err field(pl_op_ctx *c, const char *name, const char *v, char *buf, size_t len,
                    bool required) {
  if (!v || !*v) {
    if (required)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field '%s' must not be empty", name);
    buf[0] = '\0';
    return PL_ERR_OK;
  }
  if (strlen(v) >= len)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field '%s' is longer than %zu bytes", name,
                      len - 1);
  memcpy(buf, v, strlen(v) + 1);
  return PL_ERR_OK;
}

pl_err pl_op_accreditation_apply(pl_op_ctx *c, json_t *args) {
  const char *name, *kind, *tz, *contact, *justification, *website = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s:s, s:s, s?s}", "name", &name, "kind",
                          &kind, "tz", &tz, "contact", &contact, "justification",
                          &justification, "website", &website);
  if (e)
    return e;
  long li = pl_id_parse(c->s->who.id, 'l') - 1;
  pl_decisions *d = pl_decisions_get();
  if (li < 0 || (size_t)li >= d->n_links || d->links[li].used)
    return pl_op_fail(c, PL_ERR_CONFLICT, "this link has been used to apply already");
  pl_application_rec a;
  memset(&a, 0, sizeof a);
  int k = PL_ENUM_PARSE(pl_delegation_kind, kind);
  if (k != PL_DELEGATION_ORGANIZATION && k != PL_DELEGATION_NGO && k != PL_DELEGATION_EXPERT)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'kind' must be organization, ngo or expert");
  if (!pl_tz_is_known(tz))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'tz': unknown time zone '%.64s'", tz);
  if ((e = field(c, "name", name, a.name, sizeof a.name, true)) ||
      (e = field(c, "contact", contact, a.contact, sizeof a.contact, true)) ||
      (e = field(c, "justification", justification, a.justification,
                 sizeof a.justification, true)) ||
      (e = field(c, "website", website, a.website, sizeof a.website, false)) ||
      (e = field(c, "tz", tz, a.tz, sizeof a.tz, true)))
    return e;
  if (a.website[0] && strncmp(a.website, "https://", 8) != 0 &&
      strncmp(a.website, "http://", 7) != 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'website' must be an http(s) address");
  a.kind = (pl_delegation_kind)k;
  a.at = c->now;
  pl_id_format(a.id, sizeof a.id, 'a', (int64_t)d->n_apps + 1);
  snprintf(a.link, sizeof a.link, "%s", c->s->who.id);
  pl_pevent ev = {.type = PL_PEV_APPLICATION_RECEIVED, .app = &a};
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o}", "application", pl_decisions_app_json(&a, true));
  return PL_ERR_OK;
}

pl_err pl_op_accreditation_list(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  pl_decisions *d = pl_decisions_get();
  json_t *list = json_array();
  for (size_t i = 0; i < d->n_apps; i++)
    json_array_append_new(list, pl_decisions_app_json(&d->apps[i], true));
  c->result = json_pack("{s:o}", "applications", list);
  return PL_ERR_OK;
}
