/*
 * The configuration (config.c): one table of options, read from a file of
 * `key = value` lines (libinih) and from the command line, where each flag is
 * `--key`. Flags override the file. Every bad value is one line naming the
 * key (and the file and line it came from), and exit status 2, before
 * anything starts.
 */
#ifndef PL_APP_CONFIG_H
#define PL_APP_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "app/server.h"

#define PL_CONFIG_DEFAULT "/etc/plenary/plenary.conf"
#define PL_CONFIG_MAX_ORIGINS 16
#define PL_CONFIG_MAX_OPTIONS 32
#define PL_URL_MAX 512

typedef struct pl_options {
  pl_config cfg;
  const char *path;   /* the file read, or NULL */
  bool check_only;    /* --check-config: validate, then exit */
  bool help;          /* --help: the usage was printed */
  const char *origins[PL_CONFIG_MAX_ORIGINS + 1];
  size_t n_origins;
  bool origins_from_flags;
  char listen[128];
  char jitsi_url[PL_URL_MAX];
  char *owned[64];    /* values copied out of the file; freed by release */
  size_t n_owned;
  char where[PL_CONFIG_MAX_OPTIONS][300]; /* "--db" or "FILE:LINE: db": who set it */
} pl_options;

/* Fills o from the file (--config FILE, else PL_CONFIG_DEFAULT when it
 * exists) and then argv, and checks the result. Returns 0, or the exit
 * status after writing why to stderr (2); with --help, prints the usage and
 * returns 0 with o->help set. Call pl_options_release either way. */
int pl_options_load(pl_options *o, int argc, char **argv);
void pl_options_release(pl_options *o);

/* Sets one option by its key from text (a switch takes true/yes/false/no),
 * copying the value; `where` names it in the one-line error. Returns 0, or
 * the exit status after writing why (2 for a bad key or value). */
int pl_options_set(pl_options *o, const char *key, const char *value, const char *where);

/* The usage text of the server command. */
void pl_options_usage(FILE *out);

#endif
