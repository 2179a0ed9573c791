/*
 * fs.c - file helpers and atomic replacement; see fs.h.
 */
#include "fs.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"
#include "osproc.h"
#include "ostime.h"

int sov_fs_write_all(int fd, const void *data, size_t len, const char *what)
{
	const char *p = data;

	while (len) {
		/* At most 1 GiB a call: Windows' write() counts in an int. */
		ssize_t n = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sov_error_errno("%s: write failed", what);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sov_fs_exists(const char *path)
{
	struct sov_os_stat st;
	return sov_os_lstat(path, &st) == 0;
}

int sov_fs_mkdirs(const char *path, mode_t mode)
{
	struct sov_buf dir = SOV_BUF_INIT;
	size_t i;
	int ret = 0;

	sov_buf_addstr(&dir, path);
	/* Past the root ("/"; "C:\" or "\\server\share\" on Windows). */
	i = sov_os_root_len(path);
	for (i = i ? i : 1; i <= dir.len && !ret; i++) {
		char saved = dir.ptr[i];
		struct sov_os_stat st;

		if (!SOV_OS_IS_SEP(saved) && saved != '\0')
			continue;
		dir.ptr[i] = '\0';
		if (sov_os_mkdir(dir.ptr, (int)mode) < 0 && errno != EEXIST)
			ret = sov_error_errno("%s: cannot create directory", dir.ptr);
		else if (sov_os_stat(dir.ptr, &st) < 0 || st.type != SOV_OS_DIR)
			ret = sov_error("%s: not a directory", dir.ptr);
		dir.ptr[i] = saved;
	}
	sov_buf_release(&dir);
	return ret;
}

static void release(struct sov_atomic *a)
{
	free(a->tmp_path);
	free(a->path);
	a->tmp_path = a->path = NULL;
	a->fd = -1;
}

/* The temporary file goes into `tmpdir`, or beside `path` when NULL. */
static int atomic_open_in(struct sov_atomic *a, const char *path, const char *tmpdir,
			  int mode)
{
	struct sov_buf tmp = SOV_BUF_INIT;
	const char *slash = strrchr(path, '/');
	struct sov_os_stat st;
	int tries;

	a->fd = -1;
	a->tmp_path = a->path = NULL;
	if (mode < 0 && sov_os_stat(path, &st) == 0)
		mode = st.mode;
	for (tries = 0; tries < 100; tries++) {
		int64_t ns = sov_os_realtime_ns();

		sov_buf_reset(&tmp);
		if (tmpdir)
			sov_buf_addf(&tmp, "%s/", tmpdir);
		else if (slash)
			sov_buf_add(&tmp, path, (size_t)(slash - path + 1));
		sov_buf_addf(&tmp, ".%s.sovsync-%ld-%lx.tmp", slash ? slash + 1 : path,
			     sov_os_getpid(), (unsigned long)(ns % 1000000000 + tries));
		a->fd = sov_os_open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL, mode < 0 ? 0666 : mode);
		if (a->fd >= 0 || errno != EEXIST)
			break;
	}
	if (a->fd < 0) {
		sov_error_errno("%s: cannot create temporary file %s", path, tmp.ptr);
		sov_buf_release(&tmp);
		return -1;
	}
	if (mode >= 0 && sov_os_fchmod(a->fd, mode) < 0) {
		sov_error_errno("%s: cannot set mode", tmp.ptr);
		close(a->fd);
		sov_os_unlink(tmp.ptr);
		sov_buf_release(&tmp);
		a->fd = -1;
		return -1;
	}
	a->tmp_path = sov_buf_detach(&tmp, NULL);
	a->path = sov_strdup(path);
	return 0;
}

int sov_atomic_open(struct sov_atomic *a, const char *path, int mode)
{
	return atomic_open_in(a, path, NULL, mode);
}

int sov_atomic_write(struct sov_atomic *a, const void *data, size_t len)
{
	return sov_fs_write_all(a->fd, data, len, a->path);
}

void sov_fs_dirname(const char *path, struct sov_buf *out)
{
	const char *slash = strrchr(path, '/');

	sov_buf_reset(out);
	if (slash)
		sov_buf_add(out, path, slash == path ? 1 : (size_t)(slash - path));
	else
		sov_buf_addch(out, '.');
}

static void fsync_dir_of(const char *path)
{
	struct sov_buf dir = SOV_BUF_INIT;

	sov_fs_dirname(path, &dir);
	sov_os_fsync_dir(dir.ptr);	/* best effort: some file systems refuse it */
	sov_buf_release(&dir);
}

static int commit(struct sov_atomic *a, int durable)
{
	int fd = a->fd, err;

	a->fd = -1;
	if (durable && sov_os_fsync(fd) < 0) {
		sov_error_errno("%s: fsync failed", a->path);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		sov_error_errno("%s: close failed", a->path);
		goto fail;
	}
	if (sov_os_replace(a->tmp_path, a->path) < 0) {
		sov_error_errno("%s: cannot rename temporary file into place", a->path);
		goto fail;
	}
	if (durable)
		fsync_dir_of(a->path);
	release(a);
	return 0;
fail:
	err = errno;
	sov_os_unlink(a->tmp_path);
	release(a);
	errno = err;		/* sov_fs_replace_via() looks for EXDEV */
	return -1;
}

int sov_atomic_commit(struct sov_atomic *a)
{
	return commit(a, 1);
}

void sov_atomic_abort(struct sov_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	if (a->tmp_path)
		sov_os_unlink(a->tmp_path);
	release(a);
}

static int write_whole(const char *path, const char *tmpdir, const void *data,
		       size_t len, int mode, int durable)
{
	struct sov_atomic a = SOV_ATOMIC_INIT;

	if (atomic_open_in(&a, path, tmpdir, mode) < 0)
		return -1;
	if (sov_atomic_write(&a, data, len) < 0) {
		sov_atomic_abort(&a);
		return -1;
	}
	return commit(&a, durable);
}

int sov_fs_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	return write_whole(path, NULL, data, len, mode, 1);
}

int sov_fs_replace(const char *path, const void *data, size_t len, int mode)
{
	return write_whole(path, NULL, data, len, mode, 0);
}

/* Whether `tmpdir` is on the file system of the directory holding `path`. */
static int same_file_system(const char *tmpdir, const char *path)
{
	struct sov_buf dir = SOV_BUF_INIT;
	struct sov_os_stat a, b;
	int same;

	sov_fs_dirname(path, &dir);
	same = sov_os_stat(tmpdir, &a) == 0 && sov_os_stat(dir.ptr, &b) == 0 && a.dev == b.dev;
	sov_buf_release(&dir);
	return same;
}

int sov_fs_replace_via(const char *path, const char *tmpdir, const void *data,
		       size_t len, int mode)
{
	if (tmpdir && !same_file_system(tmpdir, path))
		tmpdir = NULL;
	if (write_whole(path, tmpdir, data, len, mode, 0) == 0)
		return 0;
	/*
	 * Two bind mounts of one file system share st_dev, yet rename(2)
	 * between them fails with EXDEV: write beside the target instead.
	 */
	if (!tmpdir || errno != EXDEV)
		return -1;
	sov_error_clear();
	return write_whole(path, NULL, data, len, mode, 0);
}

/* ---- paths under a trusted top directory ---- */

int sov_fs_check_relpath(const char *rel)
{
	const char *s = rel;

	if (!*rel)
		return sov_error_set(SOV_EUNSAFE, "an empty path");
	if (*rel == '/')
		return sov_error_set(SOV_EUNSAFE,
				     "%s: an absolute path, not a path inside the work tree", rel);
	for (;;) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return sov_error_set(SOV_EUNSAFE, "%s: not a plain path inside the "
					     "work tree (an empty, '.' or '..' component)", rel);
		if (!*e)
			return 0;
		s = e + 1;
	}
}

/*
 * The message for the entry `name` of `dirfd`, which is `what` (its first
 * `n` bytes) for the user, when it cannot be used as `want`; `err` is the
 * errno of the failed open.  Returns -1 with errno = err.
 */
static int refuse_entry(int dirfd, const char *name, const char *what, size_t n,
			enum sov_fs_want want, int err)
{
	char target[4096];
	struct sov_os_stat st;

	if (sov_os_lstatat(dirfd, name, &st) < 0) {
		errno = err;
		sov_error_errno("%.*s", (int)n, what);
	} else if (st.type == SOV_OS_LNK) {
		if (sov_os_readlinkat(dirfd, name, target, sizeof(target)) < 0)
			target[0] = '\0';
		sov_error_set(SOV_EUNSAFE, "%.*s: a symbolic link (to %s); sovsync reads and "
			      "writes only inside the work tree, never through a link",
			      (int)n, what, target);
	} else if (want == SOV_FS_DIR && st.type != SOV_OS_DIR) {
		sov_error_set(SOV_ESHAPE, "%.*s: not a directory", (int)n, what);
	} else if (want == SOV_FS_FILE && st.type == SOV_OS_DIR) {
		sov_error_set(SOV_ESHAPE, "%.*s: a directory, not a file", (int)n, what);
	} else if (want == SOV_FS_FILE && st.type != SOV_OS_REG) {
		sov_error_set(SOV_ESHAPE, "%.*s: not a regular file", (int)n, what);
	} else {
		errno = err;
		sov_error_errno("%.*s", (int)n, what);
	}
	errno = err;
	return -1;
}

int sov_fs_open_dir_under(const char *top, const char *reldir, unsigned flags)
{
	const int oflags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
	struct sov_buf name = SOV_BUF_INIT;
	const char *s = reldir;
	int fd, err;

	if (*reldir && sov_fs_check_relpath(reldir) < 0) {
		errno = EINVAL;
		return -1;
	}
	fd = sov_os_open(top, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return sov_error_errno("%s: cannot open the work tree", top);
	while (*s) {
		const char *e = strchrnul(s, '/');
		int next;

		sov_buf_reset(&name);
		sov_buf_add(&name, s, (size_t)(e - s));
		next = sov_os_openat(fd, name.ptr, oflags, 0);
		if (next < 0 && errno == ENOENT && (flags & SOV_FS_MKDIRS)) {
			if (sov_os_mkdirat(fd, name.ptr, 0777) < 0 && errno != EEXIST) {
				err = errno;
				sov_error_errno("%.*s: cannot create directory",
						(int)(e - reldir), reldir);
				goto fail;
			}
			next = sov_os_openat(fd, name.ptr, oflags, 0);
		}
		if (next < 0) {
			err = errno;
			refuse_entry(fd, name.ptr, reldir, (size_t)(e - reldir), SOV_FS_DIR, err);
			goto fail;
		}
		close(fd);
		fd = next;
		s = *e ? e + 1 : e;
	}
	sov_buf_release(&name);
	return fd;
fail:
	close(fd);
	sov_buf_release(&name);
	errno = err;
	return -1;
}

/*
 * Read the regular file `name` in the directory `dirfd` (no link followed)
 * into `out` (appended).  Returns 0, 1 when it does not exist, or -1
 * (a link, a directory, a read error); messages name `what`.
 */
static int read_at(int dirfd, const char *name, const char *what, struct sov_buf *out)
{
	struct sov_os_stat st;
	int fd = sov_os_openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	int ret;

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return refuse_entry(dirfd, name, what, strlen(what), SOV_FS_FILE, errno);
	if (sov_os_fstat(fd, &st) < 0 || st.type != SOV_OS_REG) {
		close(fd);
		return refuse_entry(dirfd, name, what, strlen(what), SOV_FS_FILE, EINVAL);
	}
	ret = sov_buf_read_fd(out, fd, what);
	close(fd);
	return ret;
}

int sov_fs_replace_at(int dirfd, const char *name, const char *what,
		      const void *data, size_t len, int mode, unsigned flags)
{
	struct sov_buf tmp = SOV_BUF_INIT;
	struct sov_os_stat st;
	int fd = -1, tries, ret = -1;

	if (sov_os_lstatat(dirfd, name, &st) == 0) {
		if (st.type == SOV_OS_DIR)
			return sov_error("%s: a directory, not a file", what);
		if (mode < 0 && st.type == SOV_OS_REG)
			mode = st.mode;
	}
	for (tries = 0; tries < 100; tries++) {
		int64_t ns = sov_os_realtime_ns();

		sov_buf_reset(&tmp);
		sov_buf_addf(&tmp, ".%s.sovsync-%ld-%lx.tmp", name, sov_os_getpid(),
			     (unsigned long)(ns % 1000000000 + tries));
		fd = sov_os_openat(dirfd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
				   mode < 0 ? 0666 : mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		sov_error_errno("%s: cannot create a temporary file", what);
		goto out;
	}
	if (mode >= 0 && sov_os_fchmod(fd, mode) < 0) {
		sov_error_errno("%s: cannot set mode", what);
		goto fail;
	}
	if (sov_fs_write_all(fd, data, len, what) < 0)
		goto fail;
	if ((flags & SOV_FS_DURABLE) && sov_os_fsync(fd) < 0) {
		sov_error_errno("%s: fsync failed", what);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		sov_error_errno("%s: close failed", what);
		goto fail;
	}
	fd = -1;
	if (sov_os_replaceat(dirfd, tmp.ptr, name) < 0) {
		sov_error_errno("%s: cannot rename temporary file into place", what);
		goto fail;
	}
	if (flags & SOV_FS_DURABLE)
		sov_os_fsync_dirfd(dirfd);	/* best effort, as fsync_dir_of */
	ret = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	sov_os_unlinkat(dirfd, tmp.ptr);
out:
	sov_buf_release(&tmp);
	return ret;
}

/* Split `rel` at its last '/': the directory part into `dir`; the base name. */
static const char *split_rel(const char *rel, struct sov_buf *dir)
{
	const char *slash = strrchr(rel, '/');

	sov_buf_reset(dir);
	if (!slash)
		return rel;
	sov_buf_add(dir, rel, (size_t)(slash - rel));
	return slash + 1;
}

/* open_parent_under's status when a directory on the way is absent. */
#define PARENT_ABSENT (-2)

/*
 * Open the directory that holds top/rel (checked as sov_fs_open_dir_under
 * does) and point `*base` at rel's last component.  Returns the directory
 * descriptor, or -1 with a message.  With `absent_ok`, a directory that is
 * missing and was not created (ENOENT) is no error: PARENT_ABSENT, the
 * message cleared.
 */
static int open_parent_under(const char *top, const char *rel, unsigned flags,
			     int absent_ok, const char **base)
{
	struct sov_buf dir = SOV_BUF_INIT;
	int fd;

	if (sov_fs_check_relpath(rel) < 0)
		return -1;
	*base = split_rel(rel, &dir);
	fd = sov_fs_open_dir_under(top, dir.ptr, flags & SOV_FS_MKDIRS);
	sov_buf_release(&dir);
	if (fd < 0 && absent_ok && sov_error_code() == SOV_ENOTFOUND) {
		sov_error_clear();	/* absent: not an error here */
		return PARENT_ABSENT;
	}
	return fd;
}

int sov_fs_check_under(const char *top, const char *rel, enum sov_fs_want want)
{
	const char *base;
	struct sov_os_stat st;
	int fd, ret;

	fd = open_parent_under(top, rel, 0, 1, &base);
	if (fd < 0)
		return fd == PARENT_ABSENT ? 0 : -1;
	if (sov_os_lstatat(fd, base, &st) < 0)
		ret = errno == ENOENT ? 0 : sov_error_errno("%s", rel);
	else if (st.type == SOV_OS_LNK || (want == SOV_FS_DIR && st.type != SOV_OS_DIR) ||
		 (want == SOV_FS_FILE && st.type != SOV_OS_REG))
		ret = refuse_entry(fd, base, rel, strlen(rel), want, EINVAL);
	else
		ret = 1;
	close(fd);
	return ret;
}

int sov_fs_read_under(const char *top, const char *rel, struct sov_buf *out)
{
	const char *base;
	int fd, ret;

	fd = open_parent_under(top, rel, 0, 1, &base);
	if (fd < 0)
		return fd == PARENT_ABSENT ? 1 : -1;
	ret = read_at(fd, base, rel, out);
	close(fd);
	return ret;
}

int sov_fs_replace_under(const char *top, const char *rel, const void *data,
			 size_t len, int mode, unsigned flags)
{
	const char *base;
	int fd, ret;

	fd = open_parent_under(top, rel, flags, 0, &base);
	if (fd < 0)
		return -1;	/* the message names what is missing or refused */
	ret = sov_fs_replace_at(fd, base, rel, data, len, mode, flags);
	close(fd);
	return ret;
}
