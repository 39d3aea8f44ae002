/*
 * The documents' files (docstore.c): content-addressed, one file per
 * SHA-256 in a folder beside the database ("<db>.documents/<hex>"), so the
 * same file uploaded twice is stored once and a name can never be chosen
 * by the uploader.
 *
 * An upload streams into a temporary file there (".upload-XXXXXX"); once
 * its hash is known and the file is synced it is renamed "<hex>.part", the
 * document.uploaded event is committed, and only then is it renamed
 * "<hex>". A failure at any step unlinks what it had written. A crash
 * between the commit and the last rename leaves a ".part" whose document is
 * committed: the start finishes that rename (pl_docstore_open), and removes
 * every other leftover.
 */
#ifndef PL_APP_DOCSTORE_H
#define PL_APP_DOCSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/token.h"

#define PL_DOCSTORE_PATH_MAX 4096

/* Makes the folder for database `db` and tidies it. Returns 0, or -1 with
 * a message in err. */
int pl_docstore_open(const char *db, char *err, size_t errlen);

/* The file of content `sha` (lower hex) into buf. */
void pl_docstore_path(const char *sha, char *buf, size_t len);

/* Opens a fresh temporary file; its path into buf. Returns the fd or -1. */
int pl_docstore_temp(char *buf, size_t len);

/* Renames the synced temporary file to "<sha>.part" (its path into part).
 * Returns 0 or -1 (the temporary file is then gone). */
int pl_docstore_stage(const char *tmp, const char *sha, char *part, size_t len);

/* The committed document's file: "<sha>.part" becomes "<sha>" (or goes,
 * when that content was already stored). */
void pl_docstore_commit(const char *sha);

#endif
