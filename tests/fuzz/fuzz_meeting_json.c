/*
 * Fuzz target: the fields of meeting.create / meeting.update and a stored
 * meeting body (pl_meeting_from_json), the validation every meeting passes
 * through. Whatever the JSON, it must accept or refuse with a message naming
 * what is wrong; an accepted meeting must encode and decode back unchanged.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/meeting_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  /* The first byte picks the mode, the rest is the request's JSON. */
  pl_meeting_mode mode = (pl_meeting_mode)(data[0] % 3);
  json_t *obj = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
  if (!obj || !json_is_object(obj)) {
    json_decref(obj);
    return 0;
  }
  pl_meeting_rec m;
  memset(&m, 0, sizeof m);
  if (pl_meeting_init_defaults(&m))
    abort();
  char msg[256] = "";
  if (mode == PL_MEETING_UPDATE) {
    /* An update applies to a meeting that exists, as in the server. */
    json_t *base = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Informal meeting",
                             "kind", "thematic", "format", "hybrid", "tz", "Europe/Zurich",
                             "start", "2027-03-09T10:00", "end", "2027-03-09T13:00");
    if (!base || pl_meeting_from_json(&m, base, PL_MEETING_CREATE, msg, sizeof msg))
      abort();
    json_decref(base);
  }
  if (pl_meeting_from_json(&m, obj, mode, msg, sizeof msg) == 0) {
    /* What was accepted encodes to a body that loads back to the same JSON. */
    json_t *body = pl_json_meeting(&m);
    json_t *stored = json_deep_copy(body); /* loading drops its null fields */
    pl_meeting_rec back;
    memset(&back, 0, sizeof back);
    if (!body || !stored || pl_meeting_init_defaults(&back) ||
        pl_meeting_from_json(&back, stored, PL_MEETING_LOAD, msg, sizeof msg)) {
      if (body && stored)
        abort();
    } else {
      json_t *again = pl_json_meeting(&back);
      if (!again || !json_equal(body, again))
        abort();
      json_decref(again);
    }
    pl_meeting_rec_release(&back);
    json_decref(stored);
    json_decref(body);
  } else if (msg[0] == '\0') {
    abort(); /* a refusal names what is wrong */
  }
  pl_meeting_rec_release(&m);
  json_decref(obj);
  return 0;
}
