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
  pl_ical_event *evs = NULL;
  size_t n = 0;
  char err[256];
  if (pl_ical_import((const char *)data, size, &evs, &n, err, sizeof err) == 0) {
    for (size_t i = 0; i < n; i++)
      if (evs[i].skipped && evs[i].why[0] == '\0')
        abort(); /* a skipped event says why */
    pl_ical_events_free(evs, n);
  } else if (evs != NULL || err[0] == '\0') {
    abort(); /* the contract of a refusal: no meetings, and a reason */
  }
  return 0;
}
