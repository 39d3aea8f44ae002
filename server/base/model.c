/* Lifecycle of the shell's records (model.h). */
#include "base/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool pl_meeting_agenda_differs(const pl_meeting_rec *a, const pl_meeting_rec *b) {
  return a->n_items != b->n_items ||
         (a->n_items && memcmp(a->items, b->items, a->n_items * sizeof *a->items) != 0);
}

void pl_meeting_rec_release(pl_meeting_rec *m) {
  free(m->items);
  m->items = NULL;
  m->n_items = 0;
}

int pl_meeting_rec_copy(pl_meeting_rec *dst, const pl_meeting_rec *src) {
  *dst = *src;
  dst->items = NULL;
  if (src->n_items) {
    dst->items = malloc(src->n_items * sizeof *src->items);
    if (!dst->items)
      return -1;
    memcpy(dst->items, src->items, src->n_items * sizeof *src->items);
  }
  return 0;
}

void pl_id_format(char *buf, size_t len, char prefix, int64_t id) {
  snprintf(buf, len, "%c%lld", prefix, (long long)id);
}

int64_t pl_id_parse(const char *s, char prefix) {
  if (!s || s[0] != prefix || !s[1] || strlen(s) > 18)
    return -1;
  int64_t v = 0;
  for (const char *p = s + 1; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  return v;
}
