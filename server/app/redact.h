/*
 * Log lines without secrets (redact.c). A feed key travels in URL paths
 * (/calendar/KEY.ics) and queries (?feed=KEY), and lws logs request paths at
 * info level (LIBRARY-NOTES 9); every line lws or plenaryd logs passes
 * through pl_log_emit, which blanks them before the line reaches stderr.
 */
#ifndef PL_APP_REDACT_H
#define PL_APP_REDACT_H

#include <stddef.h>

/* Copies `line` into out (cap bytes, always terminated) with the value of
 * every /calendar/..., feed=... and token=... replaced by "(secret)". */
void pl_redact(const char *line, char *out, size_t cap);

/* The lws log emitter (lws_set_log_level's second argument): each line lws
 * or our lwsl_* calls write becomes one pl_log "log" event at the level that
 * matches lws' (LLL_ERR error, LLL_WARN warn, LLL_USER and LLL_NOTICE notice,
 * LLL_INFO info, the rest debug). */
void pl_log_emit(int level, const char *line);

/* The lws mask that lets through lws' lines down to `level`. lws' own notice
 * lines are start-up chatter, so they come only from info on. */
int pl_log_lws_mask(int level);

#endif
