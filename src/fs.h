/*
 * fs.h - file helpers: whole writes, directories, and atomic replacement.
 *
 * Atomic replacement writes a temporary file beside the target (same
 * directory, so rename(2) cannot cross file systems), fsyncs it, renames it
 * over the target and fsyncs the directory.  A crash at any point leaves
 * either the old file or the new one, never a mix; a failed write (disk full,
 * read-only directory) leaves the old file untouched and removes the
 * temporary.
 */
#ifndef SOV_FS_H
#define SOV_FS_H

#include <stddef.h>
#include <sys/types.h>

struct sov_atomic {
	int fd;
	char *tmp_path;		/* owned */
	char *path;		/* owned */
};

#define SOV_ATOMIC_INIT { -1, NULL, NULL }

/*
 * Start replacing `path`.  `mode` < 0 keeps the mode of an existing file,
 * or uses 0666 minus the umask for a new one.  Returns 0 or -1.
 */
int sov_atomic_open(struct sov_atomic *a, const char *path, int mode);
int sov_atomic_write(struct sov_atomic *a, const void *data, size_t len);
/* Flush, rename into place and release; on failure the old file stays. */
int sov_atomic_commit(struct sov_atomic *a);
/* Drop the temporary and release; safe on an unopened or committed one. */
void sov_atomic_abort(struct sov_atomic *a);

/* Replace `path` with `len` bytes of `data` atomically.  Returns 0 or -1. */
int sov_fs_write_atomic(const char *path, const void *data, size_t len, int mode);

/*
 * Replace `path` atomically (never a mix of old and new) but without fsync:
 * for working tree files, where Git does not fsync either, and for
 * bookkeeping whose loss after a crash is harmless.  Much cheaper on slow
 * disks.  Returns 0 or -1.
 */
int sov_fs_replace(const char *path, const void *data, size_t len, int mode);

/*
 * Like sov_fs_replace, but the temporary file is made in `tmpdir` (when
 * not NULL and on the same file system as `path`, so that rename(2) works;
 * otherwise, or when the rename fails with EXDEV as between two bind mounts
 * of one file system, beside `path`).  For targets in a directory where a file left
 * by a process killed before its rename would do harm: a merge driver's %A
 * sits in the top of the work tree, where `git add -A` would commit it.
 */
int sov_fs_replace_via(const char *path, const char *tmpdir, const void *data,
		       size_t len, int mode);

/* write(2) all of it, retrying on EINTR and short writes.  0 or -1. */
int sov_fs_write_all(int fd, const void *data, size_t len, const char *what);

/* The directory part of `path` into `out` ("." without a slash, "/" for "/x"). */
struct sov_buf;
void sov_fs_dirname(const char *path, struct sov_buf *out);

/* mkdir -p.  0 or -1. */
int sov_fs_mkdirs(const char *path, mode_t mode);

/* 1 if `path` exists (lstat), 0 if not. */
int sov_fs_exists(const char *path);

#endif
