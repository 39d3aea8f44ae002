/* Type and words of an uploaded file (extract.h). */
#include "app/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <libxml/xmlreader.h>
#include <magic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIME_PDF "application/pdf"
#define MIME_ODT "application/vnd.oasis.opendocument.text"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
                               : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
  if (!len || len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  uint32_t c = len == 1 ? s[0] : len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
  for (size_t i = 1; i < len; i++)
    c = (c << 6) | (s[i] & 0x3Fu);
  static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0; /* overlong, out of range, or a surrogate */
  return len;
}

char *pl_extract_clean(const char *s, size_t len, size_t max) {
  size_t cap = len < max ? len : max;
  char *out = malloc(cap + 1);
  if (!out)
    return NULL;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n = 0;
  while (i < len) {
    size_t l = utf8_len(p + i, len - i);
    if (n + (l ? l : 1) > cap)
      break;
    if (l == 1 && (p[i] < 0x20 || p[i] == 0x7f) && p[i] != '\n') {
      out[n++] = ' ';
    } else if (l) {
      memcpy(out + n, p + i, l);
      n += l;
    } else {
      out[n++] = ' ';
      l = 1;
    }
    i += l;
  }
  out[n] = '\0';
  return out;
}

/* A growing buffer of text, capped. */
typedef struct text_buf {
  char *p;
  size_t n, cap, max;
} text_buf;

static void put(text_buf *b, const char *s, size_t len) {
  if (b->n + len > b->max)
    len = b->max - b->n;
  if (!len)
    return;
  if (b->n + len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + len + 1)
      cap *= 2;
    char *grown = realloc(b->p, cap);
    if (!grown)
      return;
    b->p = grown;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
  b->p[b->n] = '\0';
}

/* The inflated bytes of zip entry `want` in the file, at most `max`. */
static char *zip_entry(const char *path, const char *want, size_t max, size_t *len) {
  struct archive *a = archive_read_new();
  text_buf b = {.max = max};
  bool found = false;
  if (!a)
    return NULL;
  archive_read_support_format_zip(a);
  if (archive_read_open_filename(a, path, 65536) == ARCHIVE_OK) {
    struct archive_entry *e;
    while (!found && archive_read_next_header(a, &e) == ARCHIVE_OK) {
      if (strcmp(archive_entry_pathname(e), want) != 0)
        continue;
      found = true;
      char chunk[65536];
      la_ssize_t got;
      while (b.n < max && (got = archive_read_data(a, chunk, sizeof chunk)) > 0)
        put(&b, chunk, (size_t)got);
    }
  }
  archive_read_free(a);
  if (!found) {
    free(b.p);
    return NULL;
  }
  *len = b.n;
  return b.p ? b.p : calloc(1, 1);
}

/* Paragraphs end a line; spaces, tabs and breaks are a space. */
static bool ends_paragraph(const char *local) {
  return strcmp(local, "p") == 0 || strcmp(local, "h") == 0;
}
static bool is_space_element(const char *local) {
  return strcmp(local, "s") == 0 || strcmp(local, "tab") == 0 ||
         strcmp(local, "line-break") == 0 || strcmp(local, "br") == 0;
}

static char *xml_text(const char *xml, size_t len) {
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  text_buf b = {.max = PL_DOC_TEXT_MAX};
  if (!r)
    return NULL;
  while (xmlTextReaderRead(r) == 1 && b.n < b.max) {
    int type = xmlTextReaderNodeType(r);
    const char *local = (const char *)xmlTextReaderConstLocalName(r);
    if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      const char *v = (const char *)xmlTextReaderConstValue(r);
      if (v)
        put(&b, v, strlen(v));
    } else if (type == XML_READER_TYPE_ELEMENT && local && is_space_element(local)) {
      put(&b, " ", 1);
    } else if ((type == XML_READER_TYPE_END_ELEMENT ||
                (type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r))) &&
               local && ends_paragraph(local)) {
      put(&b, "\n", 1);
    }
  }
  xmlFreeTextReader(r);
  return b.p;
}

static char *file_text(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  text_buf b = {.max = PL_DOC_TEXT_MAX};
  char chunk[65536];
  ssize_t got;
  while (b.n < b.max && (got = read(fd, chunk, sizeof chunk)) > 0)
    put(&b, chunk, (size_t)got);
  close(fd);
  return b.p;
}

void pl_extract_file(const char *path, pl_extract *out) {
  out->mime[0] = '\0';
  out->allowed = false;
  out->text = NULL;
  magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
  const char *type = m && magic_load(m, NULL) == 0 ? magic_file(m, path) : NULL;
  snprintf(out->mime, sizeof out->mime, "%s", type ? type : "application/octet-stream");
  if (m)
    magic_close(m);
  const char *entry = strcmp(out->mime, MIME_ODT) == 0    ? "content.xml"
                      : strcmp(out->mime, MIME_DOCX) == 0 ? "word/document.xml"
                                                          : NULL;
  bool text = strcmp(out->mime, "text/plain") == 0 || strcmp(out->mime, "text/markdown") == 0;
  out->allowed = entry || text || strcmp(out->mime, MIME_PDF) == 0;
  char *raw = NULL;
  size_t len = 0;
  if (entry) {
    char *xml = zip_entry(path, entry, PL_EXTRACT_XML_MAX, &len);
    raw = xml ? xml_text(xml, len) : NULL;
    free(xml);
  } else if (text) {
    raw = file_text(path);
  }
  if (raw)
    out->text = pl_extract_clean(raw, strlen(raw), PL_DOC_TEXT_MAX);
  free(raw);
}
