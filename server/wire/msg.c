/*
 * Messages (msg.h): encoded once with jansson straight after the LWS_PRE
 * headroom, then framed in place as one final text frame, so that the bytes
 * the store keeps, the bytes a reply carries and the bytes every socket of a
 * broadcast is sent are the same buffer.
 */
#include "wire/msg.h"

#include <stdlib.h>
#include <string.h>

/* A message of `len` payload bytes, to be filled; frame() completes it. */
static pl_msg *msg_alloc(size_t len, bool is_event) {
  if (len > UINT32_MAX - LWS_PRE - 1)
    return NULL;
  pl_msg *m = malloc(sizeof *m + LWS_PRE + len + 1);
  if (!m)
    return NULL;
  m->refs = 1;
  m->len = (uint32_t)len;
  m->is_event = is_event;
  m->queued_us = 0;
  return m;
}

/* Writes the header of one final text frame just before the payload. */
static pl_msg *frame(pl_msg *m) {
  unsigned char *p = m->buf + LWS_PRE;
  uint64_t len = m->len;
  m->buf[LWS_PRE + len] = '\0'; /* lets the store and tests read it as text */
  if (len < 126) {
    m->hdr = 2;
    p[-1] = (unsigned char)len;
  } else if (len < 65536) {
    m->hdr = 4;
    p[-3] = 126;
    p[-2] = (unsigned char)(len >> 8);
    p[-1] = (unsigned char)len;
  } else {
    m->hdr = 10;
    p[-9] = 127;
    for (int i = 0; i < 8; i++)
      p[-1 - i] = (unsigned char)(len >> (8 * i));
  }
  p[-(int)m->hdr] = 0x81; /* FIN, text */
  return m;
}

pl_msg *pl_msg_new_raw(const char *text, size_t len, bool is_event) {
  pl_msg *m = msg_alloc(len, is_event);
  if (!m)
    return NULL;
  memcpy(m->buf + LWS_PRE, text, len);
  return frame(m);
}

pl_msg *pl_msg_new(json_t *o, bool is_event) {
  size_t len = json_dumpb(o, NULL, 0, JSON_COMPACT);
  pl_msg *m = len ? msg_alloc(len, is_event) : NULL;
  if (!m)
    return NULL;
  m->len = (uint32_t)json_dumpb(o, (char *)m->buf + LWS_PRE, len, JSON_COMPACT);
  return frame(m);
}

void pl_msg_unref(pl_msg *m) {
  if (m && --m->refs == 0)
    free(m);
}

