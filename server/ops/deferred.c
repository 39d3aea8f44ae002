/* Work off the service thread (deferred.h). */
#include "ops/deferred.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdlib.h>

#include "base/server.h"
#include "ops/dispatch.h"

typedef struct job {
  pl_session *s;   /* borrowed; checked against serial before use */
  uint64_t serial;
  json_t *re;      /* owned: the request's id */
  int64_t now;
  void *arg;
  const pl_deferred_ops *ops; /* NULL for a task */
  const pl_task_ops *task;
  struct job *next;
} job;

static struct {
  bool running;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  job *todo, *todo_tail; /* under mu */
  job *done;             /* under mu */
  bool quit;             /* under mu */
  ev_async wake;         /* the worker tells the service thread */
  int in_flight;         /* service thread only */
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *worker(void *unused) {
  (void)unused;
  pthread_mutex_lock(&w.mu);
  for (;;) {
    while (!w.todo && !w.quit)
      pthread_cond_wait(&w.cv, &w.mu);
    if (w.quit)
      break;
    job *j = w.todo;
    w.todo = j->next;
    if (!w.todo)
      w.todo_tail = NULL;
    pthread_mutex_unlock(&w.mu);
    if (j->task)
      j->task->work(j->arg);
    else
      j->ops->work(j->arg);
    pthread_mutex_lock(&w.mu);
    j->next = w.done;
    w.done = j;
    ev_async_send(pl_srv->loop, &w.wake);
  }
  pthread_mutex_unlock(&w.mu);
  return NULL;
}

/* The session of a job, if it is still connected. A closed session's
 * memory may hold a new one: the serial tells them apart. */
static pl_session *alive(const job *j) {
  for (size_t i = 0; i < pl_srv->n_sessions; i++)
    if (pl_srv->sessions[i] == j->s && j->s->serial == j->serial)
      return j->s;
  return NULL;
}

static void finish(job *j) {
  if (j->task) {
    j->task->done(j->arg, false);
    free(j);
    w.in_flight--;
    return;
  }
  pl_session *s = alive(j);
  if (s) {
    pl_op_ctx c = {.s = s, .now = j->now};
    pl_err e = j->ops->done(j->arg, &c);
    s->deferred_busy = false;
    pl_ops_reply(s, j->re, e, c.msg, e == PL_ERR_OK ? c.result : NULL);
    if (e != PL_ERR_OK)
      json_decref(c.result);
  }
  j->ops->release(j->arg);
  json_decref(j->re);
  free(j);
  w.in_flight--;
}

static void on_wake(struct ev_loop *loop, ev_async *a, int revents) {
  (void)loop;
  (void)a;
  (void)revents;
  pthread_mutex_lock(&w.mu);
  job *done = w.done;
  w.done = NULL;
  pthread_mutex_unlock(&w.mu);
  while (done) {
    job *next = done->next;
    finish(done);
    done = next;
  }
}

int pl_deferred_start(void) {
  ev_async_init(&w.wake, on_wake);
  ev_async_start(pl_srv->loop, &w.wake);
  /* The watcher must not keep the loop alive at shutdown by itself. */
  ev_unref(pl_srv->loop);
  w.quit = false;
  if (pthread_create(&w.th, NULL, worker, NULL)) {
    ev_ref(pl_srv->loop);
    ev_async_stop(pl_srv->loop, &w.wake);
    return -1;
  }
  w.running = true;
  return 0;
}

void pl_deferred_stop(void) {
  if (!w.running)
    return;
  pthread_mutex_lock(&w.mu);
  w.quit = true;
  pthread_cond_signal(&w.cv);
  pthread_mutex_unlock(&w.mu);
  pthread_join(w.th, NULL);
  w.running = false;
  ev_ref(pl_srv->loop);
  ev_async_stop(pl_srv->loop, &w.wake);
  /* What never ran, and what ran but was not collected: nobody hears. */
  job *lists[2] = {w.todo, w.done};
  w.todo = w.todo_tail = w.done = NULL;
  for (int k = 0; k < 2; k++)
    for (job *j = lists[k], *next; j; j = next) {
      next = j->next;
      if (j->task) {
        j->task->done(j->arg, true);
      } else {
        j->ops->release(j->arg);
        json_decref(j->re);
      }
      free(j);
    }
  w.in_flight = 0;
}

static void enqueue(job *j);

pl_err pl_defer(pl_op_ctx *c, void *arg, const pl_deferred_ops *ops) {
  if (!w.running) {
    ops->work(arg);
    pl_err e = ops->done(arg, c);
    ops->release(arg);
    return e;
  }
  if (c->s->deferred_busy || w.in_flight >= PL_DEFERRED_MAX) {
    ops->release(arg);
    return pl_op_fail(c, PL_ERR_RATE_LIMITED,
                      c->s->deferred_busy ? "your previous request is still being computed"
                                          : "the server is busy computing; try again shortly");
  }
  job *j = malloc(sizeof *j);
  if (!j) {
    ops->release(arg);
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  }
  *j = (job){.s = c->s, .serial = c->s->serial, .re = json_incref(c->re), .now = c->now,
             .arg = arg, .ops = ops};
  c->s->deferred_busy = true;
  c->deferred = true;
  enqueue(j);
  return PL_ERR_OK;
}

static void enqueue(job *j) {
  w.in_flight++;
  pthread_mutex_lock(&w.mu);
  if (w.todo_tail)
    w.todo_tail->next = j;
  else
    w.todo = j;
  w.todo_tail = j;
  pthread_cond_signal(&w.cv);
  pthread_mutex_unlock(&w.mu);
}

int pl_defer_task(void *arg, const pl_task_ops *ops) {
  if (!w.running) {
    ops->work(arg);
    ops->done(arg, false);
    return 0;
  }
  job *j = w.in_flight < PL_DEFERRED_MAX ? calloc(1, sizeof *j) : NULL;
  if (!j)
    return -1;
  j->arg = arg;
  j->task = ops;
  enqueue(j);
  return 0;
}
