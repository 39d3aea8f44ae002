/* The rules of webhook deliveries (webhook.h). */
#include "core/webhook.h"

#include <string.h>

int64_t pl_webhook_retry_at(int attempts, int64_t first_at, int64_t now) {
  int64_t delay = PL_WEBHOOK_RETRY_FIRST_MS;
  for (int i = 1; i < attempts && delay < PL_WEBHOOK_RETRY_MAX_MS; i++)
    delay *= 2;
  if (delay > PL_WEBHOOK_RETRY_MAX_MS)
    delay = PL_WEBHOOK_RETRY_MAX_MS;
  int64_t at = now + delay, last = first_at + PL_WEBHOOK_RETRY_FOR_MS;
  if (now >= last)
    return -1;
  /* The last try falls at the day's end, not an hour past it. */
  return at > last ? last : at;
}

static bool one_matches(const char *p, size_t n, const char *ev) {
  if (n == 1 && p[0] == '*')
    return true;
  if (n >= 2 && p[n - 2] == '.' && p[n - 1] == '*')
    return strncmp(ev, p, n - 1) == 0; /* "floor." is a prefix of "floor.changed" */
  return strlen(ev) == n && strncmp(ev, p, n) == 0;
}

bool pl_webhook_matches(const char *patterns, const char *ev) {
  for (const char *p = patterns; p && *p;) {
    size_t n = strcspn(p, ",");
    if (one_matches(p, n, ev))
      return true;
    p += n;
    if (*p == ',')
      p++;
  }
  return false;
}

bool pl_webhook_pattern_is_valid(const char *pattern) {
  size_t n = strlen(pattern);
  if (n == 1 && pattern[0] == '*')
    return true;
  if (n == 0 || n > 63 || pattern[0] == '.')
    return false;
  size_t body = n >= 2 && pattern[n - 2] == '.' && pattern[n - 1] == '*' ? n - 1 : n;
  return strspn(pattern, "abcdefghijklmnopqrstuvwxyz0123456789_.") == body;
}
