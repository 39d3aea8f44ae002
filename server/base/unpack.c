/* pl_unpack: json_unpack_ex with JSON_STRICT and field-naming errors. */
#include "base/unpack.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *type_word(char conv) {
  switch (conv) {
  case 's': return "a string";
  case 'i':
  case 'I': return "an integer";
  case 'b': return "true or false";
  case 'F': return "a number";
  default: return "of another type";
  }
}

/* Finds the key whose value conversion sits at or before `pos` in `fmt`, by
 * counting keys, then reads that key from the argument list. */
static void name_field(const char *fmt, int pos, va_list ap, char *key_out, size_t len,
                       char *conv_out) {
  int keys = -1;
  char conv = 0;
  int expect_key = 1;
  for (int i = 0; fmt[i] && i <= pos; i++) {
    char c = fmt[i];
    if (c == '{' || c == ' ' || c == ':' || c == '?' || c == '!' || c == '*')
      continue;
    if (c == ',') {
      expect_key = 1;
      continue;
    }
    if (c == '}')
      break;
    if (expect_key) {
      keys++;
      expect_key = 0;
    } else {
      conv = c;
    }
  }
  *conv_out = conv;
  key_out[0] = '\0';
  for (int k = 0; k <= keys; k++) {
    const char *key = va_arg(ap, const char *);
    (void)va_arg(ap, void *);
    if (k == keys && key)
      snprintf(key_out, len, "%s", key);
  }
}

/* The key names at the end of jansson's message ("Object item not found:
 * title", "2 object item(s) left unpacked: extra, other"). Found by the text
 * before them, not by the last ':': a key may hold colons itself, and one
 * ending in ':' once sent the read past the end of the message (found by
 * tests/fuzz/fuzz_meeting_json). */
static const char *after(const char *text, const char *lead) {
  const char *at = strstr(text, lead);
  return at ? at + strlen(lead) : text;
}

pl_err pl_unpack(json_t *obj, char *msg, size_t msglen, const char *fmt, ...) {
  json_error_t err;
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int rc = json_vunpack_ex(obj, &err, JSON_STRICT, fmt, ap);
  va_end(ap);
  if (rc == 0) {
    va_end(ap2);
    return PL_ERR_OK;
  }
  enum json_error_code code = json_error_code(&err);
  if (code == json_error_wrong_type && json_is_object(obj)) {
    char key[64], conv;
    name_field(fmt, err.position, ap2, key, sizeof key, &conv);
    if (key[0])
      snprintf(msg, msglen, "field '%s' must be %s", key, type_word(conv));
    else
      snprintf(msg, msglen, "the request must be an object");
  } else if (code == json_error_item_not_found) {
    snprintf(msg, msglen, "field '%s' is missing", after(err.text, "not found: "));
  } else if (code == json_error_end_of_input_expected) {
    snprintf(msg, msglen, "unknown field: %s", after(err.text, "left unpacked: "));
  } else {
    snprintf(msg, msglen, "%s", err.text);
  }
  va_end(ap2);
  return PL_ERR_BAD_REQUEST;
}
