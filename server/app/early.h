/*
 * The request head of a plain connection, read before lws sees it.
 *
 * lws 4.1's HTTP parser closes without a status on a head over its buffer
 * or a %00 inside a path, and waits for its idle timeout on a header whose
 * name is a prefix of one it knows ("X-Auth:", "A:"; LIBRARY-NOTES 9). So
 * on a plain connection the door takes the socket first: it reads the head
 * (8 KB at most, within the header deadline), answers what is malformed
 * itself (400, 408, 414, 431), keeps only the headers Plenary reads, and
 * hands lws the socket with that head as its first bytes
 * (lws_adopt_socket_vhost_readbuf). Under TLS the bytes are encrypted until
 * lws has done the handshake, so there the door's deadline does the work.
 */
#ifndef PL_APP_EARLY_H
#define PL_APP_EARLY_H

#include <stdbool.h>
#include <stddef.h>

#include "app/door.h"

/* Takes over descriptor `fd` (a duplicate of the one lws accepted, which
 * lws then closes). Returns false when out of memory (fd is then closed). */
bool pl_early_take(int fd, int header_timeout_s);
/* Closes every head still being read (at shutdown). */
void pl_early_close_all(void);

/* The head's verdict, for tests and the fuzzer: 0 and the rewritten head
 * in out (NUL-terminated, *out_len bytes), or the HTTP status to answer
 * with and *why. `head` ends with the blank line. */
unsigned pl_early_judge(const char *head, size_t len, char *out, size_t cap, size_t *out_len,
                        const char **why);

#endif
