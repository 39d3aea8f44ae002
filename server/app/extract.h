/*
 * What an uploaded file is, and its words (extract.c). Runs on the worker
 * thread (ops/deferred.h): reading a 20 MiB document must not hold the
 * service thread.
 *
 * The type comes from the bytes alone, by libmagic (the `file` command's
 * library and database, which tells ODT from DOCX by the zip's "mimetype"
 * entry and its [Content_Types].xml), never from the name or the declared
 * type. The words of ODT and DOCX are read with libarchive (the zip entry
 * content.xml or word/document.xml, at most PL_EXTRACT_XML_MAX bytes
 * inflated, so a zip bomb stops there) and libxml2's reader (no network,
 * no entity expansion). Plain text and Markdown are their own words. PDF
 * text is not extracted: Debian's pdftotext (poppler-utils) is not part of
 * the server's dependencies; a PDF is found by its title and abstract.
 */
#ifndef PL_APP_EXTRACT_H
#define PL_APP_EXTRACT_H

#include <stdbool.h>

#include "base/portal.h"

#define PL_EXTRACT_XML_MAX (64 * 1024 * 1024)

typedef struct pl_extract {
  char mime[PL_MIME_LEN]; /* what libmagic says the bytes are */
  bool allowed;           /* PDF, ODT, DOCX, plain text (Markdown is plain text) */
  char *text;             /* owned: valid UTF-8, no control characters; or NULL */
} pl_extract;

/* Decides the type of the file at `path` and, when allowed, extracts its
 * text (at most PL_DOC_TEXT_MAX bytes). Thread-safe: each call has its own
 * libmagic handle. */
void pl_extract_file(const char *path, pl_extract *out);

/* Copies at most max bytes of s as valid UTF-8 with every control
 * character but newline a space. malloc'd, or NULL when out of memory. */
char *pl_extract_clean(const char *s, size_t len, size_t max);

#endif
