/*
 * signal.send (ops_signal.h). Only interpreters send signals (the op table
 * says so); each may send one a second, so a booth's console held down
 * cannot flood the chair, who reads them at a glance.
 */
#include "ops/ops_signal.h"

#include <string.h>

#include "live/audience.h"
#include "live/signal.h"

#define SIGNAL_EVERY_MS 1000

static const char *const signals[] = {"slower", "louder", "no_sound", "pause_please"};

pl_err pl_op_signal_send(pl_op_ctx *c, json_t *args) {
  const char *mid, *signal;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "meeting", &mid, "signal", &signal);
  if (e)
    return e;
  if (pl_enum_parse(signals, sizeof signals / sizeof signals[0], signal) < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'signal' must be slower, louder, no_sound or pause_please");
  pl_live *m = pl_op_meeting(c, mid, &e);
  if (!m)
    return e;
  if (!pl_session_joined(c->s, m))
    return pl_op_fail(c, PL_ERR_CONFLICT, "join meeting %s first", m->rec.id);
  if (c->s->signal_at && c->now - c->s->signal_at < SIGNAL_EVERY_MS)
    return pl_op_fail(c, PL_ERR_RATE_LIMITED, "one signal a second; the last one was sent");
  c->s->signal_at = c->now;
  size_t sent = pl_live_signal(m, c->s, signal, c->now);
  c->result = json_pack("{s:I}", "sent_to", (json_int_t)sent);
  return PL_ERR_OK;
}
