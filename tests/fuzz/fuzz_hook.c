/*
 * Fuzz target: a video conference's hook body (wire/hook_json.c), which
 * anyone who reaches the port can send once the secret is right, or a
 * misconfigured event_sync sends wrong. The first byte chooses the hook
 * (odd: Jitsi's event_sync, even: the generic one), the rest is the body.
 * A body is decoded into a message whose event is one Plenary knows or -1,
 * with what that event needs, or refused with a reason. Never a crash.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "wire/hook_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  const bool jitsi = data[0] & 1;
  json_t *o = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
  pl_hook_msg m;
  char why[256] = "";
  if (pl_hook_decode(o, jitsi, &m, why, sizeof why) == 0) {
    if (m.ev < -1 || m.ev >= PL_VIDEO__COUNT)
      abort();
    if (jitsi && (!m.room || !*m.room || m.meeting))
      abort();
    if (jitsi && (m.ev == PL_VIDEO_JOINED || m.ev == PL_VIDEO_LEFT) && !m.participant)
      abort();
    if (!jitsi && (!m.meeting || !m.participant || m.room || m.ev < PL_VIDEO_JOINED ||
                   m.ev > PL_VIDEO_AUDIO_OFF))
      abort();
  } else if (!why[0]) {
    abort(); /* a refusal says why */
  }
  json_decref(o);
  return 0;
}
