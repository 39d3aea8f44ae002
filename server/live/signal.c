/*
 * Interpreters' signals (signal.h). The speaker's sessions are found by a
 * walk over the meeting's audience: signals are rate limited per
 * interpreter (ops/ops_signal.c), so the walk is rare, and keeping a
 * per-participant index of sessions for it would cost every join.
 */
#include "live/signal.h"

#include <jansson.h>
#include <string.h>

#include "wire/msg.h"

size_t pl_live_signal(pl_live *m, const pl_session *from, const char *signal, int64_t now) {
  const pl_floor *f = &m->room.floor;
  json_t *o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s?}, s:s?, s:I}", "ev", "signal",
                        "meeting", m->rec.id, "signal", signal, "from", "participant",
                        from->who.id, "name", from->who.name, "language",
                        from->who.language[0] ? from->who.language : NULL, "entry",
                        f->held ? f->entry.id : NULL, "at", (json_int_t)now);
  /* Droppable like presence: a chair whose socket is full loses a signal,
   * not the connection. */
  pl_msg *msg = o ? pl_msg_new(o, true) : NULL;
  json_decref(o);
  if (!msg)
    return 0;
  size_t sent = 0;
  for (size_t i = 0; i < m->n_presiding; i++, sent++)
    pl_session_send(m->presiding[i], msg);
  for (size_t i = 0; f->held && i < m->n_subs; i++) {
    pl_session *s = m->subs[i];
    if (strcmp(s->who.id, f->entry.participant) != 0)
      continue;
    bool presides = false; /* already told */
    for (size_t k = 0; k < m->n_presiding && !presides; k++)
      presides = m->presiding[k] == s;
    if (!presides) {
      pl_session_send(s, msg);
      sent++;
    }
  }
  pl_msg_unref(msg);
  return sent;
}
