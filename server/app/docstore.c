/* The documents' files (docstore.h). */
#include "app/docstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/server.h"
#include "store/portal.h"

static char dir[PL_DOCSTORE_PATH_MAX - 128]; /* room for "/<hex>.part" */

void pl_docstore_path(const char *sha, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s", dir, sha);
}

static void sync_dir(void) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

int pl_docstore_temp(char *buf, size_t len) {
  snprintf(buf, len, "%s/.upload-XXXXXX", dir);
  int fd = mkstemp(buf);
  if (fd >= 0)
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

int pl_docstore_stage(const char *tmp, const char *sha, char *part, size_t len) {
  snprintf(part, len, "%s/%s.part", dir, sha);
  if (rename(tmp, part) == 0)
    return 0;
  unlink(tmp);
  return -1;
}

void pl_docstore_commit(const char *sha) {
  char part[PL_DOCSTORE_PATH_MAX], final[PL_DOCSTORE_PATH_MAX];
  snprintf(part, sizeof part, "%s/%s.part", dir, sha);
  pl_docstore_path(sha, final, sizeof final);
  struct stat st;
  if (stat(final, &st) == 0)
    unlink(part); /* the same bytes, stored before */
  else if (rename(part, final) != 0)
    pl_log(PL_LOG_ERROR, "docstore", "msg", "could not store a committed file", "sha256", sha,
           "error", strerror(errno), NULL);
  sync_dir();
}

/* A committed document whose file is `sha`? */
static bool committed(const char *sha) {
  bool yes = false;
  return pl_store_document_with_sha(pl_srv->store, sha, &yes) == PL_STORE_OK && yes;
}

int pl_docstore_open(const char *db, char *err, size_t errlen) {
  snprintf(dir, sizeof dir, "%s.documents", db);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
    return -1;
  }
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
    return -1;
  }
  struct dirent *e;
  char path[PL_DOCSTORE_PATH_MAX + 256];
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    size_t len = strlen(n);
    bool part = len == 64 + 5 && strcmp(n + 64, ".part") == 0;
    if (strncmp(n, ".upload-", 8) != 0 && !part)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, n);
    char sha[PL_HASH_HEX_LEN];
    snprintf(sha, sizeof sha, "%.64s", n);
    if (part && committed(sha)) {
      pl_docstore_commit(sha);
    } else {
      unlink(path); /* an upload nobody heard of */
    }
  }
  closedir(d);
  return 0;
}
