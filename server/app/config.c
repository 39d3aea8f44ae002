/*
 * The configuration (config.h). One table names every option once: the
 * file's key, the flag (`--` + key), whether it takes a value, and the
 * setter that checks it. So the file and the command line cannot drift, and
 * `--check-config` checks exactly what a start would.
 *
 * Order: the command line is scanned first for --config and --check-config,
 * then the file is read (config_file.c), then the flags are applied on top. Each option
 * remembers who set it last ("--db" or "/etc/plenary/plenary.conf:4: db"),
 * so an error found only when options are combined still names its source.
 */
#include "app/config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config_file.h"
#include "app/tls.h"
#include "base/log.h"

typedef int setter(pl_options *o, const char *v, char *why, size_t cap);

typedef struct option_def {
  const char *key;
  bool takes_value; /* false: a switch, `true`/`false` in the file */
  setter *set;
  const char *arg;  /* for the usage */
} option_def;

/* "ADDR:PORT", "[v6]:PORT" or ":PORT" (any address). */
static int set_listen(pl_options *o, const char *v, char *why, size_t cap) {
  if (strlen(v) >= sizeof o->listen)
    return snprintf(why, cap, "too long"), -1;
  strcpy(o->listen, v);
  char *arg = o->listen, *colon = strrchr(arg, ':'), *end;
  long port = colon ? strtol(colon + 1, &end, 10) : -1;
  if (!colon || colon[1] == '\0' || *end || port < 0 || port > 65535)
    return snprintf(why, cap, "expected ADDR:PORT, e.g. 127.0.0.1:8443"), -1;
  *colon = '\0';
  if (arg[0] == '[') {
    size_t n = strlen(arg);
    if (n < 3 || arg[n - 1] != ']')
      return snprintf(why, cap, "expected [IPv6]:PORT"), -1;
    arg[n - 1] = '\0';
    arg++;
  }
  o->cfg.port = (int)port;
  o->cfg.listen_addr = *arg ? arg : "0.0.0.0";
  return 0;
}

/* A whole number in [lo, hi]. */
static int count(const char *v, long lo, long hi, long *out, char *why, size_t cap) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < lo || n > hi)
    return snprintf(why, cap, "expected a whole number from %ld to %ld", lo, hi), -1;
  *out = n;
  return 0;
}

/* Whole-number options, each with its range. */
#define COUNT_SETTER(name, field, type, lo, hi)                                        \
  static int name(pl_options *o, const char *v, char *why, size_t cap) {               \
    long n;                                                                            \
    if (count(v, lo, hi, &n, why, cap))                                                \
      return -1;                                                                       \
    o->cfg.field = (type)n;                                                            \
    return 0;                                                                          \
  }
COUNT_SETTER(set_keepalive, keepalive_s, int, 1, 3600)
COUNT_SETTER(set_fanout_threads, fanout_threads, int, 0, 16)
COUNT_SETTER(set_fanout_split, fanout_split, size_t, 2, 1000000)
COUNT_SETTER(set_max_conns, max_conns, int, 16, 1 << 20)
COUNT_SETTER(set_max_per_address, max_conns_per_address, int, 1, 1 << 20)
COUNT_SETTER(set_header_timeout, header_timeout_s, int, 1, 60)
COUNT_SETTER(set_snapshot_every, snapshot_every, int, 0, 100000000)
COUNT_SETTER(set_cluster_replicas, cluster_replicas, int, 1, 5)

static int set_log_level(pl_options *o, const char *v, char *why, size_t cap) {
  pl_log_level l;
  if (pl_log_level_parse(v, &l))
    return snprintf(why, cap, "expected error, warn, notice, info or debug"), -1;
  o->cfg.log_level = (int)l;
  return 0;
}

static int set_log_format(pl_options *o, const char *v, char *why, size_t cap) {
  pl_log_format f;
  if (pl_log_format_parse(v, &f))
    return snprintf(why, cap, "expected text, json or logfmt"), -1;
  o->cfg.log_format = (int)f;
  return 0;
}

/* Paths and switches. A switch's value is already "true" or "false". */
#define PATH_SETTER(name, field)                                                       \
  static int name(pl_options *o, const char *v, char *why, size_t cap) {               \
    if (!*v)                                                                           \
      return snprintf(why, cap, "needs a path"), -1;                                   \
    o->cfg.field = v;                                                                  \
    return 0;                                                                          \
  }
PATH_SETTER(set_db, db)
PATH_SETTER(set_web, web)
PATH_SETTER(set_cert, cert)
PATH_SETTER(set_key, key)
PATH_SETTER(set_log_file, log_file)
PATH_SETTER(set_port_file, port_file)
PATH_SETTER(set_jitsi_secret_file, jitsi_secret_file)
PATH_SETTER(set_hook_secret_file, hook_secret_file)

/* The Jitsi deployment's base URL, where a room is URL/ROOM: https (or
 * http for a test deployment), a host, maybe a tenant path; no query. */
static int set_jitsi_url(pl_options *o, const char *v, char *why, size_t cap) {
  size_t n = strlen(v);
  bool tls = strncmp(v, "https://", 8) == 0;
  const char *host = v + (tls ? 8 : 7);
  if ((!tls && strncmp(v, "http://", 7) != 0) || !*host || *host == '/' || n >= PL_URL_MAX)
    return snprintf(why, cap, "expected a URL such as https://meet.example.org"), -1;
  for (const char *c = v; *c; c++)
    if ((unsigned char)*c <= 0x20 || (unsigned char)*c == 0x7f || strchr("?#\"<>", *c))
      return snprintf(why, cap, "the URL may not hold spaces, control characters, ? or #"),
             -1;
  snprintf(o->jitsi_url, sizeof o->jitsi_url, "%s", v);
  while (n && o->jitsi_url[n - 1] == '/')
    o->jitsi_url[--n] = '\0';
  o->cfg.video.jitsi_url = o->jitsi_url;
  return 0;
}

/* Prosody's app_id: the JWT's issuer. */
static int set_jitsi_app_id(pl_options *o, const char *v, char *why, size_t cap) {
  size_t n = strlen(v);
  if (!n || n > 128 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_.:") != n)
    return snprintf(why, cap, "expected 1 to 128 letters, digits, '-', '_', '.' or ':'"), -1;
  o->cfg.video.jitsi_app_id = v;
  return 0;
}

#define SWITCH_SETTER(name, field)                                                     \
  static int name(pl_options *o, const char *v, char *why, size_t cap) {               \
    (void)why, (void)cap;                                                              \
    o->cfg.field = strcmp(v, "true") == 0;                                             \
    return 0;                                                                          \
  }
static int set_cluster(pl_options *o, const char *v, char *why, size_t cap) {
  if (strncmp(v, "nats://", 7) != 0 || !v[7])
    return snprintf(why, cap, "expected nats://HOST:PORT"), -1;
  o->cfg.cluster = v;
  return 0;
}

/* A node's name goes into NATS subjects' ids and the leases: letters,
 * digits, '-' and '_' only. */
static int set_node(pl_options *o, const char *v, char *why, size_t cap) {
  size_t n = strlen(v);
  if (n == 0 || n > 32 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789-_") != n)
    return snprintf(why, cap, "expected 1 to 32 letters, digits, '-' or '_'"), -1;
  o->cfg.node = v;
  return 0;
}

SWITCH_SETTER(set_plain, plain)
SWITCH_SETTER(set_demo, demo)
SWITCH_SETTER(set_no_coalesce, no_coalesce)

static int set_origin(pl_options *o, const char *v, char *why, size_t cap) {
  if (o->n_origins == PL_CONFIG_MAX_ORIGINS)
    return snprintf(why, cap, "at most %d origins", PL_CONFIG_MAX_ORIGINS), -1;
  if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
    return snprintf(why, cap, "expected an origin such as https://plenary.example.org"), -1;
  o->origins[o->n_origins++] = v;
  o->origins[o->n_origins] = NULL;
  return 0;
}

static const option_def defs[] = {
    {"listen", true, set_listen, "ADDR:PORT"},
    {"db", true, set_db, "FILE"},
    {"web", true, set_web, "DIR"},
    {"cert", true, set_cert, "FILE"},
    {"key", true, set_key, "FILE"},
    {"plain", false, set_plain, NULL},
    {"origin", true, set_origin, "URL"},
    {"demo", false, set_demo, NULL},
    {"log-level", true, set_log_level, "error|warn|notice|info|debug"},
    {"log-format", true, set_log_format, "text|json|logfmt"},
    {"log-file", true, set_log_file, "FILE"},
    {"keepalive", true, set_keepalive, "SECONDS"},
    {"fanout-threads", true, set_fanout_threads, "N"},
    {"fanout-split", true, set_fanout_split, "N"},
    {"max-conns", true, set_max_conns, "N"},
    {"max-conns-per-address", true, set_max_per_address, "N"},
    {"header-timeout", true, set_header_timeout, "SECONDS"},
    {"cluster", true, set_cluster, "nats://HOST:PORT"},
    {"node", true, set_node, "NAME"},
    {"cluster-replicas", true, set_cluster_replicas, "N"},
    {"port-file", true, set_port_file, "FILE"},
    {"jitsi-url", true, set_jitsi_url, "URL"},
    {"jitsi-app-id", true, set_jitsi_app_id, "ID"},
    {"jitsi-secret-file", true, set_jitsi_secret_file, "FILE"},
    {"hook-secret-file", true, set_hook_secret_file, "FILE"},
    {"no-coalesce", false, set_no_coalesce, NULL},
    {"snapshot-every", true, set_snapshot_every, "EVENTS"},
};
#define N_DEFS (sizeof defs / sizeof defs[0])
_Static_assert(N_DEFS <= PL_CONFIG_MAX_OPTIONS, "pl_options.where holds every option");

enum { OPT_CONFIG = 1000, OPT_CHECK, OPT_HELP };

static int def_index(const char *key) {
  for (size_t i = 0; i < N_DEFS; i++)
    if (strcmp(defs[i].key, key) == 0)
      return (int)i;
  return -1;
}

void pl_options_usage(FILE *out) {
  fputs("usage: plenaryd [--config FILE] [--check-config]", out);
  size_t col = 48;
  for (size_t i = 0; i < N_DEFS; i++) {
    if (strcmp(defs[i].key, "port-file") == 0)
      continue; /* for tests */
    char item[80];
    int n = snprintf(item, sizeof item, " [--%s%s%s]", defs[i].key, defs[i].arg ? " " : "",
                     defs[i].arg ? defs[i].arg : "");
    if (col + (size_t)n > 88)
      fputs("\n               ", out), col = 15;
    fputs(item, out);
    col += (size_t)n;
  }
  fputs("\n       plenaryd backup --db FILE --to FILE\n"
        "       plenaryd restore --db FILE --from FILE\n"
        "       plenaryd replay --db FILE --check\n"
        "       plenaryd verify --db FILE\n"
        "       plenaryd authz\n"
        "       plenaryd --version\n"
        "Every option is also a key of the configuration file (key = value),\n"
        "default " PL_CONFIG_DEFAULT " when it exists; flags override it.\n",
        out);
}

/* Applies one option; on a bad value says why, naming `where`. */
static int apply(pl_options *o, int i, const char *v, const char *where) {
  char why[256];
  if (defs[i].set(o, v, why, sizeof why)) {
    fprintf(stderr, "plenaryd: %s: %s\n", where, why);
    return 2;
  }
  snprintf(o->where[i], sizeof o->where[i], "%s", where);
  return 0;
}

int pl_options_set(pl_options *o, const char *key, const char *value, const char *where) {
  int i = def_index(key);
  if (i < 0) {
    fprintf(stderr, "plenaryd: %s: unknown key (plenaryd --help lists them)\n", where);
    return 2;
  }
  if (!defs[i].takes_value) {
    bool yes = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0;
    if (!yes && strcmp(value, "false") && strcmp(value, "no")) {
      fprintf(stderr, "plenaryd: %s: expected true or false\n", where);
      return 2;
    }
    return apply(o, i, yes ? "true" : "false", where);
  }
  if (o->n_owned == sizeof o->owned / sizeof o->owned[0]) {
    fprintf(stderr, "plenaryd: %s: too many keys\n", where);
    return 2;
  }
  /* the caller's buffer (libinih's line) is reused: the value is copied */
  char *copy = strdup(value);
  if (!copy)
    return 1;
  o->owned[o->n_owned++] = copy;
  return apply(o, i, copy, where);
}

/* ---- The whole ---- */

static int bad(const char *where, const char *why) {
  fprintf(stderr, "plenaryd: %s: %s\n", where, why);
  return 2;
}

/* A path relative to the working directory if it exists there, else the one
 * in the source tree (running from the build folder). */
static const char *default_path(const char *local, const char *source) {
  return access(local, F_OK) == 0 ? local : source;
}

static const char *where_of(pl_options *o, const char *key) {
  int i = def_index(key);
  if (!o->where[i][0])
    snprintf(o->where[i], sizeof o->where[i], "--%s", key);
  return o->where[i];
}

static int check_readable(pl_options *o, const char *key, const char *path) {
  if (access(path, R_OK) == 0)
    return 0;
  char why[512];
  snprintf(why, sizeof why,
           "cannot read %s: %s (generate a development pair with tools/serve, give "
           "cert and key, or set plain behind a TLS proxy)",
           path, strerror(errno));
  return bad(where_of(o, key), why);
}

/* Reads a shared secret from `path` into buf: the file's bytes less the
 * line end an editor leaves. The error names the file, never its content. */
static int read_secret(pl_options *o, const char *key, const char *path, uint8_t *buf,
                       size_t *len) {
  char why[512];
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(why, sizeof why, "cannot read %s: %s", path, strerror(errno));
    return bad(where_of(o, key), why);
  }
  size_t n = fread(buf, 1, PL_VIDEO_SECRET_MAX, f);
  int more = fgetc(f);
  fclose(f);
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    n--;
  if (more != EOF || n < 16) {
    memset(buf, 0, PL_VIDEO_SECRET_MAX);
    snprintf(why, sizeof why, "%s must hold a secret of 16 to %d bytes", path,
             PL_VIDEO_SECRET_MAX);
    return bad(where_of(o, key), why);
  }
  *len = n;
  return 0;
}

/* Jitsi takes its URL, app id and secret together; the hooks' secret alone. */
static int check_video(pl_options *o) {
  pl_config *c = &o->cfg;
  pl_video_cfg *v = &c->video;
  int given = !!v->jitsi_url + !!v->jitsi_app_id + !!c->jitsi_secret_file;
  if (given && given < 3)
    return bad(where_of(o, !v->jitsi_url      ? "jitsi-url"
                          : !v->jitsi_app_id ? "jitsi-app-id"
                                             : "jitsi-secret-file"),
               "jitsi-url, jitsi-app-id and jitsi-secret-file go together");
  int rc = c->jitsi_secret_file ? read_secret(o, "jitsi-secret-file", c->jitsi_secret_file,
                                              v->jitsi_secret, &v->jitsi_secret_len)
                                : 0;
  if (!rc && c->hook_secret_file)
    rc = read_secret(o, "hook-secret-file", c->hook_secret_file, v->hook_secret,
                     &v->hook_secret_len);
  return rc;
}

/* What only the options together can tell. */
static int check_all(pl_options *o) {
  pl_config *c = &o->cfg;
  char why[512];
  if (c->plain && (c->cert || c->key))
    return bad(where_of(o, "plain"), "cannot be combined with cert and key");
  if (!c->cert != !c->key)
    return bad(where_of(o, c->cert ? "cert" : "key"), "cert and key go together");
  if (!c->web)
    c->web = default_path("web", PLENARY_SOURCE_WEB);
  if (access(c->web, R_OK | X_OK))
    return bad(where_of(o, "web"), "the folder cannot be read");
  if (!c->plain) {
    if (!c->cert) {
      c->cert = default_path("certs/dev.crt", PLENARY_SOURCE_CERTS "/dev.crt");
      c->key = default_path("certs/dev.key", PLENARY_SOURCE_CERTS "/dev.key");
    }
    int rc = check_readable(o, "cert", c->cert);
    if (rc || (rc = check_readable(o, "key", c->key)))
      return rc;
    if (pl_tls_check_pair(c->cert, c->key, why, sizeof why))
      return bad(where_of(o, "key"), why);
  }
  if (c->log_file) {
    FILE *f = fopen(c->log_file, "a");
    if (!f) {
      snprintf(why, sizeof why, "cannot append to %s: %s", c->log_file, strerror(errno));
      return bad(where_of(o, "log-file"), why);
    }
    fclose(f);
  }
  if (access(c->db, F_OK) == 0 && access(c->db, R_OK | W_OK)) {
    snprintf(why, sizeof why, "cannot read and write %s: %s", c->db, strerror(errno));
    return bad(where_of(o, "db"), why);
  }
  return check_video(o);
}

static void set_defaults(pl_options *o) {
  memset(o, 0, sizeof *o);
  pl_config *c = &o->cfg;
  c->db = "./var/plenary.db";
  c->origins = o->origins;
  c->log_level = PL_LOG_NOTICE;
  c->log_format = PL_LOG_TEXT;
  c->keepalive_s = 30;
  c->fanout_split = 512;
  /* A start replays at most this many events of a meeting after its last
   * snapshot (a few ms), and a snapshot every thousand costs the commit path
   * one encoding of the room per thousand changes. */
  c->snapshot_every = 1000;
  /* One fan-out worker per core beyond the service thread's, up to 3: the
   * send() loop is what they share, and it gains little past 4 threads. */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  c->fanout_threads = cpus > 1 ? (int)(cpus - 1 < 3 ? cpus - 1 : 3) : 0;
  char why[8];
  set_listen(o, "127.0.0.1:8443", why, sizeof why);
}

int pl_options_load(pl_options *o, int argc, char **argv) {
  struct option longopts[N_DEFS + 4];
  size_t n = 0;
  for (; n < N_DEFS; n++)
    longopts[n] = (struct option){defs[n].key, defs[n].takes_value ? required_argument
                                                                   : no_argument,
                                  NULL, (int)n};
  longopts[n++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
  longopts[n++] = (struct option){"check-config", no_argument, NULL, OPT_CHECK};
  longopts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
  longopts[n] = (struct option){NULL, 0, NULL, 0};

  set_defaults(o);
  /* First pass: only --config, --check-config and --help, and argument errors. */
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    if (c == OPT_CONFIG)
      o->path = optarg;
    else if (c == OPT_CHECK)
      o->check_only = true;
    else if (c == OPT_HELP)
      return pl_options_usage(stdout), o->help = true, 0;
    else if (c == '?' || c == ':') {
      const char *flag = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
      int rc = bad(flag, optopt ? "needs a value" : "unknown flag");
      pl_options_usage(stderr);
      return rc;
    }
  }
  if (optind < argc)
    return bad(argv[optind], "unexpected argument");
  if (!o->path && access(PL_CONFIG_DEFAULT, F_OK) == 0)
    o->path = PL_CONFIG_DEFAULT;
  int rc = o->path ? pl_config_file_read(o) : 0;
  if (rc)
    return rc;

  /* Second pass: the flags, over the file. */
  bool flag_plain = false, flag_tls = false;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    if (c < 0 || (size_t)c >= N_DEFS)
      continue;
    char where[64];
    snprintf(where, sizeof where, "--%s", defs[c].key);
    if (strcmp(defs[c].key, "origin") == 0 && !o->origins_from_flags) {
      o->n_origins = 0; /* the command line's origins replace the file's */
      o->origins[0] = NULL;
      o->origins_from_flags = true;
    }
    /* A flag's choice of TLS or plain replaces the file's, not adds to it;
     * both on the command line is a mistake. */
    bool plain = strcmp(defs[c].key, "plain") == 0;
    bool tls = strcmp(defs[c].key, "cert") == 0 || strcmp(defs[c].key, "key") == 0;
    if (plain)
      o->cfg.cert = o->cfg.key = NULL, flag_plain = true;
    if (tls)
      o->cfg.plain = false, flag_tls = true;
    if (flag_plain && flag_tls)
      rc = bad("--plain", "cannot be combined with --cert/--key");
    else
      rc = apply(o, c, defs[c].takes_value ? optarg : "true", where);
    if (rc)
      return pl_options_usage(stderr), rc;
  }
  return check_all(o);
}

void pl_options_release(pl_options *o) {
  for (size_t i = 0; i < o->n_owned; i++)
    free(o->owned[i]);
  o->n_owned = 0;
}
