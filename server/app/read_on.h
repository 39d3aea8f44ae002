/*
 * Reading on under TLS (read_on.c): a TLS session that received a frame in
 * this loop turn, and has more bytes waiting, is read again before the turn
 * ends, so that every request a client has sent is handled in the turn it
 * is there, as on a plain socket.
 */
#ifndef PL_APP_READ_ON_H
#define PL_APP_READ_ON_H

#include "net/session.h"

void pl_read_on_start(void);
void pl_read_on_stop(void);
/* A frame came from s: read it again at the turn's end if more waits. */
void pl_read_on_mark(pl_session *s);
/* s is closing: drop it from the turn's list (LWS_CALLBACK_CLOSED). */
void pl_read_on_forget(pl_session *s);

#endif
