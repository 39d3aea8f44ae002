/*
 * What a call writes to stderr, for the shell's unit tests: fd 2 points at a
 * temporary file while `capture_begin` .. `capture_end` run, and the text is
 * handed back (caller frees). The log writes with write(2) on fd 2, so
 * redirecting the descriptor, not the FILE, is what catches it.
 */
#ifndef PL_TEST_CAPTURE_H
#define PL_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct capture {
  FILE *f;
  int saved;
} capture;

static inline void capture_begin(capture *c) {
  fflush(stderr);
  c->f = tmpfile();
  c->saved = dup(2);
  dup2(fileno(c->f), 2);
}

static inline char *capture_end(capture *c) {
  fflush(stderr);
  dup2(c->saved, 2);
  close(c->saved);
  long n = ftell(c->f);
  char *text = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
  rewind(c->f);
  if (n > 0 && fread(text, 1, (size_t)n, c->f) != (size_t)n)
    text[0] = '\0';
  fclose(c->f);
  return text;
}

#endif
