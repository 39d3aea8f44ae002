/*
 * plenaryctl: every op of docs/PROTOCOL.md from a shell, over the same
 * WebSocket the browser uses, as the participant whose token is in
 * --token-file. Arguments are key=value (a string) or key:=JSON (a number,
 * true, a list...), as httpie writes them, so no value is ever guessed at.
 * The reply is printed as JSON and the exit status says how it went (ctl.h),
 * so a script can test $? without parsing. Two helpers a secretariat
 * scripts: load-csv (delegations or participants, one request a row) and
 * export-record (a meeting's record of speeches, with its hash chain).
 */
#include <errno.h>
#include <getopt.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "ctl.h"

static const char usage[] =
    "usage: plenaryctl --url URL --token-file FILE [--cafile FILE] [--insecure]\n"
    "                  [--timeout SECONDS] OP [key=value | key:=JSON]...\n"
    "       plenaryctl ... load-csv delegations|participants FILE.csv\n"
    "       plenaryctl ... export-record meeting=ID [format=json|csv]\n"
    "       plenaryctl --exit-codes\n"
    "URL: wss://HOST[:PORT] (the path defaults to /ws), or ws:// behind a proxy.\n";

static int bad(const char *what, const char *why) {
  fprintf(stderr, "plenaryctl: %s: %s\n%s", what, why, usage);
  return CTL_EXIT_USAGE;
}

/* The whole of a small file, NUL-terminated (caller frees), or NULL. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      char *grown = realloc(buf, cap = cap ? cap * 2 : 8192);
      if (!grown)
        break;
      buf = grown;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
  }
  fclose(f);
  if (buf)
    buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

/* ---- One op ---- */

typedef struct one {
  json_t *req; /* handed over by next, once */
  json_t *hello; /* kept for export-record: the feed key */
} one;

static json_t *one_next(void *ctx) {
  one *o = ctx;
  json_t *r = o->req;
  o->req = NULL;
  return r;
}

static int print_reply(json_t *reply, size_t flags) {
  json_dumpf(reply, stdout, flags);
  fputc('\n', stdout);
  return ctl_exit_of(reply);
}

static int one_reply(void *ctx, json_t *req, json_t *reply) {
  one *o = ctx;
  if (!req) {
    o->hello = json_incref(reply);
    return 0;
  }
  return print_reply(reply, JSON_INDENT(2) | JSON_SORT_KEYS);
}

/* key=value and key:=JSON into an object; returns 0 or the usage status. */
static int parse_args(int n, char **argv, json_t *args) {
  for (int i = 0; i < n; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq || eq == argv[i] || (eq == argv[i] + 1 && argv[i][0] == ':'))
      return bad(argv[i], "expected key=value or key:=JSON");
    bool raw = eq[-1] == ':';
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(eq - argv[i] - raw), argv[i]);
    json_error_t err;
    json_t *v = raw ? json_loads(eq + 1, JSON_DECODE_ANY, &err) : json_string(eq + 1);
    if (!v)
      return bad(argv[i], raw ? err.text : "not UTF-8");
    if (json_object_get(args, key)) {
      json_decref(v);
      return bad(key, "given twice");
    }
    json_object_set_new(args, key, v);
  }
  return 0;
}

static int run_op(const ctl_target *t, const char *op, int n, char **argv) {
  json_t *req = json_pack("{s:s}", "op", op);
  int rc = parse_args(n, argv, req);
  if (rc) {
    json_decref(req);
    return rc;
  }
  bool is_hello = strcmp(op, "hello") == 0;
  one o = {.req = is_hello ? NULL : req};
  ctl_talk talk = {one_next, one_reply, &o};
  rc = ctl_talk_run(t, &talk);
  if (is_hello && o.hello)
    rc = print_reply(o.hello, JSON_INDENT(2) | JSON_SORT_KEYS);
  json_decref(is_hello ? req : o.req);
  json_decref(o.hello);
  return rc;
}

/* ---- export-record ---- */

static int export_record(const ctl_target *t, int n, char **argv) {
  json_t *args = json_object();
  int rc = parse_args(n, argv, args);
  const char *meeting = json_string_value(json_object_get(args, "meeting"));
  const char *format = json_string_value(json_object_get(args, "format"));
  if (!rc && (!meeting || json_object_size(args) != 1u + (format != NULL)))
    rc = bad("export-record", "takes meeting=ID and optionally format=json|csv");
  if (!rc && format && strcmp(format, "json") && strcmp(format, "csv"))
    rc = bad("format", "expected json or csv");
  one o = {0};
  ctl_talk talk = {one_next, one_reply, &o};
  if (!rc)
    rc = ctl_talk_run(t, &talk);
  const char *feed = json_string_value(json_object_get(o.hello, "feed"));
  if (!rc && (!feed || !*feed)) {
    fprintf(stderr, "plenaryctl: this participant has no feed key to read the record with\n");
    rc = CTL_EXIT_ERROR_BASE + PL_ERR_FORBIDDEN;
  }
  if (!rc) {
    char path[512], *body;
    size_t len;
    snprintf(path, sizeof path, "/meetings/%s/record.%s?feed=%s", meeting,
             format ? format : "json", feed);
    if (!(rc = ctl_http_get(t, path, &body, &len))) {
      fwrite(body, 1, len, stdout);
      free(body);
    }
  }
  json_decref(o.hello);
  json_decref(args);
  return rc;
}

/* ---- load-csv ---- */

typedef struct load {
  const char *file;
  bool participants;
  json_t *rows;      /* the requests, one a row */
  size_t next;       /* the next row to send */
  json_t *names;     /* participants: delegation name -> id */
  bool listed;       /* delegation.list has been asked */
  int first_failure; /* the exit status of the first row refused */
} load;

static json_t *load_next(void *ctx) {
  load *l = ctx;
  if (l->participants && !l->listed) {
    l->listed = true;
    return json_pack("{s:s}", "op", "delegation.list");
  }
  if (l->next >= json_array_size(l->rows))
    return NULL;
  json_t *req = json_deep_copy(json_array_get(l->rows, l->next++));
  /* a delegation given by its name, as a person writes the sheet */
  const char *d = json_string_value(json_object_get(req, "delegation"));
  json_t *id = d && l->names ? json_object_get(l->names, d) : NULL;
  if (id)
    json_object_set(req, "delegation", id);
  return req;
}

static int load_reply(void *ctx, json_t *req, json_t *reply) {
  load *l = ctx;
  if (!req)
    return 0; /* hello */
  if (strcmp(json_string_value(json_object_get(req, "op")), "delegation.list") == 0) {
    size_t i;
    json_t *d;
    l->names = json_object();
    json_array_foreach(json_object_get(reply, "delegations"), i, d)
        json_object_set(l->names, json_string_value(json_object_get(d, "name")),
                        json_object_get(d, "id"));
    return ctl_exit_of(reply);
  }
  /* one line a row: the row's number in the file, then the reply (with the
   * participant's token, shown this once) */
  json_t *line = json_pack("{s:I, s:O}", "row", (json_int_t)(l->next + 1), "reply", reply);
  print_reply(line, JSON_COMPACT);
  json_decref(line);
  int rc = ctl_exit_of(reply);
  if (rc && !l->first_failure)
    l->first_failure = rc;
  return 0; /* go on: the output says which rows were refused */
}

/* Reads the sheet into requests before anything is sent, so that a
 * malformed file changes nothing. */
static int load_rows(load *l, const char *op) {
  size_t len, pos = 0;
  char *text = slurp(l->file, &len);
  if (!text)
    return bad(l->file, strerror(errno));
  if (strlen(text) != len) {
    free(text);
    return bad(l->file, "contains a NUL byte");
  }
  ctl_csv head = {0}, row = {0};
  int rc = 0, got;
  size_t line = 1;
  if (ctl_csv_row(text, &pos, &head) != 1 || head.n == 0)
    rc = bad(l->file, "expected a header row naming the fields");
  for (size_t i = 0; !rc && i < head.n; i++)
    if (!head.cells[i][0])
      rc = bad(l->file, "a column of the header has no name");
  while (!rc && (got = ctl_csv_row(text, &pos, &row)) != 0) {
    line++;
    char where[600];
    snprintf(where, sizeof where, "%s: row %zu", l->file, line);
    if (got < 0 || row.n != head.n) {
      rc = bad(where, got < 0 ? "a quote is never closed"
                              : "not as many fields as the header names");
      break;
    }
    json_t *req = json_pack("{s:s}", "op", op);
    for (size_t i = 0; i < row.n; i++)
      if (row.cells[i][0]) /* an empty cell leaves the field out */
        json_object_set_new(req, head.cells[i], json_string(row.cells[i]));
    json_array_append_new(l->rows, req);
  }
  ctl_csv_release(&head);
  ctl_csv_release(&row);
  free(text);
  return rc;
}

static int load_csv(const ctl_target *t, int n, char **argv) {
  if (n != 2 || (strcmp(argv[0], "delegations") && strcmp(argv[0], "participants")))
    return bad("load-csv", "expected delegations FILE or participants FILE");
  load l = {.file = argv[1], .participants = argv[0][0] == 'p', .rows = json_array()};
  int rc = load_rows(&l, l.participants ? "participant.invite" : "delegation.create");
  if (!rc) {
    ctl_talk talk = {load_next, load_reply, &l};
    rc = ctl_talk_run(t, &talk);
  }
  json_decref(l.rows);
  json_decref(l.names);
  return rc ? rc : l.first_failure;
}

/* ---- main ---- */

static void print_exit_codes(void) {
  printf("0\tok\n%d\tbad arguments or input\n%d\tno connection, TLS refused, closed or "
         "timed out\n",
         CTL_EXIT_USAGE, CTL_EXIT_TRANSPORT);
  for (int e = 1; e < PL_ERR__COUNT; e++)
    printf("%d\t%s: %s\n", CTL_EXIT_ERROR_BASE + e, pl_err_code((pl_err)e),
           pl_err_message((pl_err)e));
}

int main(int argc, char **argv) {
  ctl_target t = {.timeout_s = 30};
  const char *token_file = NULL;
  static const struct option opts[] = {
      {"url", required_argument, NULL, 'u'},     {"token-file", required_argument, NULL, 't'},
      {"cafile", required_argument, NULL, 'c'},  {"insecure", no_argument, NULL, 'k'},
      {"timeout", required_argument, NULL, 'T'}, {"exit-codes", no_argument, NULL, 'E'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
  };
  opterr = 0;
  int c;
  char *end;
  /* "+": stop at the op, so that its arguments are never taken for flags */
  while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    switch (c) {
    case 'u': t.url = optarg; break;
    case 't': token_file = optarg; break;
    case 'c': t.cafile = optarg; break;
    case 'k': t.insecure = true; break;
    case 'T':
      t.timeout_s = (int)strtol(optarg, &end, 10);
      if (*end || t.timeout_s < 1 || t.timeout_s > 3600)
        return bad("--timeout", "expected seconds from 1 to 3600");
      break;
    case 'E': print_exit_codes(); return 0;
    case 'h': fputs(usage, stdout); return 0;
    default:
      return bad(argv[optind - 1], optopt ? "needs a value" : "unknown flag");
    }
  }
  if (!t.url)
    return bad("--url", "is required");
  if (!token_file)
    return bad("--token-file", "is required (the file holds the token and nothing else)");
  if (optind >= argc)
    return bad("OP", "which op? (docs/PROTOCOL.md lists them)");
  char *token = slurp(token_file, NULL);
  if (!token)
    return bad("--token-file", strerror(errno));
  token[strcspn(token, "\r\n")] = '\0';
  if (!*token) {
    free(token);
    return bad("--token-file", "the file is empty");
  }
  t.token = token;
  lws_set_log_level(getenv("PLENARYCTL_DEBUG") ? 0xfff : 0, NULL);
  const char *op = argv[optind];
  int n = argc - optind - 1;
  char **rest = argv + optind + 1;
  int rc = strcmp(op, "load-csv") == 0        ? load_csv(&t, n, rest)
           : strcmp(op, "export-record") == 0 ? export_record(&t, n, rest)
                                              : run_op(&t, op, n, rest);
  free(token);
  return rc;
}
