/* Lifecycle of the shell's records (model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

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
