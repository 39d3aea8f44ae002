/*
 * Reading on under TLS (read_on.c): a TLS connection that received a frame,
 * or a piece of a request's body, in this loop turn, and has more bytes
 * waiting, is read again before the turn ends, so that what a client has
 * sent is handled in the turn it is there, as on a plain socket.
 *
 * A connection's state holds its place in the turn's list, a uint32_t that
 * starts at 0 (pl_session.read_slot, pl_http_pss.read_slot).
 */
#ifndef PL_APP_READ_ON_H
#define PL_APP_READ_ON_H

#include <stdint.h>

struct lws;

void pl_read_on_start(void);
void pl_read_on_stop(void);
/* Something came from wsi: read it again at the turn's end if more waits.
 * Nothing for a plain connection. */
void pl_read_on_mark(struct lws *wsi, uint32_t *slot);
/* The state holding slot is going (the connection closes, or leaves HTTP
 * for the WebSocket): out of the turn's list. */
void pl_read_on_forget(uint32_t *slot);

#endif
