/* The portal's library over WebSocket (ops_documents.h). */
#include "ops/ops_documents.h"

#include <string.h>

#include "base/server.h"
#include "core/portal.h"
#include "store/portal.h"

static bool may_read(const pl_op_ctx *c, json_t *doc) {
  int vis = PL_ENUM_PARSE(pl_visibility, json_string_value(json_object_get(doc, "visibility")));
  return vis >= 0 &&
         pl_portal_may_read(c->s->who.role, c->s->delegation.kind, (pl_visibility)vis);
}

/* The document `id` if the session may read it (a new reference), or NULL
 * with the error in c: one it may not read is not found, as if absent. */
static json_t *readable(pl_op_ctx *c, const char *id, pl_err *e) {
  json_t *doc = NULL;
  pl_store_rc rc = pl_store_document_get(pl_srv->store, id, &doc);
  if (rc == PL_STORE_OK && may_read(c, doc))
    return doc;
  json_decref(doc);
  *e = rc == PL_STORE_OK || rc == PL_STORE_NOT_FOUND
           ? pl_op_fail(c, PL_ERR_NOT_FOUND, "no document '%.40s'", id)
           : pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  return NULL;
}

pl_err pl_op_document_get(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "document", &id);
  json_t *doc = e ? NULL : readable(c, id, &e), *all = NULL, *versions = json_array();
  if (!doc) {
    json_decref(versions);
    return e;
  }
  if (pl_store_document_versions(pl_srv->store, json_string_value(json_object_get(doc, "family")),
                                 &all) != PL_STORE_OK) {
    json_decref(doc);
    json_decref(all);
    json_decref(versions);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  /* The versions one may read: a State's translation stays a State's. */
  size_t i;
  json_t *v;
  json_array_foreach(all, i, v) {
    pl_err ignored;
    json_t *other = readable(c, json_string_value(json_object_get(v, "id")), &ignored);
    if (other)
      json_array_append(versions, v);
    json_decref(other);
  }
  c->msg[0] = '\0';
  json_decref(all);
  c->result = json_pack("{s:o, s:o}", "document", doc, "versions", versions);
  return PL_ERR_OK;
}

pl_err pl_op_document_withdraw(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "document", &id);
  json_t *doc = e ? NULL : readable(c, id, &e);
  if (!doc)
    return e;
  const char *owner = json_string_value(json_object_get(json_object_get(doc, "delegation"), "id"));
  bool sec = pl_portal_is_secretariat(c->s->who.role, c->s->delegation.kind);
  if (!sec && (!owner || strcmp(owner, c->s->delegation.id) != 0)) {
    json_decref(doc);
    return pl_op_fail(c, PL_ERR_FORBIDDEN,
                      "only its own delegation or the secretariat withdraws a document");
  }
  if (json_is_true(json_object_get(doc, "withdrawn"))) {
    json_decref(doc);
    return pl_op_fail(c, PL_ERR_CONFLICT, "document '%.40s' is already withdrawn", id);
  }
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_DOCUMENT_WITHDRAWN};
  snprintf(ev.target, sizeof ev.target, "%s", id);
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch))) {
    json_decref(doc);
    return e;
  }
  json_object_set_new(doc, "withdrawn", json_true());
  c->result = json_pack("{s:o}", "document", doc);
  return PL_ERR_OK;
}

/* An optional enumerated filter: absent, or one of its names. */
static pl_err enum_filter(pl_op_ctx *c, const char *field, const char *v,
                          const char *const names[], size_t count) {
  if (v && pl_enum_parse(names, count, v) < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field '%s' has an unknown value '%.40s'", field,
                      v);
  return PL_ERR_OK;
}

pl_err pl_op_documents_search(pl_op_ctx *c, json_t *args) {
  pl_doc_query q = {.limit = 50};
  pl_err e = PL_OP_UNPACK(c, args, "{s?s, s?s, s?s, s?s, s?s, s?s, s?i}", "q", &q.q, "kind",
                          &q.kind, "pillar", &q.pillar, "language", &q.language, "meeting",
                          &q.meeting, "delegation", &q.delegation, "limit", &q.limit);
  if (e || (e = enum_filter(c, "kind", q.kind, pl_doc_kind_names, pl_doc_kind_count)) ||
      (e = enum_filter(c, "pillar", q.pillar, pl_pillar_names, pl_pillar_count)) ||
      (e = enum_filter(c, "language", q.language, pl_language_names, pl_language_count)))
    return e;
  if (q.q && strlen(q.q) > 500)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'q' is over 500 bytes");
  if (q.limit < 1 || q.limit > 200)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'limit' must be 1 to 200");
  q.states = pl_portal_may_read(c->s->who.role, c->s->delegation.kind, PL_VIS_STATES);
  json_t *found = NULL;
  if (pl_store_document_search(pl_srv->store, &q, &found) != PL_STORE_OK) {
    json_decref(found);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o}", "documents", found);
  return PL_ERR_OK;
}
