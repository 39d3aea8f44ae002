/*
 * The documents' files in JetStream (files.h). A file is the messages of
 * its subject, plenary.file.<sha256>, in order: each carries
 * Plenary-Chunk (its index) and Plenary-Chunks (how many make the file).
 * A put cut short leaves a first part on the subject; the next put of the
 * same content starts again from chunk 0, so a reader starts over at every
 * chunk 0 and takes the first run that goes on to the last chunk and
 * hashes to the name (no upload stores one that does not: it is passed
 * over all the same).
 */
#include "cluster/files.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/token.h"
#include "cluster/jetstream_impl.h"

#define FILES "PLENARY_FILES"
#define FILE_PREFIX "plenary.file."

int pl_js_files_ensure(pl_js *j, int replicas, char *err, size_t errlen) {
  return pl_js_ensure_stream(j, FILES, FILE_PREFIX ">", replicas, err, errlen) == NATS_OK ? 0
                                                                                           : -1;
}

static long header_long(natsMsg *m, const char *name) {
  const char *v = NULL;
  return natsMsgHeader_Get(m, name, &v) == NATS_OK && v ? strtol(v, NULL, 10) : -1;
}

/* Whether the subject's last message is a file's last chunk: then a whole
 * copy was stored before it (puts go in order, and each waits its ack). */
static int stored_whole(pl_js *j, const char *subject, char *err, size_t errlen) {
  natsMsg *m = NULL;
  jsErrCode jerr = 0;
  natsStatus s = js_GetLastMsg(&m, pl_js_ctx(j), FILES, subject, NULL, &jerr);
  if (s == NATS_NOT_FOUND)
    return 0;
  if (s != NATS_OK) {
    pl_js_say(err, errlen, subject, s, jerr);
    return -1;
  }
  long i = header_long(m, "Plenary-Chunk"), n = header_long(m, "Plenary-Chunks");
  natsMsg_Destroy(m);
  return n > 0 && i == n - 1;
}

static natsStatus put_chunk(pl_js *j, const char *subject, const char *sha, long i, long n,
                            const char *buf, size_t len, char *err, size_t errlen) {
  char idx[24], count[24], id[128];
  snprintf(idx, sizeof idx, "%ld", i);
  snprintf(count, sizeof count, "%ld", n);
  snprintf(id, sizeof id, "%s:%ld", sha, i); /* a retry within the window is stored once */
  const char *hdr[] = {"Plenary-Chunk", idx, "Plenary-Chunks", count, NULL};
  jsPubAck *ack = NULL;
  jsErrCode jerr = 0;
  natsStatus s = pl_js_publish(j, subject, buf, len, hdr, id, &ack, &jerr);
  if (s != NATS_OK)
    pl_js_say(err, errlen, subject, s, jerr);
  jsPubAck_Destroy(ack);
  return s;
}

int pl_js_file_put(pl_js *j, const char *sha, const char *path, char *err, size_t errlen) {
  char subject[128];
  snprintf(subject, sizeof subject, FILE_PREFIX "%s", sha);
  if (pl_js_down(j, err, errlen))
    return -1;
  int whole = stored_whole(j, subject, err, errlen);
  if (whole != 0)
    return whole > 0 ? 0 : -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
  char *buf = malloc(PL_JS_CHUNK);
  int rc = -1;
  if (fd < 0 || size <= 0 || !buf || lseek(fd, 0, SEEK_SET) != 0) {
    snprintf(err, errlen, "cannot read %s: %s", path, fd < 0 ? strerror(errno) : "empty");
    goto out_close;
  }
  long n = (long)((size + PL_JS_CHUNK - 1) / PL_JS_CHUNK);
  for (long i = 0; i < n; i++) {
    size_t want = i < n - 1 ? PL_JS_CHUNK : (size_t)(size - (off_t)i * PL_JS_CHUNK), got = 0;
    while (got < want) {
      ssize_t r = read(fd, buf + got, want - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, r ? strerror(errno) : "cut short");
        goto out_close;
      }
      got += (size_t)r;
    }
    if (put_chunk(j, subject, sha, i, n, buf, want, err, errlen) != NATS_OK)
      goto out_close;
  }
  rc = 0;
out_close:
  free(buf);
  if (fd >= 0)
    close(fd);
  return rc;
}

static int write_all(int fd, const void *p, size_t len) {
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, (const char *)p + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    off += (size_t)w;
  }
  return 0;
}

/* Whether the hash so far is the one the file is named by. */
static int hash_is(EVP_MD_CTX *md, const uint8_t want[PL_HASH_LEN]) {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  return EVP_DigestFinal_ex(md, h, &len) && len == PL_HASH_LEN &&
         memcmp(h, want, PL_HASH_LEN) == 0;
}

int pl_js_file_get(pl_js *j, const char *sha, int fd, char *err, size_t errlen) {
  char subject[128];
  snprintf(subject, sizeof subject, FILE_PREFIX "%s", sha);
  uint8_t want_hash[PL_HASH_LEN];
  if (pl_token_hash_from_hex(sha, want_hash)) {
    snprintf(err, errlen, "not a SHA-256: %.80s", sha);
    return -1;
  }
  if (pl_js_down(j, err, errlen))
    return -1;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
    EVP_MD_CTX_free(md);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = 1;
  long want = 0; /* the next chunk of the run being read */
  for (uint64_t from = 1;;) {
    jsDirectGetMsgOptions o;
    jsDirectGetMsgOptions_Init(&o);
    o.Sequence = from;
    o.NextBySubject = subject;
    natsMsg *m = NULL;
    natsStatus s = js_DirectGetMsg(&m, pl_js_ctx(j), FILES, NULL, &o);
    if (s == NATS_NOT_FOUND) { /* no whole copy after `from` */
      snprintf(err, errlen, "NATS has no whole copy of %.16s...", sha);
      break;
    }
    if (s != NATS_OK) {
      pl_js_say(err, errlen, subject, s, 0);
      rc = -1;
      break;
    }
    from = natsMsg_GetSequence(m) + 1;
    long i = header_long(m, "Plenary-Chunk"), n = header_long(m, "Plenary-Chunks");
    if (i == 0 && want != 0) { /* a later put started again: so does the reader */
      if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
        i = -1;
      want = 0;
    }
    int bad = i != want || n <= 0;
    if (!bad) {
      const void *data = natsMsg_GetData(m);
      size_t len = (size_t)natsMsg_GetDataLength(m);
      if (!EVP_DigestUpdate(md, data, len) || write_all(fd, data, len)) {
        snprintf(err, errlen, "cannot write the file: %s", strerror(errno));
        natsMsg_Destroy(m);
        rc = -1;
        break;
      }
      want++;
    }
    natsMsg_Destroy(m);
    if (!bad && want == n && hash_is(md, want_hash)) {
      rc = 0;
      break;
    } /* a whole run that hashes wrong is passed over: a later one may not */
  }
  EVP_MD_CTX_free(md);
  return rc;
}
