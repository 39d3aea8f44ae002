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

#include "app/hooks_http.h"
#include "app/import_http.h"
#include "base/server.h"

#define FIRST_CAP 1024
/* A hook's body must follow its head within this; a bot sends it at once. */
#define BODY_TIMEOUT_S 10.

typedef struct early {
  int fd;
  ev_io io;
  ev_timer deadline;
  char *buf; /* owned; grows to PL_DOOR_HEADERS_MAX, or to a hook's whole request */
  size_t len, cap;
  size_t head_len, body_len; /* a hook's POST, once its head is read (body_len > 0) */
  char *out; /* owned: an answer too large for one send, written as the peer reads */
  size_t out_len, out_sent;
  struct early *prev, *next; /* every head being read, for the shutdown */
} early;

static early *all;

/* The headers Plenary reads, every one a name lws knows whole: a name
 * that is only a prefix of one it knows stalls its parser. (A hook's POST
 * never reaches lws from here: the door answers it, headers and all.) */
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

/* What a POST that lws reads the body of (an upload, POST /documents)
 * keeps: only what the upload reads and lws needs. lws 4.1.6 reads the
 * adopted head once more as the first bytes of the body (lws_http_action's
 * buflist loop; lws_spa takes them for the preamble a form may have), and a
 * body shorter than that head would spin that loop for ever: so the head is
 * kept as short as can be, shorter than any form the upload takes, and a
 * body shorter still is refused here (hand_over). */
static const char *const kept_for_body[] = {
    "host", "connection", "content-length", "content-type", "authorization",
};

typedef struct names {
  const char *const *v;
  size_t n;
} names;

#define NAMES(a) ((names){(a), sizeof(a) / sizeof((a)[0])})

static bool keeps(names list, const char *name, size_t n) {
  for (size_t i = 0; i < list.n; i++)
    if (strlen(list.v[i]) == n && strncasecmp(list.v[i], name, n) == 0)
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

static unsigned judge(const char *head, size_t len, names kept_names, char *out, size_t cap,
                      size_t *out_len, const char **why) {
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
    if (keeps(kept_names, p, (size_t)(colon - p))) {
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

unsigned pl_early_judge(const char *head, size_t len, char *out, size_t cap, size_t *out_len,
                        const char **why) {
  return judge(head, len, NAMES(kept), out, cap, out_len, why);
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
  free(e->out);
  free(e);
}

static const char *reason_of(unsigned status) {
  switch (status) {
  case 200: return "OK";
  case 401: return "Unauthorized";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 411: return "Length Required";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  default: return "Bad Request";
  }
}

/* Sends a whole small response and closes: the door never keeps a
 * connection it answered itself. */
static void respond(early *e, unsigned status, const char *ctype, const char *body) {
  char buf[768];
  int n = snprintf(buf, sizeof buf,
                   "HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
                   status, reason_of(status), ctype, strlen(body), body);
  if (send(e->fd, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1,
           MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    (void)errno; /* the peer is gone; it is closed either way */
  pl_door_leave(e->fd);
  shutdown(e->fd, SHUT_WR);
  close(e->fd);
  finish(e);
}

static void answer(early *e, unsigned status, const char *why) {
  char text[400];
  snprintf(text, sizeof text, "%s\n", why);
  pl_srv->metrics.http_refused++;
  respond(e, status, "text/plain; charset=utf-8", text);
}

/* --- a hook's POST --------------------------------------------------------------- */

/* The value of header `name` in a head the door has judged well formed,
 * without the whitespace around it, into out; false when it is absent or
 * longer than cap. */
static bool header_value(const char *head, size_t len, const char *name, char *out,
                         size_t cap) {
  const char *end = head + len, *next, *eol, *p = head;
  size_t n = strlen(name);
  if (!line_end(p, end, &next))
    return false;
  for (p = next; p < end && (eol = line_end(p, end, &next)) && eol > p; p = next) {
    if ((size_t)(eol - p) <= n || p[n] != ':' || strncasecmp(p, name, n) != 0)
      continue;
    const char *v = p + n + 1;
    while (v < eol && (*v == ' ' || *v == '\t'))
      v++;
    const char *ve = eol;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
      ve--;
    if ((size_t)(ve - v) >= cap)
      return false;
    memcpy(out, v, (size_t)(ve - v));
    out[ve - v] = '\0';
    return true;
  }
  return false;
}

/* The request line's path, without its query; "" when longer than cap. */
static void request_path(const char *head, size_t len, char *out, size_t cap) {
  const char *sp = memchr(head, ' ', len);
  size_t n = sp ? strcspn(sp + 1, " ?") : 0;
  snprintf(out, cap, "%.*s", (int)(n < cap ? n : 0), sp ? sp + 1 : "");
}

static void close_done(early *e) {
  pl_door_leave(e->fd);
  shutdown(e->fd, SHUT_WR);
  close(e->fd);
  finish(e);
}

/* Writes what is left of the answer as the peer takes it; a peer that
 * stops reading meets the deadline, not the service thread. */
static void on_write(struct ev_loop *loop, ev_io *w, int revents) {
  (void)loop;
  (void)revents;
  early *e = w->data;
  while (e->out_sent < e->out_len) {
    ssize_t n = send(e->fd, e->out + e->out_sent, e->out_len - e->out_sent,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return;
    if (n <= 0)
      break; /* the peer is gone */
    e->out_sent += (size_t)n;
  }
  close_done(e);
}

/* An answer of any size: its head and body, written as the peer reads. */
static void respond_whole(early *e, unsigned status, const char *ctype, const char *body,
                          size_t len) {
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Cache-Control: no-store, private\r\nConnection: close\r\n\r\n",
                   status, reason_of(status), ctype, len);
  if (!(e->out = malloc((size_t)n + len)))
    return answer(e, 500, "out of memory");
  memcpy(e->out, head, (size_t)n);
  memcpy(e->out + n, body, len);
  e->out_len = (size_t)n + len;
  ev_io_stop(pl_srv->loop, &e->io);
  ev_io_init(&e->io, on_write, e->fd, EV_WRITE);
  e->io.data = e;
  ev_io_start(pl_srv->loop, &e->io);
  ev_timer_stop(pl_srv->loop, &e->deadline);
  ev_timer_set(&e->deadline, BODY_TIMEOUT_S, 0.);
  ev_timer_start(pl_srv->loop, &e->deadline);
}

/* POST /meetings/import, read whole (import_http.h): the op answers. */
static void run_import(early *e) {
  char auth[256], ctype[128];
  bool has_auth = header_value(e->buf, e->head_len, "authorization", auth, sizeof auth);
  bool has_type = header_value(e->buf, e->head_len, "content-type", ctype, sizeof ctype);
  const char *eol = memchr(e->buf, '\r', e->head_len);
  const char *q = memchr(e->buf, '?', eol ? (size_t)(eol - e->buf) : e->head_len);
  const bool dry = q && (strncmp(q + 1, "dry_run=1", 9) == 0 || strncmp(q + 1, "dry_run=true", 12) == 0);
  char *out = NULL;
  unsigned status = pl_import_handle(has_auth ? auth : NULL, has_type ? ctype : NULL, dry,
                                     e->buf + e->head_len, e->body_len, &out);
  if (!out)
    return answer(e, 500, "out of memory");
  respond_whole(e, status, "application/json", out, strlen(out));
  free(out);
}

/* The whole request is in: the hook decides, the door answers. */
static void run_hook(early *e) {
  char path[80], auth[256], sig[160], reply[256];
  request_path(e->buf, e->head_len, path, sizeof path);
  if (strcmp(path, PL_IMPORT_PATH) == 0)
    return run_import(e);
  bool has_auth = header_value(e->buf, e->head_len, "authorization", auth, sizeof auth);
  bool has_sig = header_value(e->buf, e->head_len, "x-plenary-signature", sig, sizeof sig);
  pl_hook_in in = {path, has_auth ? auth : NULL, has_sig ? sig : NULL, e->buf + e->head_len,
                   e->body_len};
  const char *ctype;
  unsigned status = pl_hook_handle(&in, reply, sizeof reply, &ctype);
  respond(e, status, ctype, reply);
}

/* A POST's head is in: only a hook, with a Content-Length in bounds, is
 * read on; its body then gets its own deadline. */
static void begin_post(early *e, size_t head_len) {
  char path[80], cl[24];
  request_path(e->buf, head_len, path, sizeof path);
  if (header_value(e->buf, head_len, "transfer-encoding", cl, sizeof cl) ||
      !header_value(e->buf, head_len, "content-length", cl, sizeof cl))
    return answer(e, 411, "a hook needs Content-Length (and no Transfer-Encoding)");
  char *end;
  long long len = strtoll(cl, &end, 10);
  const bool import = strcmp(path, PL_IMPORT_PATH) == 0;
  if (*end || end == cl || len <= 0 || len > (import ? PL_IMPORT_BODY_MAX : PL_HOOK_BODY_MAX))
    return answer(e, 413, import ? "the file is 1 byte to 4 MiB"
                                 : "a hook's body is 1 byte to 256 KB of JSON");
  size_t whole = head_len + (size_t)len;
  if (e->cap < whole) {
    char *grown = realloc(e->buf, whole);
    if (!grown)
      return answer(e, 413, "no room for the hook's body");
    e->buf = grown;
    e->cap = whole;
  }
  e->head_len = head_len;
  e->body_len = (size_t)len;
  /* curl and others wait a second for this before a larger body. */
  char expect[24];
  if (header_value(e->buf, head_len, "expect", expect, sizeof expect) &&
      strcasecmp(expect, "100-continue") == 0 && e->len < whole &&
      send(e->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    (void)errno; /* the peer is gone: the read or the deadline ends it */
  ev_timer_stop(pl_srv->loop, &e->deadline);
  ev_timer_set(&e->deadline, BODY_TIMEOUT_S, 0.);
  ev_timer_start(pl_srv->loop, &e->deadline);
  if (e->len >= whole)
    run_hook(e);
}

static void hand_over(early *e, size_t head_len) {
  char head[PL_DOOR_HEADERS_MAX + 8], clen[24];
  size_t n;
  const char *why = NULL;
  /* lws 4.1.6 would read an adopted head again as a POST's body
   * (hooks_http.h): the door reads a hook whole and answers it itself. Any
   * other POST (an upload) goes to lws with its head alone: on_read took
   * nothing past it, and lws reads the body from the socket, as under TLS. */
  char path[80];
  request_path(e->buf, head_len, path, sizeof path);
  const bool post = strncmp(e->buf, "POST ", 5) == 0;
  const bool door_reads = post && (pl_hook_path(path) || strcmp(path, PL_IMPORT_PATH) == 0);
  /* the one POST whose body lws reads for us (http.c); any other it
   * answers from the head, and closes */
  const bool lws_reads = post && strcmp(path, "/documents") == 0;
  unsigned status = judge(e->buf, head_len, lws_reads ? NAMES(kept_for_body) : NAMES(kept),
                          head, sizeof head, &n, &why);
  if (status)
    return answer(e, status, why);
  if (door_reads)
    return begin_post(e, head_len);
  if (lws_reads && header_value(head, n, "content-length", clen, sizeof clen) &&
      strtoull(clen, NULL, 10) < n)
    return answer(e, 400, "the body is shorter than any form the server takes");
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
    if (e->body_len && e->len == e->cap)
      return run_hook(e); /* anything past the body is not read */
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
    /* a hook's body, once its head is in, is the door's to read */
    const int peek = e->body_len ? 0 : MSG_PEEK;
    ssize_t got = recv(e->fd, e->buf + e->len, e->cap - e->len, MSG_DONTWAIT | peek);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      pl_door_leave(e->fd);
      close(e->fd);
      return finish(e);
    }
    if (got < 0)
      return; /* wait for more */
    size_t before = e->len;
    e->len += (size_t)got;
    if (e->body_len) {
      if (e->len >= e->head_len + e->body_len)
        return run_hook(e);
      continue;
    }
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
  if (e->out)
    return close_done(e); /* the peer stopped reading the answer */
  if (e->body_len)
    return answer(e, 408, "the request's body did not arrive in time");
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
