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
