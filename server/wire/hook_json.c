/* A hook's body, read (hook_json.h). */
#include "wire/hook_json.h"

#include <stdio.h>
#include <string.h>

static const char *const event_names[] = {
#define PL_VIDEO_EVENT_NAME(name, wire) wire,
    PL_VIDEO_EVENT_MAP(PL_VIDEO_EVENT_NAME)
#undef PL_VIDEO_EVENT_NAME
};

int pl_video_event_parse(const char *name) {
  for (size_t i = 0; i < sizeof event_names / sizeof event_names[0]; i++)
    if (name && strcmp(event_names[i], name) == 0)
      return (int)i;
  return -1;
}

/* event_sync's payloads (jitsi-contrib/prosody-plugins, event_sync/README.md):
 * event_name, room_name, is_breakout, and for occupants occupant.id, the
 * context.user.id of the token video.join signed. A breakout room's events
 * name the main room: whoever is in a breakout is not in the plenary's
 * conference, so only the main room's are followed. */
static int jitsi(json_t *o, pl_hook_msg *m, char *why, size_t cap) {
  const char *name = json_string_value(json_object_get(o, "event_name"));
  m->room = json_string_value(json_object_get(o, "room_name"));
  if (!name || !m->room || !*m->room) {
    snprintf(why, cap, "an event_sync payload has event_name and room_name");
    return -1;
  }
  m->participant = json_string_value(json_object_get(json_object_get(o, "occupant"), "id"));
  m->ev = json_is_true(json_object_get(o, "is_breakout")) ? -1
          : strcmp(name, "muc-occupant-joined") == 0      ? PL_VIDEO_JOINED
          : strcmp(name, "muc-occupant-left") == 0        ? PL_VIDEO_LEFT
          : strcmp(name, "muc-room-created") == 0         ? PL_VIDEO_ROOM_CREATED
          : strcmp(name, "muc-room-destroyed") == 0       ? PL_VIDEO_ROOM_DESTROYED
                                                          : -1;
  /* An occupant without a token's id (Jibri, a guest) is none of ours. */
  if ((m->ev == PL_VIDEO_JOINED || m->ev == PL_VIDEO_LEFT) && !m->participant)
    m->ev = -1;
  return 0;
}

/* The generic hook: {meeting, participant, event}. */
static int generic(json_t *o, pl_hook_msg *m, char *why, size_t cap) {
  const char *event;
  if (json_unpack(o, "{s:s, s:s, s:s !}", "meeting", &m->meeting, "participant",
                  &m->participant, "event", &event)) {
    snprintf(why, cap, "the body is {\"meeting\", \"participant\", \"event\"}");
    return -1;
  }
  m->ev = pl_video_event_parse(event);
  if (m->ev != PL_VIDEO_JOINED && m->ev != PL_VIDEO_LEFT && m->ev != PL_VIDEO_AUDIO_ON &&
      m->ev != PL_VIDEO_AUDIO_OFF) {
    snprintf(why, cap, "event must be joined, left, audio_on or audio_off");
    return -1;
  }
  return 0;
}

int pl_hook_decode(json_t *o, bool is_jitsi, pl_hook_msg *m, char *why, size_t cap) {
  memset(m, 0, sizeof *m);
  m->ev = -1;
  if (!json_is_object(o)) {
    snprintf(why, cap, "the body is not a JSON object");
    return -1;
  }
  return is_jitsi ? jitsi(o, m, why, cap) : generic(o, m, why, cap);
}
