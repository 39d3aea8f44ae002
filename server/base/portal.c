/* The portal's records (portal.h). */
#include "base/portal.h"

#include <stdlib.h>

void pl_document_rec_release(pl_document_rec *d) {
  free(d->text);
  d->text = NULL;
}

void pl_report_rec_release(pl_report_rec *r) {
  json_decref(r->sections);
  r->sections = NULL;
}
