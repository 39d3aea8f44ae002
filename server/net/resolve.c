/* Host names resolved off the service thread (resolve.h). */
#include "net/resolve.h"

#include <arpa/inet.h>
#include <ev.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/server.h"

typedef struct job {
  char host[256];
  char addr[INET6_ADDRSTRLEN];
  const char *why; /* static text; NULL when addr is set */
  void *token;
  pl_resolved_fn fn;
  struct job *next;
} job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static job *done;        /* answers for the loop, under lock */
static ev_async wake;
static bool running;

bool pl_resolve_is_numeric(const char *host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* IPv4 first: the server's context refuses IPv6 when it listens on v4. */
static void *lookup(void *arg) {
  job *j = arg;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
  if (getaddrinfo(j->host, NULL, &hints, &res) || !res) {
    j->why = "the host name does not resolve";
  } else {
    const struct addrinfo *pick = res;
    for (const struct addrinfo *a = res; a; a = a->ai_next)
      if (a->ai_family == AF_INET) {
        pick = a;
        break;
      }
    const void *in = pick->ai_family == AF_INET
                         ? (const void *)&((struct sockaddr_in *)pick->ai_addr)->sin_addr
                         : (const void *)&((struct sockaddr_in6 *)pick->ai_addr)->sin6_addr;
    if (!inet_ntop(pick->ai_family, in, j->addr, sizeof j->addr))
      j->why = "the host's address cannot be written";
  }
  if (res)
    freeaddrinfo(res);
  pthread_mutex_lock(&lock);
  j->next = done;
  done = j;
  pthread_mutex_unlock(&lock);
  ev_async_send(pl_srv->loop, &wake); /* libev's one thread-safe call */
  return NULL;
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents) {
  (void)loop, (void)w, (void)revents;
  pthread_mutex_lock(&lock);
  job *j = done;
  done = NULL;
  pthread_mutex_unlock(&lock);
  while (j) {
    job *next = j->next;
    if (running)
      j->fn(j->token, j->why ? NULL : j->addr, j->why);
    free(j);
    j = next;
  }
}

int pl_resolve(const char *host, void *token, pl_resolved_fn fn) {
  job *j = calloc(1, sizeof *j);
  if (!j || strlen(host) >= sizeof j->host) {
    free(j);
    return -1;
  }
  snprintf(j->host, sizeof j->host, "%s", host);
  j->token = token;
  j->fn = fn;
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int rc = pthread_create(&t, &attr, lookup, j);
  pthread_attr_destroy(&attr);
  if (rc) {
    free(j);
    return -1;
  }
  return 0;
}

void pl_resolve_start(void) {
  ev_async_init(&wake, on_wake);
  ev_async_start(pl_srv->loop, &wake);
  running = true;
}

void pl_resolve_stop(void) {
  running = false;
  ev_async_stop(pl_srv->loop, &wake);
}
