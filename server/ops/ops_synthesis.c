/* Reading across national reports (ops_synthesis.h). */
#include "ops/ops_synthesis.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "ops/ops_report.h"
#include "ops/report_view.h"
#include "wire/portal_json.h"

static const char *delegation_id(json_t *report) {
  return json_string_value(json_object_get(json_object_get(report, "delegation"), "id"));
}

/* The latest report of each State that the session may read, among those
 * for years [from, to]: a new array, in the view's order. */
static json_t *latest(const pl_op_ctx *c, const pl_report_view *v, int from, int to) {
  json_t *out = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(v->reports, i, r) {
    int year = (int)json_integer_value(json_object_get(r, "year"));
    if (year < from || year > to || !pl_report_readable(c, r))
      continue;
    /* by delegation, then year, then id: a later one replaces it */
    size_t n = json_array_size(out);
    json_t *last = n ? json_array_get(out, n - 1) : NULL;
    if (last && strcmp(delegation_id(last), delegation_id(r)) == 0)
      json_array_set(out, n - 1, r);
    else
      json_array_append(out, r);
  }
  return out;
}

/* A theme as it is matched: lower case, single spaces, trimmed. */
static void normalize(const char *theme, char *out, size_t len) {
  size_t n = 0;
  bool space = false;
  for (const char *p = theme; *p && n + 2 < len; p++) {
    if (isspace((unsigned char)*p)) {
      space = n > 0;
      continue;
    }
    if (space)
      out[n++] = ' ';
    space = false;
    out[n++] = (char)tolower((unsigned char)*p);
  }
  out[n] = '\0';
}

/* Files each need or offer of report r under its pillar and theme. */
static void file_entries(json_t *themes, json_t *r, const char *side) {
  json_t *list = json_object_get(json_object_get(json_object_get(r, "sections"),
                                                 "capacity_building"),
                                 side);
  size_t i;
  json_t *e;
  json_array_foreach(list, i, e) {
    const char *theme = json_string_value(json_object_get(e, "theme"));
    const char *pillar = json_string_value(json_object_get(e, "pillar"));
    char norm[PL_THEME_LEN + 1], key[PL_THEME_LEN + 40];
    if (!pillar)
      pillar = "capacity_building";
    normalize(theme, norm, sizeof norm);
    snprintf(key, sizeof key, "%s/%s", pillar, norm);
    json_t *t = json_object_get(themes, key);
    if (!t) {
      t = json_pack("{s:s, s:s, s:[], s:[]}", "pillar", pillar, "theme", theme, "needs",
                    "offers");
      json_object_set_new(themes, key, t);
    }
    json_array_append_new(json_object_get(t, side),
                          json_pack("{s:O, s:s?}", "delegation", json_object_get(r, "delegation"),
                                    "description",
                                    json_string_value(json_object_get(e, "description"))));
  }
}

static int by_needs(const void *a, const void *b) {
  json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
  size_t nx = json_array_size(json_object_get(x, "needs")),
         ny = json_array_size(json_object_get(y, "needs"));
  if (nx != ny)
    return nx > ny ? -1 : 1;
  return strcmp(json_string_value(json_object_get(x, "theme")),
                json_string_value(json_object_get(y, "theme")));
}

pl_err pl_op_report_synthesis(pl_op_ctx *c, json_t *args) {
  int cycle;
  pl_err e = PL_OP_UNPACK(c, args, "{s:i}", "cycle", &cycle);
  if (e)
    return e;
  if (cycle < 2000 || cycle > 9998)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'cycle' must be a year");
  int from = pl_cycle_start(cycle);
  pl_report_view v;
  if (pl_report_view_load(&v, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  json_t *reports = latest(c, &v, from, from + 1);
  pl_report_view_release(&v);
  json_t *themes = json_object(), *sorted = json_array(), *matches = json_array(),
         *top = json_array();
  size_t i, needs = 0, offers = 0;
  json_t *r;
  json_array_foreach(reports, i, r) {
    file_entries(themes, r, "needs");
    file_entries(themes, r, "offers");
  }
  const char *key;
  json_t *t;
  json_object_foreach(themes, key, t) json_array_append(sorted, t);
  size_t n = json_array_size(sorted);
  json_t **order = malloc((n ? n : 1) * sizeof *order);
  for (i = 0; order && i < n; i++)
    order[i] = json_array_get(sorted, i);
  if (order)
    qsort(order, n, sizeof *order, by_needs);
  json_array_clear(sorted);
  for (i = 0; order && i < n; i++) {
    json_t *th = order[i], *nd = json_object_get(th, "needs"), *of = json_object_get(th, "offers");
    json_array_append(sorted, th);
    needs += json_array_size(nd);
    offers += json_array_size(of);
    if (json_array_size(nd) && json_array_size(top) < PL_TOP_NEEDS)
      json_array_append_new(top, json_pack("{s:O, s:O, s:I}", "pillar",
                                           json_object_get(th, "pillar"), "theme",
                                           json_object_get(th, "theme"), "count",
                                           (json_int_t)json_array_size(nd)));
    size_t a, b;
    json_t *x, *y;
    json_array_foreach(nd, a, x) json_array_foreach(of, b, y) {
      json_t *dx = json_object_get(x, "delegation"), *dy = json_object_get(y, "delegation");
      if (strcmp(json_string_value(json_object_get(dx, "id")),
                 json_string_value(json_object_get(dy, "id"))) != 0)
        json_array_append_new(matches,
                              json_pack("{s:O, s:O, s:O, s:O}", "pillar",
                                        json_object_get(th, "pillar"), "theme",
                                        json_object_get(th, "theme"), "needed_by", dx,
                                        "offered_by", dy));
    }
  }
  free(order);
  json_t *states = json_array();
  json_array_foreach(reports, i, r) json_array_append(states, json_object_get(r, "delegation"));
  c->result = json_pack("{s:i, s:[i, i], s:o, s:{s:I, s:I}, s:o, s:o, s:o}", "cycle", from,
                        "years", from, from + 1, "states", states, "totals", "needs",
                        (json_int_t)needs, "offers", (json_int_t)offers, "themes", sorted,
                        "matches", matches, "top_needs", top);
  json_decref(themes);
  json_decref(reports);
  return c->result ? PL_ERR_OK : pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
}

pl_err pl_op_report_compare(pl_op_ctx *c, json_t *args) {
  json_t *ids;
  pl_err e = PL_OP_UNPACK(c, args, "{s:o}", "delegations", &ids);
  if (e)
    return e;
  if (!json_is_array(ids) || json_array_size(ids) < 1 ||
      json_array_size(ids) > PL_COMPARE_MAX)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'delegations' must list 1 to %d States",
                      PL_COMPARE_MAX);
  pl_report_view v;
  if (pl_report_view_load(&v, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  json_t *all = latest(c, &v, 0, 9999), *out = json_array();
  size_t i, k;
  json_t *id, *r;
  json_array_foreach(ids, i, id) {
    const pl_report_state *s = pl_report_view_state(&v, json_string_value(id));
    if (!s) {
      e = pl_op_fail(c, PL_ERR_NOT_FOUND, "no State '%.40s'",
                     json_is_string(id) ? json_string_value(id) : "");
      break;
    }
    json_t *found = NULL;
    json_array_foreach(all, k, r) if (strcmp(delegation_id(r), s->d.id) == 0) found = r;
    json_array_append_new(out, json_pack("{s:{s:s, s:s}, s:O?}", "delegation", "id", s->d.id,
                                         "name", s->d.name, "report", found));
  }
  pl_report_view_release(&v);
  json_decref(all);
  if (e) {
    json_decref(out);
    return e;
  }
  c->result = json_pack("{s:o}", "compare", out);
  return PL_ERR_OK;
}
