/*
 * Fan-out: one event written to every session of a meeting's audience.
 *
 * The frame is built once (pl_msg_frame); each plain socket that has nothing
 * queued gets it with one send(), the least a server can do per client. A
 * large audience is split between the service thread and worker threads that
 * do nothing but those send() calls on sockets they are handed: the service
 * thread waits for them before it goes back to lws, so lws never runs while a
 * worker touches a socket, and every other step (partial sends, queues, TLS,
 * closing) stays on the service thread.
 */
#ifndef PL_FANOUT_H
#define PL_FANOUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pl_session pl_session;
typedef struct pl_msg pl_msg;

/* Starts `threads` workers (0: none) that take part in audiences of at least
 * `split_min` sessions. With `coalesce`, what a session is sent during one
 * turn of the event loop is written when the turn ends, in one write (several
 * frames, one send()), in the order it was sent; the service thread and the
 * workers share those writes as they share a broadcast. Returns 0, or -1 when
 * a thread cannot start (the fan-out then runs on the service thread alone). */
int pl_fanout_start(int threads, size_t split_min, bool coalesce);
void pl_fanout_stop(void);

/* True on the service thread (or before pl_fanout_start): the thread rule
 * the session functions assert. */
bool pl_fanout_on_service_thread(void);

/* Sends `m` to each of `n` sessions (or queues it, per pl_session_send). */
void pl_fanout(pl_session *const *ss, size_t n, pl_msg *m);

/* Coalescing: whether it is on; a session whose queue is to be written at
 * the end of this turn (once a turn, whatever it is sent); and one that goes
 * before then (closed), so that the end of the turn does not touch it. */
bool pl_fanout_coalescing(void);
void pl_fanout_mark(pl_session *s);
void pl_fanout_forget(pl_session *s);

#endif
