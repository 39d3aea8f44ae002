/*
 * Fuzz target: what an uploaded file's bytes become (app/extract.c), the
 * one decoder a stranger's file goes through: libmagic decides its type,
 * libarchive inflates the zip of an ODT or DOCX and libxml2 reads its XML.
 * The bytes are written to a memory file, as an upload streams to disk,
 * and read back by path. Whatever they are, the type is named, words come
 * only of an allowed type, and the words are valid UTF-8 with no control
 * character but newline, within PL_DOC_TEXT_MAX. Never a crash.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "app/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every byte of s, up to its NUL, is valid UTF-8 and no control but \n. */
static void check_text(const char *s, size_t max) {
  size_t len = strlen(s);
  if (len > max)
    abort();
  char *again = pl_extract_clean(s, len, max);
  if (!again || strcmp(again, s) != 0)
    abort(); /* cleaning clean text changes nothing */
  free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* the cleaner alone, on the raw bytes */
  char *clean = pl_extract_clean((const char *)data, size, 4096);
  if (!clean)
    return 0;
  check_text(clean, 4096);
  free(clean);

  int fd = memfd_create("upload", MFD_CLOEXEC);
  if (fd < 0)
    return 0;
  size_t off = 0;
  while (off < size) {
    ssize_t n = write(fd, data + off, size - off);
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  pl_extract ex;
  pl_extract_file(path, &ex);
  close(fd);
  if (!ex.mime[0] || !memchr(ex.mime, '\0', sizeof ex.mime))
    abort();
  if (ex.text) {
    if (!ex.allowed)
      abort();
    check_text(ex.text, PL_DOC_TEXT_MAX);
  }
  free(ex.text);
  return 0;
}
