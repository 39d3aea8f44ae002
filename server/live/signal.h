/*
 * Interpreters' signals (signal.c): "slower", "louder", ... from the booth
 * to the presiding sessions and to the sessions of whoever has the floor.
 * Like presence, a signal is not kept and has no seq: it matters for the
 * seconds it is read, and nothing in the meeting's state changes with it.
 */
#ifndef PL_LIVE_SIGNAL_H
#define PL_LIVE_SIGNAL_H

#include <stdint.h>

#include "live/live.h"
#include "net/session.h"

/* Sends {ev: "signal", meeting, signal, from, entry, at} from interpreter
 * session `from` to m's presiding sessions and to the sessions of the
 * participant who has the floor (each once). Returns how many sessions it
 * went to. */
size_t pl_live_signal(pl_live *m, const pl_session *from, const char *signal, int64_t now);

#endif
