/*
 * plenaryd: command line (contract section 1). Flags are parsed and checked
 * here, so that a bad flag or an unreadable certificate is a one-line error
 * and exit status 2 before anything starts; then the server runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "app/redact.h"
#include "app/replay.h"
#include "app/server.h"
#include "app/verify.h"
#include "ops/dispatch.h"

#define MAX_ORIGINS 16

static const char usage[] =
    "usage: plenaryd [--listen ADDR:PORT] [--db FILE] [--web DIR]\n"
    "                [--cert FILE --key FILE | --plain] [--origin URL]...\n"
    "                [--demo] [--log-level error|warn|notice|info|debug]\n"
    "                [--keepalive SECONDS] [--fanout-threads N] [--fanout-split N]\n"
    "                [--max-conns N] [--max-conns-per-address N] [--header-timeout SECONDS]\n"
    "       plenaryd replay --db FILE --check\n"
    "       plenaryd verify --db FILE\n"
    "       plenaryd authz\n";

static int bad(const char *flag, const char *why) {
  fprintf(stderr, "plenaryd: %s: %s\n%s", flag, why, usage);
  return 2;
}

/* "ADDR:PORT", "[v6]:PORT" or ":PORT". */
static int parse_listen(char *arg, pl_config *cfg) {
  char *colon = strrchr(arg, ':');
  if (!colon)
    return -1;
  *colon = '\0';
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || colon[1] == '\0' || port < 0 || port > 65535)
    return -1;
  cfg->port = (int)port;
  if (arg[0] == '[') {
    size_t n = strlen(arg);
    if (n < 3 || arg[n - 1] != ']')
      return -1;
    arg[n - 1] = '\0';
    arg++;
  }
  cfg->listen_addr = *arg ? arg : "0.0.0.0";
  return 0;
}

static int parse_level(const char *s) {
  static const struct { const char *name; int mask; } levels[] = {
      {"error", LLL_ERR},
      {"warn", LLL_ERR | LLL_WARN},
      /* lws logs cookies at NOTICE (LIBRARY-NOTES 4.6); we set no cookies. */
      {"notice", LLL_ERR | LLL_WARN | LLL_USER | LLL_NOTICE},
      {"info", LLL_ERR | LLL_WARN | LLL_USER | LLL_NOTICE | LLL_INFO},
      {"debug", LLL_ERR | LLL_WARN | LLL_USER | LLL_NOTICE | LLL_INFO | LLL_DEBUG},
  };
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (strcmp(levels[i].name, s) == 0)
      return levels[i].mask;
  return -1;
}

/* A path relative to the working directory if it exists there, else the
 * one in the source tree (running from the build folder). */
static const char *default_path(const char *local, const char *source) {
  return access(local, F_OK) == 0 ? local : source;
}

/* A whole number in [lo, hi] into *out: 0, or exit status 2 after saying why. */
static int parse_count(const char *flag, const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    char why[64];
    snprintf(why, sizeof why, "expected a whole number from %ld to %ld", lo, hi);
    return bad(flag, why);
  }
  *out = v;
  return 0;
}

static int check_readable(const char *flag, const char *path) {
  if (access(path, R_OK) == 0)
    return 0;
  char why[512];
  snprintf(why, sizeof why, "cannot read %s: %s (generate a development pair with "
                            "tools/serve, give --cert/--key, or run --plain behind a TLS proxy)",
           path, strerror(errno));
  fprintf(stderr, "plenaryd: %s: %s\n", flag, why);
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
  lws_set_log_level(LLL_ERR, pl_log_emit);
  return verify ? pl_verify_chains(db) : pl_replay_check(db);
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "replay") == 0 || strcmp(argv[1], "verify") == 0))
    return replay_main(argc, argv);
  if (argc > 1 && strcmp(argv[1], "authz") == 0) {
    if (argc > 2)
      return bad(argv[2], "unexpected argument");
    pl_ops_print_authz(stdout);
    return 0;
  }
  static const char *origins[MAX_ORIGINS + 1];
  static char listen_buf[128] = "127.0.0.1:8443";
  size_t n_origins = 0;
  pl_config cfg = {
      .db = "./var/plenary.db",
      .web = NULL,
      .origins = origins,
      .log_level = LLL_ERR | LLL_WARN | LLL_USER,
      .keepalive_s = 30,
      .fanout_split = 512,
  };
  /* One fan-out worker per core beyond the service thread's, up to 3: the
   * send() loop is what they share, and it gains little past 4 threads. */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  cfg.fanout_threads = cpus > 1 ? (int)(cpus - 1 < 3 ? cpus - 1 : 3) : 0;
  const char *cert = NULL, *key = NULL;
  parse_listen(listen_buf, &cfg);
  static const struct option opts[] = {
      {"listen", required_argument, NULL, 'l'}, {"db", required_argument, NULL, 'd'},
      {"web", required_argument, NULL, 'w'},    {"cert", required_argument, NULL, 'c'},
      {"key", required_argument, NULL, 'k'},    {"plain", no_argument, NULL, 'p'},
      {"origin", required_argument, NULL, 'o'}, {"demo", no_argument, NULL, 'D'},
      {"log-level", required_argument, NULL, 'L'},
      {"port-file", required_argument, NULL, 'P'},
      {"keepalive", required_argument, NULL, 'K'},
      {"fanout-threads", required_argument, NULL, 'T'},
      {"fanout-split", required_argument, NULL, 'S'},
      {"max-conns", required_argument, NULL, 'M'},
      {"max-conns-per-address", required_argument, NULL, 'A'},
      {"header-timeout", required_argument, NULL, 'H'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
  };
  opterr = 0;
  int c, rc;
  long v;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'l':
      if (strlen(optarg) >= sizeof listen_buf)
        return bad("--listen", "too long");
      strcpy(listen_buf, optarg);
      if (parse_listen(listen_buf, &cfg))
        return bad("--listen", "expected ADDR:PORT, e.g. 127.0.0.1:8443");
      break;
    case 'd': cfg.db = optarg; break;
    case 'w': cfg.web = optarg; break;
    case 'c': cert = optarg; break;
    case 'k': key = optarg; break;
    case 'p': cfg.plain = true; break;
    case 'o':
      if (n_origins == MAX_ORIGINS)
        return bad("--origin", "at most 16 origins");
      origins[n_origins++] = optarg;
      break;
    case 'D': cfg.demo = true; break;
    case 'L':
      if ((cfg.log_level = parse_level(optarg)) < 0)
        return bad("--log-level", "expected error, warn, notice, info or debug");
      break;
    case 'P': cfg.port_file = optarg; break;
    case 'K':
      if ((rc = parse_count("--keepalive", optarg, 1, 3600, &v)))
        return rc;
      cfg.keepalive_s = (int)v;
      break;
    case 'T':
      if ((rc = parse_count("--fanout-threads", optarg, 0, 16, &v)))
        return rc;
      cfg.fanout_threads = (int)v;
      break;
    case 'S':
      if ((rc = parse_count("--fanout-split", optarg, 2, 1000000, &v)))
        return rc;
      cfg.fanout_split = (size_t)v;
      break;
    case 'M':
      if ((rc = parse_count("--max-conns", optarg, 16, 1 << 20, &v)))
        return rc;
      cfg.max_conns = (int)v;
      break;
    case 'A':
      if ((rc = parse_count("--max-conns-per-address", optarg, 1, 1 << 20, &v)))
        return rc;
      cfg.max_conns_per_address = (int)v;
      break;
    case 'H':
      if ((rc = parse_count("--header-timeout", optarg, 1, 60, &v)))
        return rc;
      cfg.header_timeout_s = (int)v;
      break;
    case 'h': fputs(usage, stdout); return 0;
    default: {
      const char *flag = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
      return bad(flag, optopt ? "needs a value" : "unknown flag");
    }
    }
  }
  if (optind < argc)
    return bad(argv[optind], "unexpected argument");
  if (cfg.plain && (cert || key))
    return bad("--plain", "cannot be combined with --cert/--key");
  if (!cert != !key)
    return bad(cert ? "--cert" : "--key", "--cert and --key go together");
  if (!cfg.web)
    cfg.web = default_path("web", PLENARY_SOURCE_WEB);
  if (access(cfg.web, R_OK | X_OK))
    return bad("--web", "the folder cannot be read");
  if (!cfg.plain) {
    cfg.cert = cert ? cert : default_path("certs/dev.crt", PLENARY_SOURCE_CERTS "/dev.crt");
    cfg.key = key ? key : default_path("certs/dev.key", PLENARY_SOURCE_CERTS "/dev.key");
    if ((rc = check_readable("--cert", cfg.cert)) || (rc = check_readable("--key", cfg.key)))
      return rc;
  }
  return pl_server_run(&cfg);
}
