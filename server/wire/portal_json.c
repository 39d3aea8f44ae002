/* The portal's records to and from JSON (portal_json.h). */
#include "wire/portal_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/codec.h"

static json_t *delegation_ref(const char *id, const char *name) {
  return json_pack("{s:s, s:s}", "id", id, "name", name);
}

static json_t *document_fields(const pl_document_rec *d) {
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s, s:o, s:s, s:s, s:s?, s:s?, s:I, s:s?, s:s?, "
      "s:s, s:b, s:I}",
      "id", d->id, "title", d->title, "kind", PL_ENUM_NAME(pl_doc_kind, d->kind), "pillar",
      d->pillar >= 0 ? PL_ENUM_NAME(pl_pillar, d->pillar) : NULL, "language",
      PL_ENUM_NAME(pl_language, d->language), "meeting", d->meeting[0] ? d->meeting : NULL,
      "abstract", d->abstract, "delegation", delegation_ref(d->delegation, d->delegation_name),
      "by", d->by, "visibility", PL_ENUM_NAME(pl_visibility, d->visibility), "sha256",
      d->sha256[0] ? d->sha256 : NULL, "mime", d->mime[0] ? d->mime : NULL, "size",
      (json_int_t)d->size, "filename", d->filename[0] ? d->filename : NULL, "url",
      d->url[0] ? d->url : NULL, "family", d->family, "withdrawn", d->withdrawn, "at",
      (json_int_t)d->at);
  return o;
}

json_t *pl_json_document(const pl_document_rec *d) {
  return document_fields(d);
}

json_t *pl_json_report(const pl_report_rec *r) {
  return json_pack("{s:s, s:o, s:s, s:i, s:s, s:I, s:O}", "id", r->id, "delegation",
                   delegation_ref(r->delegation, r->delegation_name), "by", r->by, "year",
                   r->year, "visibility", PL_ENUM_NAME(pl_visibility, r->visibility), "at",
                   (json_int_t)r->at, "sections", r->sections ? r->sections : json_null());
}

/* --- the template -------------------------------------------------------------- */

typedef enum { F_TEXT, F_TEXTS, F_THEMES, F_YEAR, F_CONTACTS } field_type;

/* The harmonized template: a section per pillar, and the cover. Every
 * field may be left out; nothing else may be given. */
static const struct {
  const char *section, *field;
  field_type type;
} template[] = {
    {"cover", "nothing_new_since", F_YEAR},
    {"cover", "summary", F_TEXT},
    {"norms", "implemented", F_TEXTS},
    {"norms", "notes", F_TEXT},
    {"cbm", "measures", F_TEXTS},
    {"cbm", "notes", F_TEXT},
    {"capacity_building", "needs", F_THEMES},
    {"capacity_building", "offers", F_THEMES},
    {"international_law", "views", F_TEXT},
    {"threat_assessment", "assessment", F_TEXT},
    {"contacts", "people", F_CONTACTS},
};
#define N_TEMPLATE (sizeof template / sizeof template[0])

static bool text_ok(json_t *v, size_t max, bool nonempty) {
  const char *s = json_string_value(v);
  return s && strlen(s) <= max && (!nonempty || *s);
}

/* An array of objects whose keys are among `keys` (the first required and
 * non-empty), each a string of at most `max` bytes. */
static bool records_ok(json_t *v, const char *const *keys, size_t n_keys, size_t max) {
  if (!json_is_array(v) || json_array_size(v) > PL_REPORT_LIST_MAX)
    return false;
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e) {
    const char *k;
    json_t *x;
    if (!json_is_object(e) || !text_ok(json_object_get(e, keys[0]), max, true))
      return false;
    json_object_foreach(e, k, x) {
      size_t j = 0;
      while (j < n_keys && strcmp(keys[j], k) != 0)
        j++;
      if (j == n_keys || !text_ok(x, j == 0 ? max : PL_REPORT_TEXT_MAX, false))
        return false;
    }
  }
  return true;
}

static bool field_ok(json_t *v, field_type t) {
  static const char *const theme[] = {"theme", "description", "pillar"};
  static const char *const contact[] = {"name", "role", "email"};
  size_t i;
  json_t *e;
  switch (t) {
  case F_TEXT:
    return text_ok(v, PL_REPORT_TEXT_MAX, false);
  case F_YEAR:
    return json_is_null(v) ||
           (json_is_integer(v) && json_integer_value(v) >= 1900 && json_integer_value(v) <= 9999);
  case F_TEXTS:
    if (!json_is_array(v) || json_array_size(v) > PL_REPORT_LIST_MAX)
      return false;
    json_array_foreach(v, i, e) if (!text_ok(e, PL_REPORT_TEXT_MAX, true)) return false;
    return true;
  case F_THEMES:
    if (!records_ok(v, theme, 3, PL_THEME_LEN))
      return false;
    json_array_foreach(v, i, e) {
      json_t *p = json_object_get(e, "pillar");
      if (p && PL_ENUM_PARSE(pl_pillar, json_string_value(p)) < 0)
        return false;
    }
    return true;
  case F_CONTACTS:
    return records_ok(v, contact, 3, PL_NAME_LEN - 1);
  }
  return false;
}

pl_err pl_report_sections_check(json_t *sections, char *msg, size_t msglen) {
  if (!json_is_object(sections)) {
    snprintf(msg, msglen, "field 'sections' must be an object");
    return PL_ERR_BAD_REQUEST;
  }
  const char *name;
  json_t *sec;
  json_object_foreach(sections, name, sec) {
    bool known = false;
    for (size_t i = 0; i < N_TEMPLATE; i++)
      known = known || strcmp(template[i].section, name) == 0;
    if (!known) {
      snprintf(msg, msglen, "field 'sections.%.40s' is not a section of the template", name);
      return PL_ERR_BAD_REQUEST;
    }
    if (!json_is_object(sec)) {
      snprintf(msg, msglen, "field 'sections.%.40s' must be an object", name);
      return PL_ERR_BAD_REQUEST;
    }
    const char *fname;
    json_t *v;
    json_object_foreach(sec, fname, v) {
      size_t i = 0;
      while (i < N_TEMPLATE &&
             (strcmp(template[i].section, name) != 0 || strcmp(template[i].field, fname) != 0))
        i++;
      if (i == N_TEMPLATE || !field_ok(v, template[i].type)) {
        snprintf(msg, msglen, "field 'sections.%.40s.%.40s' %s", name, fname,
                 i == N_TEMPLATE ? "is not in the template" : "is malformed or too long");
        return PL_ERR_BAD_REQUEST;
      }
    }
  }
  return PL_ERR_OK;
}

/* --- events -------------------------------------------------------------------- */

static json_t *rotation_json(const pl_rotation_rec *r) {
  json_t *g = json_object();
  for (size_t i = 0; g && i < r->n; i++)
    json_object_set_new(g, r->set[i].delegation,
                        json_string(PL_ENUM_NAME(pl_parity, r->set[i].parity)));
  return json_pack("{s:i, s:o}", "first_year", r->first_year, "groups", g);
}

static const char *const remind_names[] = {"due", "overdue"};

json_t *pl_json_portal_payload(const pl_pevent *ev) {
  json_t *o;
  switch (ev->type) {
  case PL_PEV_DOCUMENT_UPLOADED:
    if (!ev->document || !(o = document_fields(ev->document)))
      return NULL;
    json_object_set_new(o, "text", json_string(ev->document->text ? ev->document->text : ""));
    return json_pack("{s:o}", "document", o);
  case PL_PEV_DOCUMENT_WITHDRAWN:
    return json_pack("{s:s}", "document", ev->target);
  case PL_PEV_REPORT_SUBMITTED:
    return ev->report ? json_pack("{s:o}", "report", pl_json_report(ev->report)) : NULL;
  case PL_PEV_REPORT_ROTATION:
    return ev->rotation ? json_pack("{s:o}", "rotation", rotation_json(ev->rotation)) : NULL;
  case PL_PEV_REPORT_REMINDER:
    return json_pack("{s:s, s:i, s:s}", "delegation", ev->reminder.delegation, "year",
                     ev->reminder.year, "kind", remind_names[ev->reminder.kind]);
  default:
    return NULL;
  }
}

/* --- decoding ------------------------------------------------------------------ */

static pl_err bad(char *msg, size_t msglen, const char *what, const char *field) {
  snprintf(msg, msglen, "%s: field '%s' is missing or malformed", what, field);
  return PL_ERR_BAD_REQUEST;
}

static bool take(json_t *o, const char *key, char *buf, size_t len, bool required) {
  return pl_json_take_str(o, key, buf, len, required);
}

static int enum_of(json_t *o, const char *key, const char *const names[], size_t count) {
  return pl_enum_parse(names, count, json_string_value(json_object_get(o, key)));
}

static bool ref_from(json_t *d, char *id, char *name) {
  return json_is_object(d) && take(d, "id", id, PL_ID_LEN, true) &&
         take(d, "name", name, PL_NAME_LEN, true);
}

static pl_err document_from(json_t *j, pl_document_rec *d, char *msg, size_t msglen) {
  const char *what = "document.uploaded";
  memset(d, 0, sizeof *d);
  int kind = enum_of(j, "kind", pl_doc_kind_names, pl_doc_kind_count);
  int lang = enum_of(j, "language", pl_language_names, pl_language_count);
  int vis = enum_of(j, "visibility", pl_visibility_names, pl_visibility_count);
  json_t *p = json_object_get(j, "pillar");
  d->pillar = p && !json_is_null(p) ? PL_ENUM_PARSE(pl_pillar, json_string_value(p)) : -1;
  const char *text = json_string_value(json_object_get(j, "text"));
  if (!json_is_object(j) || kind < 0 || lang < 0 || vis < 0 || (p && !json_is_null(p) && d->pillar < 0) ||
      !take(j, "id", d->id, sizeof d->id, true) ||
      !take(j, "title", d->title, sizeof d->title, true) ||
      !take(j, "meeting", d->meeting, sizeof d->meeting, false) ||
      !take(j, "abstract", d->abstract, sizeof d->abstract, false) ||
      !ref_from(json_object_get(j, "delegation"), d->delegation, d->delegation_name) ||
      !take(j, "by", d->by, sizeof d->by, true) ||
      !take(j, "sha256", d->sha256, sizeof d->sha256, false) ||
      !take(j, "mime", d->mime, sizeof d->mime, false) ||
      !take(j, "filename", d->filename, sizeof d->filename, false) ||
      !take(j, "url", d->url, sizeof d->url, false) ||
      !take(j, "family", d->family, sizeof d->family, true) ||
      !json_is_integer(json_object_get(j, "size")) || !json_is_integer(json_object_get(j, "at")) ||
      !text)
    return bad(msg, msglen, what, "document");
  d->kind = (pl_doc_kind)kind;
  d->language = (pl_language)lang;
  d->visibility = (pl_visibility)vis;
  d->size = json_integer_value(json_object_get(j, "size"));
  d->at = json_integer_value(json_object_get(j, "at"));
  d->withdrawn = json_is_true(json_object_get(j, "withdrawn"));
  if (!(d->text = strdup(text)))
    return bad(msg, msglen, what, "text");
  return PL_ERR_OK;
}

static pl_err report_from(json_t *j, pl_report_rec *r, char *msg, size_t msglen) {
  const char *what = "report.submitted";
  memset(r, 0, sizeof *r);
  int vis = enum_of(j, "visibility", pl_visibility_names, pl_visibility_count);
  json_t *y = json_object_get(j, "year"), *sec = json_object_get(j, "sections");
  if (!json_is_object(j) || vis < 0 || !take(j, "id", r->id, sizeof r->id, true) ||
      !ref_from(json_object_get(j, "delegation"), r->delegation, r->delegation_name) ||
      !take(j, "by", r->by, sizeof r->by, true) || !json_is_integer(y) ||
      !json_is_integer(json_object_get(j, "at")) ||
      pl_report_sections_check(sec, msg, msglen) != PL_ERR_OK)
    return bad(msg, msglen, what, "report");
  r->visibility = (pl_visibility)vis;
  r->year = (int)json_integer_value(y);
  r->at = json_integer_value(json_object_get(j, "at"));
  r->sections = json_incref(sec);
  return PL_ERR_OK;
}

static pl_err rotation_from(json_t *j, pl_rotation_rec *r, char *msg, size_t msglen) {
  const char *what = "report.rotation_set";
  json_t *g = json_object_get(j, "groups"), *fy = json_object_get(j, "first_year");
  r->n = 0;
  if (!json_is_integer(fy) || !json_is_object(g) || json_object_size(g) > PL_ROTATION_MAX)
    return bad(msg, msglen, what, "rotation");
  r->first_year = (int)json_integer_value(fy);
  const char *k;
  json_t *v;
  json_object_foreach(g, k, v) {
    int par = PL_ENUM_PARSE(pl_parity, json_string_value(v));
    if (par < 0 || strlen(k) >= PL_ID_LEN)
      return bad(msg, msglen, what, "groups");
    snprintf(r->set[r->n].delegation, PL_ID_LEN, "%s", k);
    r->set[r->n++].parity = (pl_parity)par;
  }
  return PL_ERR_OK;
}

pl_err pl_portal_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                           size_t msglen) {
  const char *what = pl_pevent_names[out->type];
  switch (out->type) {
  case PL_PEV_DOCUMENT_UPLOADED:
    out->document = &b->document;
    return document_from(json_object_get(o, "document"), &b->document, msg, msglen);
  case PL_PEV_DOCUMENT_WITHDRAWN:
    return take(o, "document", out->target, sizeof out->target, true)
               ? PL_ERR_OK
               : bad(msg, msglen, what, "document");
  case PL_PEV_REPORT_SUBMITTED:
    out->report = &b->report;
    return report_from(json_object_get(o, "report"), &b->report, msg, msglen);
  case PL_PEV_REPORT_ROTATION:
    out->rotation = &b->rotation;
    return rotation_from(json_object_get(o, "rotation"), &b->rotation, msg, msglen);
  case PL_PEV_REPORT_REMINDER: {
    int kind = enum_of(o, "kind", remind_names, 2);
    json_t *y = json_object_get(o, "year");
    if (kind < 0 || !json_is_integer(y) ||
        !take(o, "delegation", out->reminder.delegation, PL_ID_LEN, true))
      return bad(msg, msglen, what, "reminder");
    out->reminder.kind = (pl_remind_kind)kind;
    out->reminder.year = (int)json_integer_value(y);
    return PL_ERR_OK;
  }
  default:
    return bad(msg, msglen, what, "ev");
  }
}
