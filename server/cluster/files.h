/*
 * The documents' files in JetStream (docs/CLUSTER.md, "Documents"): a
 * second stream, PLENARY_FILES, that holds each file as chunks on the
 * subject plenary.file.<sha256>, so that a document uploaded on one node
 * can be read on every other. The log (PLENARY) carries only the
 * document.uploaded event; its file goes here first, and the event is
 * appended only once every chunk is stored, so nothing a node acknowledged
 * names a file that NATS does not have.
 *
 * The content is named by its hash, as in each node's own store
 * (app/docstore.h): a file uploaded twice is stored once, and a reader
 * checks what it got against the name. Both calls block for many JetStream
 * round trips: the callers run them on the worker thread, never on the
 * service thread. libnats's connection may be used from several threads.
 */
#ifndef PL_CLUSTER_FILES_H
#define PL_CLUSTER_FILES_H

#include <stddef.h>

#include "cluster/jetstream.h"

/* The bytes of one chunk: well under NATS's default 1 MB payload limit. */
#define PL_JS_CHUNK (256 * 1024)

/* From pl_js_open: makes sure the stream exists. Returns 0, or -1 with err. */
int pl_js_files_ensure(pl_js *js, int replicas, char *err, size_t errlen);

/* Stores the file at `path`, of content `sha` (lower hex), unless a whole
 * copy is stored already. Returns 0 once every chunk is acknowledged, or
 * -1 with err (some chunks may be stored: a later put or get copes). */
int pl_js_file_put(pl_js *js, const char *sha, const char *path, char *err, size_t errlen);

/* Writes the stored file of content `sha` to fd (a fresh file) and checks
 * its hash. Returns 0, 1 when NATS has no whole copy, or -1 with err. */
int pl_js_file_get(pl_js *js, const char *sha, int fd, char *err, size_t errlen);

#endif
