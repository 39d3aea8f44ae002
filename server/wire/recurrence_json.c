/* Changed and extra occurrences of a series (recurrence_json.h). */
#include "wire/recurrence_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/unpack.h"
#include "cal/tz.h"

static int by_text(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

static int by_of(const void *a, const void *b) {
  return strcmp(((const pl_moved *)a)->of, ((const pl_moved *)b)->of);
}

static bool is_local(const char *s) {
  int y, mo, d, h, mi;
  return s && pl_local_parse(s, &y, &mo, &d, &h, &mi) == 0;
}

/* Local date-times sort as text; sorted, a repeat is a neighbour. */
static pl_err dates_from_json(char (*dst)[PL_LOCAL_LEN], size_t *n, json_t *arr,
                              const char *field, char *msg, size_t msglen) {
  if (!json_is_array(arr) || json_array_size(arr) > PL_DATES_MAX) {
    snprintf(msg, msglen, "field '%s' must be an array of at most %d local date-times", field,
             PL_DATES_MAX);
    return PL_ERR_BAD_REQUEST;
  }
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *s = json_string_value(v);
    if (!is_local(s)) {
      snprintf(msg, msglen, "field '%s', entry %zu: not a local date-time YYYY-MM-DDTHH:MM",
               field, i + 1);
      return PL_ERR_BAD_REQUEST;
    }
    memcpy(dst[i], s, PL_LOCAL_LEN);
  }
  *n = json_array_size(arr);
  qsort(dst, *n, PL_LOCAL_LEN, by_text);
  for (i = 1; i < *n; i++)
    if (strcmp(dst[i - 1], dst[i]) == 0) {
      snprintf(msg, msglen, "field '%s': %s is given twice", field, dst[i]);
      return PL_ERR_BAD_REQUEST;
    }
  return PL_ERR_OK;
}

static pl_err moved_from_json(pl_meeting_rec *m, json_t *arr, char *msg, size_t msglen) {
  if (!json_is_array(arr) || json_array_size(arr) > PL_MOVES_MAX) {
    snprintf(msg, msglen, "field 'moved' must be an array of at most %d objects",
             PL_MOVES_MAX);
    return PL_ERR_BAD_REQUEST;
  }
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *of, *start, *end;
    char why[160];
    int64_t a, b;
    if (pl_unpack(v, why, sizeof why, "{s:s, s:s, s:s}", "of", &of, "start", &start, "end",
                  &end) ||
        !is_local(of) || !is_local(start) || !is_local(end)) {
      snprintf(msg, msglen, "field 'moved', entry %zu: must be {of, start, end}, each a local "
               "date-time YYYY-MM-DDTHH:MM", i + 1);
      return PL_ERR_BAD_REQUEST;
    }
    if (pl_local_to_utc(start, m->tz, &a) || pl_local_to_utc(end, m->tz, &b) || b <= a) {
      snprintf(msg, msglen, "field 'moved', entry %zu: must end after it starts", i + 1);
      return PL_ERR_BAD_REQUEST;
    }
    pl_moved *d = &m->moved[i];
    memcpy(d->of, of, PL_LOCAL_LEN);
    memcpy(d->start, start, PL_LOCAL_LEN);
    memcpy(d->end, end, PL_LOCAL_LEN);
  }
  m->n_moved = json_array_size(arr);
  qsort(m->moved, m->n_moved, sizeof *m->moved, by_of);
  for (i = 1; i < m->n_moved; i++)
    if (strcmp(m->moved[i - 1].of, m->moved[i].of) == 0) {
      snprintf(msg, msglen, "field 'moved': the occurrence of %s is moved twice",
               m->moved[i].of);
      return PL_ERR_BAD_REQUEST;
    }
  return PL_ERR_OK;
}

pl_err pl_recurrence_from_json(pl_meeting_rec *m, json_t *rdate, json_t *exdate,
                               json_t *moved, char *msg, size_t msglen) {
  pl_err e = PL_ERR_OK;
  if (rdate && (e = dates_from_json(m->rdate, &m->n_rdate, rdate, "rdate", msg, msglen)))
    return e;
  if (exdate &&
      (e = dates_from_json(m->exdate, &m->n_exdate, exdate, "exdate", msg, msglen)))
    return e;
  if (moved && (e = moved_from_json(m, moved, msg, msglen)))
    return e;
  if ((m->n_exdate || m->n_moved) && !m->rrule[0] && !m->n_rdate) {
    snprintf(msg, msglen, "fields 'exdate' and 'moved' change the occurrences of a series: "
             "the meeting needs an 'rrule' or an 'rdate'");
    return PL_ERR_BAD_REQUEST;
  }
  return PL_ERR_OK;
}

/* n dates of PL_LOCAL_LEN bytes each from `first` */
static json_t *dates_to_json(const char *first, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    json_array_append_new(arr, json_string(first + i * PL_LOCAL_LEN));
  return arr;
}

void pl_recurrence_to_json(json_t *obj, const pl_meeting_rec *m) {
  if (m->n_rdate)
    json_object_set_new(obj, "rdate", dates_to_json(m->rdate[0], m->n_rdate));
  if (m->n_exdate)
    json_object_set_new(obj, "exdate", dates_to_json(m->exdate[0], m->n_exdate));
  if (m->n_moved) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < m->n_moved; i++)
      json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "of", m->moved[i].of, "start",
                                           m->moved[i].start, "end", m->moved[i].end));
    json_object_set_new(obj, "moved", arr);
  }
}

const pl_moved *pl_recurrence_moved(const pl_meeting_rec *m, const char *local) {
  for (size_t i = 0; i < m->n_moved; i++)
    if (strcmp(m->moved[i].of, local) == 0)
      return &m->moved[i];
  return NULL;
}
