/* Names of the programme stream's events (pevent.h). */
#include "base/pevent.h"

#include <string.h>

const char *const pl_pevent_names[PL_PEV__COUNT] = {
#define PL_PEVENT_NAME(name, wire) [PL_PEV_##name] = wire,
    PL_PEVENT_MAP(PL_PEVENT_NAME)
#undef PL_PEVENT_NAME
};

int pl_pevent_parse(const char *name) {
  for (int i = 0; name && i < PL_PEV__COUNT; i++)
    if (strcmp(pl_pevent_names[i], name) == 0)
      return i;
  return -1;
}

void pl_pevent_bufs_release(pl_pevent_bufs *b) {
  pl_meeting_rec_release(&b->meeting);
  pl_proc_event_release(&b->proc);
  pl_document_rec_release(&b->document);
  pl_report_rec_release(&b->report);
}
