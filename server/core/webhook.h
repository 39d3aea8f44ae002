/*
 * The rules of webhook deliveries (webhook.c): which events an endpoint
 * asked for, and when a failed delivery is tried again. Pure: time is an
 * argument, and the shell (net/deliver.c) arms the deadline returned.
 *
 * A failed delivery is tried again after 1 s, 2 s, 4 s, ... doubling up to
 * an hour between tries, for a day from the event: a receiver that was down
 * overnight gets everything, in order, when it is back. Past the day the
 * delivery is given up (and the attempts say so).
 */
#ifndef PL_CORE_WEBHOOK_H
#define PL_CORE_WEBHOOK_H

#include <stdbool.h>
#include <stdint.h>

#define PL_WEBHOOK_RETRY_FIRST_MS 1000
#define PL_WEBHOOK_RETRY_MAX_MS (3600 * 1000LL)
#define PL_WEBHOOK_RETRY_FOR_MS (24 * 3600 * 1000LL)

/* When to try again a delivery of an event made at `first_at` that has now
 * failed `attempts` times (>= 1): the instant, or -1 when the day is over
 * and it is given up. */
int64_t pl_webhook_retry_at(int attempts, int64_t first_at, int64_t now);

/* True when event `ev` ("floor.changed") matches one of the endpoint's
 * patterns: a name, a family ("floor.*") or everything ("*"). `patterns`
 * is comma-separated, as stored. */
bool pl_webhook_matches(const char *patterns, const char *ev);

/* True when `pattern` is one pl_webhook_matches reads: "*", or a name or
 * family of lower-case letters, digits, '_' and '.' (1 to 63 bytes). */
bool pl_webhook_pattern_is_valid(const char *pattern);

#endif
