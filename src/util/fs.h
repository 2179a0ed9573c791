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

#define SOV_ATOMIC_INIT { .fd = -1, .tmp_path = NULL, .path = NULL }

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

/*
 * Paths under a trusted top directory (the verified work tree).
 *
 * `rel` is relative to `top` and '/'-separated; it must not be empty or
 * absolute, nor hold empty, "." or ".." components (a path that could
 * climb out is refused before anything is opened).  Each directory of it
 * is opened from the one before with openat(2) and O_NOFOLLOW, so no
 * symbolic link is ever followed, whether it was there before or is
 * swapped in while sovsync works: a path through a link is refused, and
 * the message names the link and its target.  `top` itself may be reached
 * through links (the user chose it).  Git does not track files beyond a
 * symbolic link either, so nothing legitimate is refused.
 */
#define SOV_FS_MKDIRS	1	/* create missing directories */
#define SOV_FS_DURABLE	2	/* fsync the file and its directory */

/* Whether `rel` is a plain relative path as above.  0 or -1. */
int sov_fs_check_relpath(const char *rel);

enum sov_fs_want { SOV_FS_ANY, SOV_FS_FILE, SOV_FS_DIR };

/*
 * Verify top/rel without changing anything: every existing component is
 * no symbolic link, every one but the last a directory, and the last, if it
 * exists, of the `want` type.  Missing components are fine.  Returns 1 if
 * the path exists, 0 if not, -1 (message names the path) when refused.
 */
int sov_fs_check_under(const char *top, const char *rel, enum sov_fs_want want);

/*
 * Open the directory top/`reldir` ("" for top itself) component by
 * component as above, creating missing ones with SOV_FS_MKDIRS.  Returns an
 * O_DIRECTORY descriptor (the caller closes it), or -1; with the error code
 * SOV_ENOTFOUND when a component is missing and not created, SOV_EUNSAFE
 * for a link, SOV_ESHAPE for a component that is not a directory.
 */
int sov_fs_open_dir_under(const char *top, const char *reldir, unsigned flags);

/*
 * Replace `name` in the directory `dirfd` atomically: the temporary file
 * is made in that same directory and renamed over `name` there
 * (renameat(2)), so the write lands in the directory the descriptor holds
 * even if its path has been swapped for a link since.  `mode` as for
 * sov_atomic_open; SOV_FS_DURABLE fsyncs.  0 or -1 (message names `what`).
 */
int sov_fs_replace_at(int dirfd, const char *name, const char *what,
		      const void *data, size_t len, int mode, unsigned flags);

/*
 * Read the regular file top/rel (no link followed, sov_fs_open_dir_under
 * for its directory) into `out` (appended).  Returns 0, 1 when it does not
 * exist, or -1 (a link, a directory, a read error).
 */
int sov_fs_read_under(const char *top, const char *rel, struct sov_buf *out);

/*
 * Replace top/rel atomically (sov_fs_replace_at after sov_fs_open_dir_under;
 * SOV_FS_MKDIRS creates its missing directories).  0 or -1.
 */
int sov_fs_replace_under(const char *top, const char *rel, const void *data,
			 size_t len, int mode, unsigned flags);

#endif
