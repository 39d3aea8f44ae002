/*
 * Quoted-printable property values (pl_ical_unquote in ical.h).
 *
 * Outlook and exports that follow vCalendar 1.0 write
 * "DESCRIPTION;ENCODING=QUOTED-PRINTABLE:Salle =C3=A9tage 2=0D=0A..." with
 * soft line breaks ("=" at the end of a line, the value going on at the
 * start of the next, unindented), which is not iCalendar: libical would
 * read each continuation as a property of its own. So before libical parses
 * the text, such a value is joined, decoded (RFC 2045 6.7) and written back
 * as an iCalendar TEXT value, and the ENCODING and CHARSET parameters are
 * dropped. Every other line is copied as it is.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cal/ical.h"

/* The end of the name and parameters of the line at p (its ':' outside
 * quotes), or NULL when the line has none. */
static const char *value_colon(const char *p, const char *eol) {
  bool quoted = false;
  for (; p < eol; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (*p == ':' && !quoted)
      return p;
  }
  return NULL;
}

static bool has_param(const char *p, const char *end, const char *param) {
  const size_t n = strlen(param);
  for (; p + n <= end; p++)
    if (*p == ';' && strncasecmp(p + 1, param, n) == 0)
      return true;
  return false;
}

static int hexval(int c) {
  return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* Copies the name and the parameters but ENCODING and CHARSET. */
static char *put_head(char *o, const char *p, const char *colon) {
  while (p < colon) {
    const char *next = p + 1;
    while (next < colon && *next != ';')
      next++;
    if (!(*p == ';' && (strncasecmp(p + 1, "ENCODING=", 9) == 0 ||
                        strncasecmp(p + 1, "CHARSET=", 8) == 0))) {
      memcpy(o, p, (size_t)(next - p));
      o += next - p;
    }
    p = next;
  }
  *o++ = ':';
  return o;
}

/* Decodes the value from v on, across soft line breaks; returns where the
 * input goes on (the line after the value's last). */
static const char *put_value(char **out, const char *v, const char *end) {
  char *o = *out;
  size_t joined = 0;
  while (v < end && *v != '\n') {
    if (*v == '=' && v + 2 < end && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
      const int c = hexval(v[1]) * 16 + hexval(v[2]);
      v += 3;
      if (c == '\n') {
        *o++ = '\\', *o++ = 'n';
      } else if (c == '\\') {
        *o++ = '\\', *o++ = '\\';
      } else if (c != '\r') {
        *o++ = (char)c;
      }
    } else if (*v == '=' && (v + 1 == end || v[1] == '\n' || (v[1] == '\r' && v + 2 < end &&
                                                              v[2] == '\n'))) {
      v += v + 1 < end && v[1] == '\r' ? 3 : 2; /* a soft break: the value goes on */
      joined++;
    } else if (*v == '\r') {
      v++;
    } else {
      *o++ = *v++;
    }
  }
  *o++ = '\n'; /* libical reads a bare LF; CR LF would grow the text */
  /* an empty line for each joined one, which libical passes over: the
   * lines of what follows keep their numbers, for the messages */
  while (joined--)
    *o++ = '\n';
  *out = o;
  return v < end ? v + 1 : v;
}

char *pl_ical_unquote(const char *ics, size_t len) {
  /* nothing grows: "=0A" becomes "\\n", "=5C" "\\\\" (3 bytes to 2), and a line
   * ends as it did or shorter; only a last line without its LF gains one */
  char *out = malloc(len + 2), *o = out;
  if (!out)
    return NULL;
  const char *p = ics, *end = ics + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    eol = eol ? eol : end;
    const char *colon = *p == ' ' || *p == '\t' ? NULL : value_colon(p, eol);
    if (colon && has_param(p, colon, "ENCODING=QUOTED-PRINTABLE")) {
      o = put_head(o, p, colon);
      p = put_value(&o, colon + 1, end);
    } else {
      const size_t n = (size_t)(eol - p) + (eol < end);
      memcpy(o, p, n);
      o += n;
      p += n;
    }
  }
  *o = 0;
  return out;
}
