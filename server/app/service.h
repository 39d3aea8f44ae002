/*
 * systemd's side of a start and a stop (service.c), through libsystemd's
 * sd_notify: READY=1 once the port is open (so that `systemctl start`, with
 * Type=notify, returns only then), RELOADING=1 and READY=1 around a SIGHUP,
 * STOPPING=1 on the way out, and WATCHDOG=1 from a timer on the service loop
 * at half of WatchdogSec=, so that a loop stuck in one callback stops the
 * pings and systemd restarts the service. Outside systemd (no NOTIFY_SOCKET)
 * every call is a no-op.
 */
#ifndef PL_APP_SERVICE_H
#define PL_APP_SERVICE_H

#include <ev.h>

/* Tells systemd the server is ready, with a status line, and starts the
 * watchdog timer on `loop` when systemd asked for one. */
void pl_service_ready(struct ev_loop *loop, const char *status);
void pl_service_reloading(void);
void pl_service_reloaded(void);
/* Says STOPPING=1 and stops the watchdog timer. */
void pl_service_stopping(struct ev_loop *loop);

#endif
