/* Log lines without secrets (redact.h). */
#include "app/redact.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

#include "app/door.h"
#include "base/log.h"

/* Where a secret's value ends: at a separator of paths, queries and log
 * text, or at ".ics". */
static size_t secret_len(const char *p) {
  size_t n = strcspn(p, " \t\r\n&?#\"'<>,;)");
  const char *ics = strstr(p, ".ics");
  if (ics && (size_t)(ics - p) < n)
    n = (size_t)(ics - p);
  return n;
}

void pl_redact(const char *line, char *out, size_t cap) {
  static const char *const leads[] = {"/calendar/", "feed=", "token="};
  size_t o = 0;
  if (cap == 0)
    return;
  while (*line && o + 1 < cap) {
    size_t lead = 0;
    for (size_t i = 0; i < sizeof leads / sizeof leads[0] && !lead; i++)
      if (strncmp(line, leads[i], strlen(leads[i])) == 0)
        lead = strlen(leads[i]);
    if (!lead) {
      out[o++] = *line++;
      continue;
    }
    size_t n = secret_len(line + lead);
    int w = snprintf(out + o, cap - o, "%.*s%s", (int)lead, line, n ? "(secret)" : "");
    o += w < 0 ? 0 : (size_t)w < cap - o ? (size_t)w : cap - o - 1;
    line += lead + n;
  }
  out[o] = '\0';
}

void pl_log_emit(int level, const char *line) {
  if (pl_door_accept_failed(line))
    return;
  pl_log_level l = level & LLL_ERR                ? PL_LOG_ERROR
                   : level & LLL_WARN             ? PL_LOG_WARN
                   : level & (LLL_USER | LLL_NOTICE) ? PL_LOG_NOTICE
                   : level & LLL_INFO             ? PL_LOG_INFO
                                                  : PL_LOG_DEBUG;
  char text[2048];
  size_t n = strlen(line);
  /* lws lines end in a newline; the line is ours to end */
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    n--;
  snprintf(text, sizeof text, "%.*s", (int)n, line);
  pl_log(l, "log", "msg", text, NULL);
}

int pl_log_lws_mask(int level) {
  int mask = LLL_ERR | LLL_USER;
  if (level >= PL_LOG_WARN)
    mask |= LLL_WARN;
  if (level >= PL_LOG_INFO)
    mask |= LLL_NOTICE | LLL_INFO; /* lws logs cookies at NOTICE (LIBRARY-NOTES 4.6); we set none */
  if (level >= PL_LOG_DEBUG)
    mask |= LLL_DEBUG;
  return mask;
}
