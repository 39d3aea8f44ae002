/*
 * An encoded message, shared by reference among the sessions that get it: an
 * event is encoded and framed once, whatever the audience. A server's frames
 * are not masked (RFC 6455 5.1), so one frame fits every session.
 */
#ifndef PL_WIRE_MSG_H
#define PL_WIRE_MSG_H

#include <jansson.h>
#include <libwebsockets.h> /* LWS_PRE, the headroom lws_write wants */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pl_msg {
  uint32_t refs;
  uint32_t len;      /* payload bytes, after the LWS_PRE headroom */
  uint8_t hdr;       /* frame header bytes, just before the payload */
  bool is_event;     /* events may be dropped for a resync; replies may not */
  int64_t queued_us; /* pl_mono_us() at publish, for the fan-out histogram */
  unsigned char buf[]; /* LWS_PRE bytes of headroom, then the payload, then NUL */
} pl_msg;

/* Encodes `o` once into a new message (refs = 1). NULL when out of memory. */
pl_msg *pl_msg_new(json_t *o, bool is_event);
pl_msg *pl_msg_new_raw(const char *text, size_t len, bool is_event);
static inline pl_msg *pl_msg_ref(pl_msg *m) {
  m->refs++;
  return m;
}
void pl_msg_unref(pl_msg *m); /* NULL is fine */
/* The payload, NUL-terminated. */
static inline const char *pl_msg_text(const pl_msg *m) {
  return (const char *)m->buf + LWS_PRE;
}
/* The whole WebSocket frame: header and payload. */
static inline const unsigned char *pl_msg_frame(const pl_msg *m, size_t *len) {
  *len = (size_t)m->hdr + m->len;
  return m->buf + LWS_PRE - m->hdr;
}

#endif
