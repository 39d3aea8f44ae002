/* The request head of a plain connection, read before lws (early.h). */
#include "app/early.h"

#include <errno.h>
#include <ev.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/server.h"

#define FIRST_CAP 1024

typedef struct early {
  int fd;
  ev_io io;
  ev_timer deadline;
  char *buf; /* owned; grows to PL_DOOR_HEADERS_MAX */
  size_t len, cap;
  struct early *prev, *next; /* every head being read, for the shutdown */
} early;

static early *all;

/* The headers Plenary reads, every one a name lws knows whole: a name
 * that is only a prefix of one it knows stalls its parser. */
static const char *const kept[] = {
    "host", "connection", "upgrade", "origin", "sec-websocket-key",
    "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions",
    "if-none-match", "if-modified-since", "accept", "accept-encoding", "accept-language",
    "user-agent", "content-length", "content-type", "cache-control", "pragma", "range",
    "if-range", "referer", "x-forwarded-for", "authorization",
};

static bool is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool keeps(const char *name, size_t n) {
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
    if (strlen(kept[i]) == n && strncasecmp(kept[i], name, n) == 0)
      return true;
  return false;
}

/* One line of the head: [p, eol) without its CR, *next after its LF. */
static const char *line_end(const char *p, const char *end, const char **next) {
  const char *lf = memchr(p, '\n', (size_t)(end - p));
  if (!lf)
    return NULL;
  *next = lf + 1;
  return lf > p && lf[-1] == '\r' ? lf - 1 : lf;
}

static unsigned judge_request_line(const char *p, const char *eol, const char **why) {
  const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
  const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
  if (!sp1 || !sp2 || sp1 == p) {
    *why = "the request line is not METHOD TARGET HTTP/1.1";
    return 400;
  }
  for (const char *c = p; c < sp1; c++)
    if (!is_tchar((unsigned char)*c)) {
      *why = "the method is not a token";
      return 400;
    }
  if ((size_t)(eol - sp2 - 1) != 8 ||
      (strncmp(sp2 + 1, "HTTP/1.1", 8) != 0 && strncmp(sp2 + 1, "HTTP/1.0", 8) != 0)) {
    *why = "only HTTP/1.0 and HTTP/1.1 are spoken here";
    return 400;
  }
  const char *t = sp1 + 1;
  if (*t != '/') {
    *why = "the target must be a path";
    return 400;
  }
  for (const char *c = t; c < sp2; c++) {
    if ((unsigned char)*c <= 0x20 || (unsigned char)*c == 0x7f) {
      *why = "the target holds a control character";
      return 400;
    }
    if (*c == '%' && sp2 - c >= 3 && c[1] == '0' && c[2] == '0') {
      *why = "the target holds an encoded NUL";
      return 400;
    }
  }
  return 0;
}

unsigned pl_early_judge(const char *head, size_t len, char *out, size_t cap, size_t *out_len,
                        const char **why) {
  const char *end = head + len, *next, *p = head;
  const char *eol = line_end(p, end, &next);
  unsigned status;
  if (!eol || (status = judge_request_line(p, eol, why)))
    return eol ? status : (*why = "no request line", 400);
  size_t n = 0;
#define EMIT(s, l)                                                                   \
  do {                                                                               \
    if (n + (l) + 2 >= cap)                                                          \
      return (*why = "the request headers are over 8 KB", 431);                      \
    memcpy(out + n, (s), (l));                                                       \
    n += (l);                                                                        \
  } while (0)
  EMIT(p, (size_t)(eol - p));
  EMIT("\r\n", 2);
  for (p = next; p < end; p = next) {
    if (!(eol = line_end(p, end, &next)))
      return (*why = "a header line does not end", 400);
    if (eol == p)
      break; /* the blank line */
    if (*p == ' ' || *p == '\t')
      return (*why = "folded header lines are obsolete (RFC 9112, 5.2)", 400);
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (!colon || colon == p)
      return (*why = "a header line has no name", 400);
    for (const char *c = p; c < colon; c++)
      if (!is_tchar((unsigned char)*c))
        return (*why = "a header name is not a token", 400);
    for (const char *c = colon + 1; c < eol; c++)
      if (((unsigned char)*c < 0x20 && *c != '\t') || (unsigned char)*c == 0x7f)
        return (*why = "a header value holds a control character", 400);
    if (keeps(p, (size_t)(colon - p))) {
      EMIT(p, (size_t)(eol - p));
      EMIT("\r\n", 2);
    }
  }
  EMIT("\r\n", 2);
#undef EMIT
  out[n] = '\0';
  *out_len = n;
  return 0;
}

/* --- the connection ------------------------------------------------------------ */

static void finish(early *e) {
  ev_io_stop(pl_srv->loop, &e->io);
  ev_timer_stop(pl_srv->loop, &e->deadline);
  if (e->prev)
    e->prev->next = e->next;
  else
    all = e->next;
  if (e->next)
    e->next->prev = e->prev;
  free(e->buf);
  free(e);
}

static const char *reason_of(unsigned status) {
  switch (status) {
  case 408: return "Request Timeout";
  case 414: return "URI Too Long";
  case 431: return "Request Header Fields Too Large";
  default: return "Bad Request";
  }
}

static void answer(early *e, unsigned status, const char *why) {
  char buf[512];
  int n = snprintf(buf, sizeof buf,
                   "HTTP/1.1 %u %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                   status, reason_of(status), strlen(why) + 1, why);
  if (send(e->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    (void)errno; /* the peer is gone; it is closed either way */
  pl_srv->metrics.http_refused++;
  pl_door_leave(e->fd);
  shutdown(e->fd, SHUT_WR);
  close(e->fd);
  finish(e);
}

static void hand_over(early *e, size_t head_len) {
  char head[PL_DOOR_HEADERS_MAX + 8];
  size_t n;
  const char *why = NULL;
  unsigned status = pl_early_judge(e->buf, head_len, head, sizeof head, &n, &why);
  if (status)
    return answer(e, status, why);
  int fd = e->fd;
  finish(e);
  /* On failure lws has closed the socket; the door's slot goes with it. */
  if (!lws_adopt_socket_vhost_readbuf(pl_srv->vh, fd, head, n))
    pl_door_leave(fd);
}

/* The end of the head in buf: the offset after its blank line, or 0. */
static size_t head_end(const early *e) {
  for (size_t i = 0; i + 1 < e->len; i++) {
    if (e->buf[i] != '\n')
      continue;
    if (e->buf[i + 1] == '\n')
      return i + 2;
    if (i + 2 < e->len && e->buf[i + 1] == '\r' && e->buf[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents) {
  (void)loop;
  (void)revents;
  early *e = w->data;
  for (;;) {
    if (e->len == e->cap) {
      if (e->cap >= PL_DOOR_HEADERS_MAX)
        return answer(e, memchr(e->buf, '\n', e->len) ? 431 : 414,
                      memchr(e->buf, '\n', e->len) ? "the request headers are over 8 KB"
                                                   : "the request target is over 8 KB");
      char *grown = realloc(e->buf, e->cap * 2);
      if (!grown)
        return answer(e, 431, "no room for the request headers");
      e->buf = grown;
      e->cap *= 2;
    }
    /* Only the head is taken from the socket: what follows it (an
     * upload's body) is left for lws to read, as it does under TLS. lws
     * 4.1.6 hands a body that came in the adopted buffer to the protocol
     * twice (measured: every form field doubled), so none may come there.
     * Peek, then take up to the head's end and no further. */
    ssize_t got = recv(e->fd, e->buf + e->len, e->cap - e->len, MSG_DONTWAIT | MSG_PEEK);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      pl_door_leave(e->fd);
      close(e->fd);
      return finish(e);
    }
    if (got < 0)
      return; /* wait for more */
    size_t before = e->len;
    e->len += (size_t)got;
    size_t end = head_end(e);
    size_t take = end ? end - before : (size_t)got;
    if (recv(e->fd, e->buf + before, take, MSG_DONTWAIT) != (ssize_t)take) {
      pl_door_leave(e->fd);
      close(e->fd);
      return finish(e);
    }
    e->len = before + take;
    if (end)
      return hand_over(e, end);
  }
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  early *e = w->data;
  pl_srv->metrics.header_timeouts++;
  answer(e, 408, "the request headers did not arrive in time");
}

bool pl_early_take(int fd, int header_timeout_s) {
  early *e = calloc(1, sizeof *e);
  char *buf = malloc(FIRST_CAP);
  if (!e || !buf) {
    free(e);
    free(buf);
    pl_door_leave(fd);
    close(fd);
    return false;
  }
  e->fd = fd;
  e->buf = buf;
  e->cap = FIRST_CAP;
  e->next = all;
  if (all)
    all->prev = e;
  all = e;
  ev_io_init(&e->io, on_read, fd, EV_READ);
  e->io.data = e;
  ev_timer_init(&e->deadline, on_deadline, (double)header_timeout_s, 0.);
  e->deadline.data = e;
  ev_io_start(pl_srv->loop, &e->io);
  ev_timer_start(pl_srv->loop, &e->deadline);
  return true;
}

void pl_early_close_all(void) {
  while (all) {
    pl_door_leave(all->fd);
    close(all->fd);
    finish(all);
  }
}
