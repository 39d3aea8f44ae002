/*
 * The shell's two clocks. The core never reads either: time reaches it as an
 * argument. Wall-clock instants are what the wire carries (`*_at`,
 * `server_time`); the monotonic clock measures durations (keepalive, the
 * fan-out histogram), which must not jump when the wall clock is set.
 */
#ifndef PL_BASE_CLOCK_H
#define PL_BASE_CLOCK_H

#include <stdint.h>

/* Wall-clock now in ms since the Unix epoch, UTC. */
int64_t pl_now_ms(void);
/* Monotonic microseconds since an arbitrary start. */
int64_t pl_mono_us(void);

#endif
