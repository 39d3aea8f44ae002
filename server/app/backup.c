/*
 * plenaryd backup and restore (backup.h).
 *
 * A backup is taken with SQLite's online backup API into a private file
 * beside the destination (mode 0600: it holds token hashes and feed keys),
 * checked there as a restore would need it (PRAGMA integrity_check, the
 * views rebuilt from the log, the hash chains), put in rollback-journal mode
 * so it is one file, synced, and only then renamed into place: a backup
 * that exists is a backup that was checked.
 *
 * A restore takes the database's lock first (dblock.h), so it never writes
 * under a running server; it checks a private copy of the backup, never the
 * backup itself (opening it as a store could upgrade its schema), then copies
 * that over the database with the same API, which also folds any -wal left by
 * the old server.
 */
#include "app/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/dblock.h"
#include "app/replay.h"
#include "app/verify.h"
#include "store/backup.h"

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* `cmd --a FILE --b FILE`: both required, nothing else; the file the copy
 * is taken from (`from`: a or b) must be readable. */
static int two_paths(int argc, char **argv, const char *a, const char *b, const char **va,
                     const char **vb, const char *from) {
  for (int i = 2; i < argc; i++) {
    const char **into = strcmp(argv[i], a) == 0 ? va : strcmp(argv[i], b) == 0 ? vb : NULL;
    if (!into) {
      fprintf(stderr, "plenaryd %s: %s: unknown flag\n", argv[1], argv[i]);
      return 2;
    }
    if (i + 1 >= argc || !*argv[i + 1]) {
      fprintf(stderr, "plenaryd %s: %s: needs a value\n", argv[1], argv[i]);
      return 2;
    }
    *into = argv[++i];
  }
  if (!*va || !*vb) {
    fprintf(stderr, "plenaryd %s: %s FILE and %s FILE are required\n", argv[1], a, b);
    return 2;
  }
  const char *src = strcmp(from, a) == 0 ? *va : *vb;
  if (access(src, R_OK)) {
    fprintf(stderr, "plenaryd %s: %s: cannot read %s: %s\n", argv[1], from, src,
            strerror(errno));
    return 2;
  }
  return 0;
}

/* Creates an empty private file for SQLite to fill. */
static int make_private(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    fprintf(stderr, "plenaryd: cannot create %s: %s\n", path, strerror(errno));
    return -1;
  }
  close(fd);
  return 0;
}

/* The three checks a database must pass to be worth restoring. Each
 * prints one line; returns 0 when all pass. */
static int check_copy(const char *path) {
  char why[1024];
  if (pl_store_integrity(path, why, sizeof why) != PL_STORE_OK) {
    fprintf(stderr, "plenaryd: %s\n", why);
    return 1;
  }
  printf("integrity_check: ok\n");
  fflush(stdout);
  return pl_replay_check(path) || pl_verify_chains(path) ? 1 : 0;
}

static int sync_path(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int rc = fd < 0 || fsync(fd) ? -1 : 0;
  if (fd >= 0)
    close(fd);
  return rc;
}

static void remove_db_files(const char *path) {
  char side[4200];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

int pl_backup_main(int argc, char **argv) {
  const char *db = NULL, *to = NULL;
  int rc = two_paths(argc, argv, "--db", "--to", &db, &to, "--db");
  if (rc)
    return rc;
  char tmp[4000], why[1024];
  snprintf(tmp, sizeof tmp, "%s.partial-%ld", to, (long)getpid());
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int64_t pages = 0;
  if (make_private(tmp))
    return 1;
  if (pl_store_copy(db, tmp, &pages, why, sizeof why) != PL_STORE_OK) {
    fprintf(stderr, "plenaryd backup: %s\n", why);
    rc = 1;
    goto out;
  }
  double copied = seconds_since(&t0);
  if ((rc = check_copy(tmp)))
    goto out;
  if (pl_store_single_file(tmp, why, sizeof why) != PL_STORE_OK || sync_path(tmp) ||
      rename(tmp, to)) {
    fprintf(stderr, "plenaryd backup: cannot put the backup at %s: %s\n", to,
            *why ? why : strerror(errno));
    rc = 1;
    goto out;
  }
  printf("backup: %s -> %s: %lld pages, copied in %.3f s, checked in %.3f s\n", db, to,
         (long long)pages, copied, seconds_since(&t0) - copied);
  return 0;
out:
  remove_db_files(tmp);
  fprintf(stderr, "plenaryd backup: failed; %s was not written\n", to);
  return rc;
}

int pl_restore_main(int argc, char **argv) {
  const char *db = NULL, *from = NULL;
  int rc = two_paths(argc, argv, "--db", "--from", &db, &from, "--from");
  if (rc)
    return rc;
  char tmp[4000], why[1024] = "";
  int lock = pl_db_lock(db, why, sizeof why);
  if (lock < 0) {
    fprintf(stderr, "plenaryd restore: refused: %s\n", why);
    return 1;
  }
  snprintf(tmp, sizeof tmp, "%s.restore-%ld", db, (long)getpid());
  rc = 1;
  if (make_private(tmp))
    goto out_lock;
  if (pl_store_copy(from, tmp, NULL, why, sizeof why) != PL_STORE_OK) {
    fprintf(stderr, "plenaryd restore: %s\n", why);
    goto out_tmp;
  }
  if (check_copy(tmp)) {
    fprintf(stderr, "plenaryd restore: %s does not pass the checks; %s is unchanged\n", from,
            db);
    goto out_tmp;
  }
  if (access(db, F_OK) != 0 && make_private(db))
    goto out_tmp;
  if (pl_store_copy(tmp, db, NULL, why, sizeof why) != PL_STORE_OK) {
    fprintf(stderr, "plenaryd restore: %s\n", why);
    goto out_tmp;
  }
  printf("restore: %s -> %s: done; start plenaryd on it\n", from, db);
  rc = 0;
out_tmp:
  remove_db_files(tmp);
out_lock:
  close(lock);
  return rc;
}
