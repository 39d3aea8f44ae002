/* The configuration file (config_file.h). libinih calls back per key but
 * does not say on which line; reading the lines ourselves (ini_parse_stream)
 * counts them, so every message can name the line. */
#include "app/config_file.h"

#include <errno.h>
#include <ini.h>
#include <string.h>

typedef struct file_reader {
  pl_options *o;
  FILE *f;
  int line;
  int status; /* the first error's exit status */
} file_reader;

static char *read_line(char *str, int num, void *stream) {
  file_reader *r = stream;
  char *got = fgets(str, num, r->f);
  if (got)
    r->line++;
  return got;
}

static int on_key(void *user, const char *section, const char *name, const char *value) {
  file_reader *r = user;
  char where[300];
  if (*section) {
    fprintf(stderr, "plenaryd: %s:%d: [%s]: sections are not used; put every key at the top\n",
            r->o->path, r->line, section);
    r->status = 2;
  } else {
    snprintf(where, sizeof where, "%s:%d: %s", r->o->path, r->line, name);
    r->status = pl_options_set(r->o, name, value, where);
  }
  return r->status == 0;
}

int pl_config_file_read(pl_options *o) {
  file_reader r = {.o = o, .f = fopen(o->path, "r")};
  if (!r.f) {
    fprintf(stderr, "plenaryd: --config: cannot read %s: %s\n", o->path, strerror(errno));
    return 2;
  }
  ini_stop_on_first_error = true;
  ini_allow_multiline = false; /* an indented line is a mistake, not a continuation */
  int rc = ini_parse_stream(read_line, &r, on_key, &r);
  fclose(r.f);
  if (rc > 0 && r.status == 0) {
    fprintf(stderr, "plenaryd: %s:%d: expected key = value (at most 197 characters)\n",
            o->path, rc);
    return 2;
  }
  return rc < 0 ? 1 : r.status;
}
