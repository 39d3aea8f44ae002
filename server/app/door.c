/* The door: admission and deadlines for every connection (door.h). */
#include "app/door.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/early.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"

/* One accepted connection, indexed by its descriptor. */
typedef struct slot {
  struct lws *wsi;
  int64_t born_ms;
  uint32_t addr; /* index + 1 in the address table */
  bool used;
  bool parsed; /* its (first) request's headers were read */
} slot;

/* Connections per address: open addressing, linear probing. */
typedef struct addr_entry {
  uint8_t key[16]; /* IPv4 as v4-mapped IPv6 */
  uint32_t count;
} addr_entry;

static struct {
  pl_door_config cfg;
  slot *slots;
  size_t n_slots; /* the file limit */
  addr_entry *addrs;
  size_t cap_addrs; /* a power of two, at least twice max_conns */
  int open;
  int max_fd;
  ev_timer sweep;
  struct lws *listener; /* seen in the first accept's callback */
  ev_timer resume;      /* lets the listener accept again */
  int handshaking;      /* TLS slots used and not parsed (PL_DOOR_HANDSHAKES_MAX) */
  bool full;            /* the listener is paused for them */
  int64_t logged_ms;    /* accept errors: the last line said, and since then */
  uint64_t unlogged;
} door;

int pl_door_max_conns(void) {
  return door.cfg.max_conns;
}

int pl_door_init(const pl_door_config *cfg) {
  door.cfg = *cfg;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    /* The hard limit is the administrator's; the soft one is only a default. */
    if (rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
    }
  } else {
    rl.rlim_cur = 1024;
  }
  size_t limit = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20) ? (1u << 20)
                                                                          : rl.rlim_cur;
  int ceiling = (int)limit - PL_DOOR_FD_RESERVE;
  if (ceiling < 16)
    ceiling = 16;
  if (door.cfg.max_conns <= 0 || door.cfg.max_conns > ceiling)
    door.cfg.max_conns = ceiling;
  if (door.cfg.max_per_address <= 0)
    door.cfg.max_per_address = PL_DOOR_PER_ADDRESS_DEFAULT;
  if (door.cfg.header_timeout_s <= 0)
    door.cfg.header_timeout_s = PL_DOOR_HEADER_TIMEOUT_DEFAULT;
  door.n_slots = limit;
  door.slots = calloc(limit, sizeof *door.slots);
  for (door.cap_addrs = 64; door.cap_addrs < 2 * (size_t)door.cfg.max_conns;)
    door.cap_addrs *= 2;
  door.addrs = calloc(door.cap_addrs, sizeof *door.addrs);
  return door.slots && door.addrs ? 0 : -1;
}

void pl_door_free(void) {
  free(door.slots);
  free(door.addrs);
  memset(&door, 0, sizeof door);
}

/* --- addresses ---------------------------------------------------------------- */

static void key_of(const struct sockaddr_storage *sa, uint8_t key[16]) {
  memset(key, 0, 16);
  if (sa->ss_family == AF_INET6) {
    memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
  } else if (sa->ss_family == AF_INET) {
    key[10] = key[11] = 0xff;
    memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  }
}

static size_t hash_key(const uint8_t key[16]) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (int i = 0; i < 16; i++)
    h = (h ^ key[i]) * 1099511628211ull;
  return (size_t)h;
}

/* The entry of `key`: found, or the empty one where it goes. */
static size_t addr_find(const uint8_t key[16]) {
  size_t mask = door.cap_addrs - 1, i = hash_key(key) & mask;
  while (door.addrs[i].count && memcmp(door.addrs[i].key, key, 16) != 0)
    i = (i + 1) & mask;
  return i;
}

/* Backward-shift deletion, so that probing never needs tombstones. */
static void addr_remove(size_t i) {
  size_t mask = door.cap_addrs - 1, j = i;
  for (;;) {
    door.addrs[i].count = 0;
    for (;;) {
      j = (j + 1) & mask;
      if (!door.addrs[j].count)
        return;
      size_t home = hash_key(door.addrs[j].key) & mask;
      /* j's entry may move to i when i lies cyclically in [home, j). */
      if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
        break;
    }
    door.addrs[i] = door.addrs[j];
    i = j;
  }
}

/* --- admission ---------------------------------------------------------------- */

static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
                           "Content-Type: text/plain\r\nRetry-After: 10\r\n"
                           "Connection: close\r\nContent-Length: 21\r\n\r\n"
                           "too many connections\n";

/* Over a cap: a plain connection is told so; under TLS the bytes would be
 * garbage before a handshake, and a handshake is what the cap saves. */
static int refuse(int fd, uint64_t *counter) {
  (*counter)++;
  if (!door.cfg.tls && send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    (void)errno; /* the peer may be gone already; it is closed either way */
  return 1;
}

/* One TLS connection fewer in its handshake: the listener accepts again once
 * there is room, unless an accept error paused it (on_resume then does). */
static void handshake_done(slot *s) {
  if (s->parsed)
    return;
  s->parsed = true;
  if (!door.cfg.tls)
    return;
  door.handshaking--;
  if (door.full && door.handshaking < PL_DOOR_HANDSHAKES_MAX / 2) {
    door.full = false;
    if (door.listener && !ev_is_active(&door.resume))
      lws_rx_flow_control(door.listener, 1);
  }
}

static int admit(struct lws *listener, const struct lws_filter_network_conn_args *a) {
  int fd = (int)a->accept_fd;
  door.listener = listener;
  if (fd < 0 || (size_t)fd >= door.n_slots)
    return refuse(fd, &pl_srv->metrics.refused_global);
  if (door.open >= door.cfg.max_conns)
    return refuse(fd, &pl_srv->metrics.refused_global);
  uint8_t key[16];
  key_of(&a->cli_addr, key);
  size_t i = addr_find(key);
  if (door.addrs[i].count >= (uint32_t)door.cfg.max_per_address)
    return refuse(fd, &pl_srv->metrics.refused_address);
  if (!door.addrs[i].count)
    memcpy(door.addrs[i].key, key, 16);
  door.addrs[i].count++;
  slot *s = &door.slots[fd];
  if (s->used) /* a descriptor lws closed without telling: its count goes */
    handshake_done(s);
  *s = (slot){.born_ms = pl_mono_us() / 1000, .addr = (uint32_t)i + 1, .used = true};
  door.open++;
  if (fd > door.max_fd)
    door.max_fd = fd;
  pl_srv->metrics.sockets_open = (uint64_t)door.open;
  if (door.cfg.tls) {
    if (++door.handshaking >= PL_DOOR_HANDSHAKES_MAX && !door.full) {
      door.full = true;
      lws_rx_flow_control(listener, 0);
    }
    return 0;
  }
  /* Plain: the door reads the head first (early.c) on a duplicate of the
   * socket, and lws closes its own. */
  int mine = dup(fd);
  if (mine < 0 || (size_t)mine >= door.n_slots) {
    if (mine >= 0)
      close(mine);
    return 0; /* lws reads it, as under TLS */
  }
  door.slots[mine] = *s;
  *s = (slot){0};
  if (mine > door.max_fd)
    door.max_fd = mine;
  pl_early_take(mine, door.cfg.header_timeout_s);
  return 1;
}

void pl_door_leave(int fd) {
  if (fd < 0 || (size_t)fd >= door.n_slots)
    return;
  slot *s = &door.slots[fd];
  if (!s->used)
    return;
  handshake_done(s);
  size_t i = s->addr - 1;
  if (door.addrs[i].count && --door.addrs[i].count == 0)
    addr_remove(i);
  *s = (slot){0};
  door.open--;
  pl_srv->metrics.sockets_open = (uint64_t)door.open;
}

/* --- requests ----------------------------------------------------------------- */

/* The slot of a connection the door handed to lws (its descriptor + 1 is
 * the wsi's opaque data), or NULL. */
static slot *slot_of(struct lws *wsi) {
  int fd = (int)(intptr_t)lws_get_opaque_user_data(wsi) - 1;
  return fd >= 0 && (size_t)fd < door.n_slots && door.slots[fd].wsi == wsi ? &door.slots[fd]
                                                                           : NULL;
}

static void mark_parsed(struct lws *wsi) {
  slot *s = slot_of(wsi);
  if (s)
    handshake_done(s);
}

/* Under TLS, what lws parsed but must not be served: lws decodes %00 into
 * the path it hands on, so a path shorter than its length holds a NUL.
 * (On plain connections early.c has refused it before lws saw it.) */
static unsigned bad_request(const char *path, size_t len, const char **why) {
  if (path && len && strnlen(path, len) < len) {
    *why = "the path holds a NUL";
    return HTTP_STATUS_BAD_REQUEST;
  }
  return 0;
}

/* Under TLS lws holds a head of up to PL_TLS_HEADERS_MAX (server.c), so
 * that the 8 KB a request may have is judged here with a status, as the
 * plain door judges it (early.c): from what lws kept, the target and its
 * query (414) and every header lws knows by name (431). */
static unsigned oversized(struct lws *wsi, const char **why) {
  if (!lws_is_ssl(wsi))
    return 0; /* the door has judged the head already */
  int target = 0, headers = 0;
  for (int t = 0; t < WSI_TOKEN_COUNT; t++) {
    int n = lws_hdr_total_length(wsi, (enum lws_token_indexes)t);
    if (n <= 0)
      continue;
    bool in_target = t == WSI_TOKEN_GET_URI || t == WSI_TOKEN_POST_URI ||
                     t == WSI_TOKEN_HEAD_URI || t == WSI_TOKEN_OPTIONS_URI ||
                     t == WSI_TOKEN_PUT_URI || t == WSI_TOKEN_PATCH_URI ||
                     t == WSI_TOKEN_DELETE_URI || t == WSI_TOKEN_CONNECT ||
                     t == WSI_TOKEN_HTTP_URI_ARGS;
    *(in_target ? &target : &headers) += n;
  }
  if (target > PL_DOOR_HEADERS_MAX)
    return (*why = "the request target is over 8 KB", HTTP_STATUS_REQ_URI_TOO_LONG);
  if (headers > PL_DOOR_HEADERS_MAX)
    return (*why = "the request headers are over 8 KB", 431);
  return 0;
}

static int answer(struct lws *wsi, unsigned status, const char *why) {
  pl_srv->metrics.http_refused++;
  lws_return_http_status(wsi, status, why);
  return 1; /* and close */
}

/* --- the sweep ---------------------------------------------------------------- */

static void on_sweep(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  int64_t now = pl_mono_us() / 1000, limit = (int64_t)door.cfg.header_timeout_s * 1000;
  for (int fd = 0; fd <= door.max_fd; fd++) {
    slot *s = &door.slots[fd];
    if (!s->used || s->parsed || !s->wsi || now - s->born_ms < limit)
      continue;
    handshake_done(s); /* once */
    pl_srv->metrics.header_timeouts++;
    SSL *ssl = lws_is_ssl(s->wsi) ? lws_get_ssl(s->wsi) : NULL;
    if (!lws_is_ssl(s->wsi) || (ssl && SSL_is_init_finished(ssl)))
      lws_return_http_status(s->wsi, HTTP_STATUS_BAD_REQUEST,
                             "the request could not be read in time");
    lws_set_timeout(s->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
  }
}

/* --- accept errors ------------------------------------------------------------ */

static void on_resume(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  if (door.listener && !door.full)
    lws_rx_flow_control(door.listener, 1);
}

bool pl_door_accept_failed(const char *line) {
  /* lws 4.1 says this at error level on every socket handed over with its
   * first bytes, which is the door's normal path (early.c): not news. */
  if (strncmp(line, "adopt_socket_readbuf: calling service", 37) == 0)
    return true;
  if (strncmp(line, "accept: errno", 13) != 0)
    return false;
  pl_srv->metrics.accept_errors++;
  /* lws tries again on every loop pass while the listener is readable:
   * stop listening for a tenth of a second, so the others are served. */
  if (door.listener && !ev_is_active(&door.resume)) {
    lws_rx_flow_control(door.listener, 0);
    ev_timer_set(&door.resume, 0.1, 0.);
    ev_timer_start(pl_srv->loop, &door.resume);
  }
  int64_t now = pl_mono_us() / 1000;
  door.unlogged++;
  if (door.logged_ms && now - door.logged_ms < 10000)
    return true;
  char count[24], open[16], cap[16];
  snprintf(count, sizeof count, "%llu", (unsigned long long)door.unlogged);
  snprintf(open, sizeof open, "%d", door.open);
  snprintf(cap, sizeof cap, "%d", door.cfg.max_conns);
  pl_log(PL_LOG_ERROR, "accept.failed", "msg", line + 8, "times_in_10s", count, "open", open,
         "max_conns", cap, NULL);
  door.unlogged = 0;
  door.logged_ms = now;
  return true;
}

void pl_door_start(void) {
  ev_timer_init(&door.sweep, on_sweep, 1., 1.);
  ev_timer_start(pl_srv->loop, &door.sweep);
  ev_timer_init(&door.resume, on_resume, 0.1, 0.);
}

void pl_door_stop(void) {
  ev_timer_stop(pl_srv->loop, &door.sweep);
  ev_timer_stop(pl_srv->loop, &door.resume);
}

/* --- the callback ------------------------------------------------------------- */

int pl_door_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len, int *result) {
  const char *why = NULL;
  unsigned status;
  switch (reason) {
  case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
    /* `user` holds the accepted descriptor and the peer's address */
    *result = admit(wsi, user);
    return 1;
  case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED: {
    int fd = (int)lws_get_socket_fd(wsi);
    if (fd >= 0 && (size_t)fd < door.n_slots && door.slots[fd].used) {
      door.slots[fd].wsi = wsi;
      lws_set_opaque_user_data(wsi, (void *)(intptr_t)(fd + 1));
    }
    return 0;
  }
  case LWS_CALLBACK_WSI_DESTROY: {
    slot *s = slot_of(wsi);
    if (s)
      pl_door_leave((int)(s - door.slots));
    return 0;
  }
  case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
    mark_parsed(wsi);
    if ((status = bad_request(in, len, &why)) || (status = oversized(wsi, &why))) {
      *result = answer(wsi, status, why);
      return 1;
    }
    return 0;
  case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
    mark_parsed(wsi);
    if ((status = oversized(wsi, &why))) {
      *result = answer(wsi, status, why);
      return 1;
    }
    return 0;
  default:
    return 0;
  }
}
