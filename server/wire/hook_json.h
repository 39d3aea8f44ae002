/*
 * What a video conference's hook says (hook_json.c; docs/VIDEO.md), read
 * from its JSON body before anything is looked up: Jitsi event_sync's
 * payloads, and the generic {meeting, participant, event}.
 */
#ifndef PL_WIRE_HOOK_JSON_H
#define PL_WIRE_HOOK_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define PL_VIDEO_EVENT_MAP(X)                      \
  X(PL_VIDEO_JOINED, "joined")                     \
  X(PL_VIDEO_LEFT, "left")                         \
  X(PL_VIDEO_AUDIO_ON, "audio_on")                 \
  X(PL_VIDEO_AUDIO_OFF, "audio_off")               \
  X(PL_VIDEO_ROOM_CREATED, "room_created")         \
  X(PL_VIDEO_ROOM_DESTROYED, "room_destroyed")

typedef enum {
#define PL_VIDEO_EVENT_ENUM(name, wire) name,
  PL_VIDEO_EVENT_MAP(PL_VIDEO_EVENT_ENUM)
#undef PL_VIDEO_EVENT_ENUM
  PL_VIDEO__COUNT
} pl_video_event;

/* The event named `name`, or -1. */
int pl_video_event_parse(const char *name);

/* One hook's message; the strings point into the decoded body. */
typedef struct pl_hook_msg {
  const char *room;        /* Jitsi's: the conference room's name */
  const char *meeting;     /* the generic hook's: the meeting's id */
  const char *participant; /* NULL for a room's own event */
  int ev;                  /* a pl_video_event, or -1: nothing Plenary follows */
} pl_hook_msg;

/* Reads body o as Jitsi's event_sync payload (jitsi) or the generic hook's.
 * Returns 0, or -1 with why saying what the body lacks (a 400). */
int pl_hook_decode(json_t *o, bool jitsi, pl_hook_msg *m, char *why, size_t cap);

#endif
