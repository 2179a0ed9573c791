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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int sov_fs_write_all(int fd, const void *data, size_t len, const char *what)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
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
	struct stat st;
	return lstat(path, &st) == 0;
}

int sov_fs_mkdirs(const char *path, mode_t mode)
{
	struct sov_buf dir = SOV_BUF_INIT;
	size_t i;
	int ret = 0;

	sov_buf_addstr(&dir, path);
	for (i = 1; i <= dir.len && !ret; i++) {
		char saved = dir.ptr[i];
		struct stat st;

		if (saved != '/' && saved != '\0')
			continue;
		dir.ptr[i] = '\0';
		if (mkdir(dir.ptr, mode) < 0 && errno != EEXIST)
			ret = sov_error_errno("%s: cannot create directory", dir.ptr);
		else if (stat(dir.ptr, &st) < 0 || !S_ISDIR(st.st_mode))
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
	struct stat st;
	int tries;

	a->fd = -1;
	a->tmp_path = a->path = NULL;
	if (mode < 0 && stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	for (tries = 0; tries < 100; tries++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		sov_buf_reset(&tmp);
		if (tmpdir)
			sov_buf_addf(&tmp, "%s/", tmpdir);
		else if (slash)
			sov_buf_add(&tmp, path, (size_t)(slash - path + 1));
		sov_buf_addf(&tmp, ".%s.sovsync-%ld-%lx.tmp", slash ? slash + 1 : path,
			     (long)getpid(), (unsigned long)(ts.tv_nsec + tries));
		a->fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     mode < 0 ? 0666 : mode);
		if (a->fd >= 0 || errno != EEXIST)
			break;
	}
	if (a->fd < 0) {
		sov_error_errno("%s: cannot create temporary file %s", path, tmp.ptr);
		sov_buf_release(&tmp);
		return -1;
	}
	if (mode >= 0 && fchmod(a->fd, (mode_t)mode) < 0) {
		sov_error_errno("%s: cannot set mode", tmp.ptr);
		unlink(tmp.ptr);
		close(a->fd);
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
	int fd;

	sov_fs_dirname(path, &dir);
	fd = open(dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);	/* best effort: some file systems refuse it */
		close(fd);
	}
	sov_buf_release(&dir);
}

static int commit(struct sov_atomic *a, int durable)
{
	int fd = a->fd, err;

	a->fd = -1;
	if (durable && fsync(fd) < 0) {
		sov_error_errno("%s: fsync failed", a->path);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		sov_error_errno("%s: close failed", a->path);
		goto fail;
	}
	if (rename(a->tmp_path, a->path) < 0) {
		sov_error_errno("%s: cannot rename temporary file into place", a->path);
		goto fail;
	}
	if (durable)
		fsync_dir_of(a->path);
	release(a);
	return 0;
fail:
	err = errno;
	unlink(a->tmp_path);
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
		unlink(a->tmp_path);
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
	struct stat a, b;
	int same;

	sov_fs_dirname(path, &dir);
	same = stat(tmpdir, &a) == 0 && stat(dir.ptr, &b) == 0 && a.st_dev == b.st_dev;
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
	struct stat st;
	ssize_t len;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		errno = err;
		sov_error_errno("%.*s", (int)n, what);
	} else if (S_ISLNK(st.st_mode)) {
		len = readlinkat(dirfd, name, target, sizeof(target) - 1);
		target[len < 0 ? 0 : len] = '\0';
		sov_error_set(SOV_EUNSAFE, "%.*s: a symbolic link (to %s); sovsync reads and "
			      "writes only inside the work tree, never through a link",
			      (int)n, what, target);
	} else if (want == SOV_FS_DIR && !S_ISDIR(st.st_mode)) {
		sov_error_set(SOV_ESHAPE, "%.*s: not a directory", (int)n, what);
	} else if (want == SOV_FS_FILE && S_ISDIR(st.st_mode)) {
		sov_error_set(SOV_ESHAPE, "%.*s: a directory, not a file", (int)n, what);
	} else if (want == SOV_FS_FILE && !S_ISREG(st.st_mode)) {
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
	const int oflags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct sov_buf name = SOV_BUF_INIT;
	const char *s = reldir;
	int fd, err;

	if (*reldir && sov_fs_check_relpath(reldir) < 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sov_error_errno("%s: cannot open the work tree", top);
	while (*s) {
		const char *e = strchrnul(s, '/');
		int next;

		sov_buf_reset(&name);
		sov_buf_add(&name, s, (size_t)(e - s));
		next = openat(fd, name.ptr, oflags);
		if (next < 0 && errno == ENOENT && (flags & SOV_FS_MKDIRS)) {
			if (mkdirat(fd, name.ptr, 0777) < 0 && errno != EEXIST) {
				err = errno;
				sov_error_errno("%.*s: cannot create directory",
						(int)(e - reldir), reldir);
				goto fail;
			}
			next = openat(fd, name.ptr, oflags);
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
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int ret;

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return refuse_entry(dirfd, name, what, strlen(what), SOV_FS_FILE, errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
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
	struct stat st;
	int fd = -1, tries, ret = -1;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return sov_error("%s: a directory, not a file", what);
		if (mode < 0 && S_ISREG(st.st_mode))
			mode = st.st_mode & 07777;
	}
	for (tries = 0; tries < 100; tries++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		sov_buf_reset(&tmp);
		sov_buf_addf(&tmp, ".%s.sovsync-%ld-%lx.tmp", name, (long)getpid(),
			     (unsigned long)(ts.tv_nsec + tries));
		fd = openat(dirfd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    mode < 0 ? 0666 : mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		sov_error_errno("%s: cannot create a temporary file", what);
		goto out;
	}
	if (mode >= 0 && fchmod(fd, (mode_t)mode) < 0) {
		sov_error_errno("%s: cannot set mode", what);
		goto fail;
	}
	if (sov_fs_write_all(fd, data, len, what) < 0)
		goto fail;
	if ((flags & SOV_FS_DURABLE) && fsync(fd) < 0) {
		sov_error_errno("%s: fsync failed", what);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		sov_error_errno("%s: close failed", what);
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp.ptr, dirfd, name) < 0) {
		sov_error_errno("%s: cannot rename temporary file into place", what);
		goto fail;
	}
	if (flags & SOV_FS_DURABLE)
		fsync(dirfd);	/* best effort, as fsync_dir_of */
	ret = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp.ptr, 0);
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
	struct stat st;
	int fd, ret;

	fd = open_parent_under(top, rel, 0, 1, &base);
	if (fd < 0)
		return fd == PARENT_ABSENT ? 0 : -1;
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		ret = errno == ENOENT ? 0 : sov_error_errno("%s", rel);
	else if (S_ISLNK(st.st_mode) || (want == SOV_FS_DIR && !S_ISDIR(st.st_mode)) ||
		 (want == SOV_FS_FILE && !S_ISREG(st.st_mode)))
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
