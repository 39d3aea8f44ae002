/*
 * plenaryd: command line (contract section 1). The subcommands (backup,
 * restore, replay, verify, authz) are dispatched here; the server's options
 * come from the configuration file and the flags (config.c), checked before
 * anything starts, so that a bad value is one line naming the key and exit
 * status 2; then the server runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "app/backup.h"
#include "app/config.h"
#include "app/redact.h"
#include "app/replay.h"
#include "app/server.h"
#include "app/verify.h"
#include "base/log.h"
#include "ops/dispatch.h"

static int bad(const char *flag, const char *why) {
  fprintf(stderr, "plenaryd: %s: %s\n", flag, why);
  pl_options_usage(stderr);
  return 2;
}

/* plenaryd replay --db FILE --check: the views against the log; plenaryd
 * verify --db FILE: the log's hash chains. */
static int replay_main(int argc, char **argv) {
  const char *db = NULL;
  bool verify = strcmp(argv[1], "verify") == 0, check = verify;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--check") == 0 && !verify)
      check = true;
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
      db = argv[++i];
    else
      return bad(argv[i], strcmp(argv[i], "--db") == 0 ? "needs a value" : "unknown flag");
  }
  if (!db)
    return bad(argv[1], "--db FILE is required");
  if (!check)
    return bad("replay", "--check is required (it is what replay does)");
  if (access(db, F_OK)) {
    fprintf(stderr, "plenaryd %s: no database at %s\n", argv[1], db);
    return 2;
  }
  return verify ? pl_verify_chains(db) : pl_replay_check(db);
}

static int run_server(int argc, char **argv) {
  pl_options *o = calloc(1, sizeof *o);
  if (!o)
    return 1;
  int rc = pl_options_load(o, argc, argv);
  if (rc == 0 && o->check_only)
    printf("plenaryd: the configuration is valid (%s, then the flags)\n",
           o->path ? o->path : "no file");
  else if (rc == 0 && !o->help) {
    pl_log_setup((pl_log_format)o->cfg.log_format, (pl_log_level)o->cfg.log_level, pl_redact);
    lws_set_log_level(pl_log_lws_mask(o->cfg.log_level), pl_log_emit);
    rc = pl_server_run(&o->cfg);
  }
  pl_options_release(o);
  free(o);
  return rc;
}

int main(int argc, char **argv) {
  /* Until the options say otherwise: text, notice and above, secrets blanked. */
  pl_log_setup(PL_LOG_TEXT, PL_LOG_NOTICE, pl_redact);
  lws_set_log_level(pl_log_lws_mask(PL_LOG_WARN), pl_log_emit);
  const char *cmd = argc > 1 ? argv[1] : "";
  if (strcmp(cmd, "--version") == 0) {
    printf("plenaryd %s\n", PLENARY_VERSION);
    return 0;
  }
  if (strcmp(cmd, "replay") == 0 || strcmp(cmd, "verify") == 0)
    return replay_main(argc, argv);
  if (strcmp(cmd, "backup") == 0)
    return pl_backup_main(argc, argv);
  if (strcmp(cmd, "restore") == 0)
    return pl_restore_main(argc, argv);
  if (strcmp(cmd, "authz") == 0) {
    if (argc > 2)
      return bad(argv[2], "unexpected argument");
    pl_ops_print_authz(stdout);
    return 0;
  }
  return run_server(argc, argv);
}
