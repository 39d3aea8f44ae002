/* CSV rows (ctl.h): RFC 4180, as spreadsheets export it. A UTF-8 byte-order
 * mark at the start is skipped (LibreOffice and Excel may write one). */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static int push(ctl_csv *row, const char *s, size_t n) {
  if (row->n == row->cap) {
    size_t cap = row->cap ? row->cap * 2 : 8;
    char **grown = realloc(row->cells, cap * sizeof *grown);
    if (!grown)
      return -1;
    row->cells = grown;
    row->cap = cap;
  }
  char *cell = malloc(n + 1);
  if (!cell)
    return -1;
  memcpy(cell, s, n);
  cell[n] = '\0';
  row->cells[row->n++] = cell;
  return 0;
}

static void clear(ctl_csv *row) {
  for (size_t i = 0; i < row->n; i++)
    free(row->cells[i]);
  row->n = 0;
}

/* One quoted field from text + *pos (at the opening quote) into a fresh
 * buffer: the field with "" made ", or NULL for a quote never closed. */
static char *quoted(const char *text, size_t *pos, size_t *n) {
  size_t i = *pos + 1, o = 0, cap = strlen(text + i) + 1;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  for (;; i++) {
    if (text[i] == '\0') {
      free(out);
      return NULL;
    }
    if (text[i] == '"') {
      if (text[i + 1] != '"')
        break;
      i++;
    }
    out[o++] = text[i];
  }
  *pos = i + 1;
  *n = o;
  return out;
}

int ctl_csv_row(const char *text, size_t *pos, ctl_csv *row) {
  clear(row);
  size_t i = *pos;
  if (i == 0 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (text[i] == '\r' || text[i] == '\n') /* blank lines are no rows */
    i++;
  if (text[i] == '\0')
    return *pos = i, 0;
  for (;;) {
    size_t n;
    if (text[i] == '"') {
      char *cell = quoted(text, &i, &n);
      if (!cell || push(row, cell, n)) {
        free(cell);
        return -1;
      }
      free(cell);
    } else {
      n = strcspn(text + i, ",\r\n");
      if (push(row, text + i, n))
        return -1;
      i += n;
    }
    if (text[i] != ',')
      break;
    i++;
  }
  while (text[i] == '\r' || text[i] == '\n')
    i++;
  *pos = i;
  return 1;
}

void ctl_csv_release(ctl_csv *row) {
  clear(row);
  free(row->cells);
  row->cells = NULL;
  row->cap = 0;
}
