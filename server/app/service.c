/* systemd's side of a start and a stop (service.h). */
#include "app/service.h"

#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

static ev_timer watchdog;

static void on_watchdog(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop, (void)w, (void)revents;
  sd_notify(0, "WATCHDOG=1");
}

void pl_service_ready(struct ev_loop *loop, const char *status) {
  char msg[512];
  snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", status);
  sd_notify(0, msg);
  uint64_t usec = 0;
  /* > 0: WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is ours) */
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    double every = (double)usec / 2e6;
    ev_timer_init(&watchdog, on_watchdog, every, every);
    ev_timer_start(loop, &watchdog);
    sd_notify(0, "WATCHDOG=1");
  }
}

void pl_service_reloading(void) { sd_notify(0, "RELOADING=1"); }

void pl_service_reloaded(void) { sd_notify(0, "READY=1\nSTATUS=reloaded"); }

void pl_service_stopping(struct ev_loop *loop) {
  sd_notify(0, "STOPPING=1");
  ev_timer_stop(loop, &watchdog); /* a no-op when it never started */
}
