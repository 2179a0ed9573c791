/*
 * osfs.c (POSIX) - files and directories; see src/os/osfs.h.
 */
#include "osfs.h"
#include "buf.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sov_os_open(const char *path, int flags, int mode)
{
	return open(path, flags | O_BINARY | O_CLOEXEC, mode);
}

int sov_os_openat(int dirfd, const char *name, int flags, int mode)
{
	return openat(dirfd, name, flags | O_BINARY | O_CLOEXEC, mode);
}

static void from_stat(const struct stat *s, struct sov_os_stat *st)
{
	if (S_ISREG(s->st_mode))
		st->type = SOV_OS_REG;
	else if (S_ISDIR(s->st_mode))
		st->type = SOV_OS_DIR;
	else if (S_ISLNK(s->st_mode))
		st->type = SOV_OS_LNK;
	else if (S_ISFIFO(s->st_mode))
		st->type = SOV_OS_FIFO;
	else if (S_ISSOCK(s->st_mode))
		st->type = SOV_OS_SOCK;
	else
		st->type = SOV_OS_OTHER;
	st->mode = (int)(s->st_mode & 07777);
	st->size = (uint64_t)s->st_size;
	st->dev = (uint64_t)s->st_dev;
	st->mtime = (int64_t)s->st_mtime;
	st->ino = (uint64_t)s->st_ino;
}

int sov_os_stat(const char *path, struct sov_os_stat *st)
{
	struct stat s;

	if (stat(path, &s) < 0)
		return -1;
	from_stat(&s, st);
	return 0;
}

int sov_os_lstat(const char *path, struct sov_os_stat *st)
{
	struct stat s;

	if (lstat(path, &s) < 0)
		return -1;
	from_stat(&s, st);
	return 0;
}

int sov_os_fstat(int fd, struct sov_os_stat *st)
{
	struct stat s;

	if (fstat(fd, &s) < 0)
		return -1;
	from_stat(&s, st);
	return 0;
}

int sov_os_lstatat(int dirfd, const char *name, struct sov_os_stat *st)
{
	struct stat s;

	if (fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	from_stat(&s, st);
	return 0;
}

static ssize_t terminate(ssize_t len, char *buf, size_t size)
{
	if (len < 0)
		return -1;
	if ((size_t)len >= size)
		len = (ssize_t)size - 1;
	buf[len] = '\0';
	return len;
}

ssize_t sov_os_readlink(const char *path, char *buf, size_t size)
{
	if (!size)
		return -1;
	return terminate(readlink(path, buf, size - 1), buf, size);
}

ssize_t sov_os_readlinkat(int dirfd, const char *name, char *buf, size_t size)
{
	if (!size)
		return -1;
	return terminate(readlinkat(dirfd, name, buf, size - 1), buf, size);
}

char *sov_os_realpath(const char *path)
{
	return realpath(path, NULL);
}

int sov_os_mkdir(const char *path, int mode)
{
	return mkdir(path, (mode_t)mode);
}

int sov_os_mkdirat(int dirfd, const char *name, int mode)
{
	return mkdirat(dirfd, name, (mode_t)mode);
}

int sov_os_rmdir(const char *path)
{
	return rmdir(path);
}

int sov_os_unlink(const char *path)
{
	return unlink(path);
}

int sov_os_unlinkat(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, 0);
}

int sov_os_replace(const char *from, const char *to)
{
	return rename(from, to);
}

int sov_os_replaceat(int dirfd, const char *from, const char *to)
{
	return renameat(dirfd, from, dirfd, to);
}

int sov_os_fsync(int fd)
{
	return fsync(fd);
}

void sov_os_fsync_dirfd(int dirfd)
{
	if (fsync(dirfd) < 0) {
		/* best effort: some file systems refuse it */
	}
}

void sov_os_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		sov_os_fsync_dirfd(fd);
		close(fd);
	}
}

int sov_os_fchmod(int fd, int mode)
{
	return fchmod(fd, (mode_t)mode);
}

const char *sov_os_null_device(void)
{
	return "/dev/null";
}

int sov_os_is_absolute(const char *path)
{
	return path[0] == '/';
}

size_t sov_os_root_len(const char *path)
{
	return path[0] == '/' ? 1 : 0;
}

int sov_os_open_tmpfile(const char *prefix)
{
	const char *dir = getenv("TMPDIR");
	struct sov_buf path = SOV_BUF_INIT;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	sov_buf_addf(&path, "%s/%s-XXXXXX", dir, prefix);
	fd = mkostemp(path.ptr, O_CLOEXEC);
	if (fd < 0) {
		sov_error_errno("cannot create a temporary file in %s", dir);
		sov_buf_release(&path);
		return -1;
	}
	unlink(path.ptr);
	sov_buf_release(&path);
	return fd;
}

int sov_os_access(const char *path, int mode)
{
	return access(path, mode);
}

struct sov_os_dir {
	DIR *dir;
	struct sov_os_dirent ent;
};

struct sov_os_dir *sov_os_opendir(const char *path)
{
	DIR *dir = opendir(path);
	struct sov_os_dir *d;

	if (!dir)
		return NULL;
	d = sov_calloc(1, sizeof(*d));
	d->dir = dir;
	return d;
}

const struct sov_os_dirent *sov_os_readdir(struct sov_os_dir *d)
{
	struct dirent *e;

	errno = 0;
	while ((e = readdir(d->dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		d->ent.name = e->d_name;
		switch (e->d_type) {
		case DT_REG: d->ent.type = SOV_OS_REG; break;
		case DT_DIR: d->ent.type = SOV_OS_DIR; break;
		case DT_LNK: d->ent.type = SOV_OS_LNK; break;
		case DT_FIFO: d->ent.type = SOV_OS_FIFO; break;
		case DT_SOCK: d->ent.type = SOV_OS_SOCK; break;
		case DT_UNKNOWN: d->ent.type = -1; break;
		default: d->ent.type = SOV_OS_OTHER; break;
		}
		return &d->ent;
	}
	return NULL;
}

void sov_os_closedir(struct sov_os_dir *d)
{
	if (!d)
		return;
	closedir(d->dir);
	free(d);
}

int sov_os_self_exe(struct sov_buf *out)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n < 0)
		return sov_error_errno("/proc/self/exe");
	sov_buf_reset(out);
	sov_buf_add(out, path, (size_t)n);
	return 0;
}
