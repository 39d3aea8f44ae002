/*
 * Fuzz target: meeting.import's iCalendar parser (pl_ical_import), which reads
 * whatever calendar file the secretariat is given. It must return 0 with
 * meetings or -1 with a message, never crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cal/ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_meeting_rec *ms = NULL;
  size_t n = 0;
  char err[256];
  if (pl_ical_import((const char *)data, size, &ms, &n, err, sizeof err) == 0) {
    for (size_t i = 0; i < n; i++)
      pl_meeting_rec_release(&ms[i]);
    free(ms);
  } else if (ms != NULL || err[0] == '\0') {
    abort(); /* the contract of a refusal: no meetings, and a reason */
  }
  return 0;
}
