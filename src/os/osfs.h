/*
 * osfs.h - files and directories through the operating system layer.
 *
 * Paths are UTF-8 with '/' (the Windows side also takes '\', converts to
 * UTF-16 and prefixes "\\?\" so that no MAX_PATH limit applies).  Every
 * descriptor these functions open is binary (no CRLF translation, ever) and
 * not inherited by child processes, whatever `flags` says.
 *
 * These are system calls, not library functions: they return -1 with errno
 * set and leave NO message, so that the caller can tell ENOENT or EEXIST
 * from the rest and name its own file in the message it leaves.  Nothing
 * here keeps state; the caller owns (closes) every descriptor returned.
 */
#ifndef SOV_OSFS_H
#define SOV_OSFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oscompat.h"

enum sov_os_ftype {
	SOV_OS_REG,	/* a regular file */
	SOV_OS_DIR,	/* a directory */
	SOV_OS_LNK,	/* a symbolic link (on Windows: any reparse point) */
	SOV_OS_FIFO,	/* a pipe */
	SOV_OS_SOCK,	/* a socket */
	SOV_OS_OTHER,	/* a device or anything else */
};

struct sov_os_stat {
	enum sov_os_ftype type;
	int mode;		/* permission bits (07777); on Windows 0600 (0400 read-only), dirs 0700 */
	uint64_t size;
	uint64_t dev;		/* the file system (volume serial on Windows) */
	int64_t mtime;		/* last modification, seconds since the epoch */
	uint64_t ino;		/* the file in its file system (file index on Windows) */
	long mtime_nsec;	/* the nanoseconds of mtime (100 ns steps on Windows) */
	int64_t ctime;		/* last status change; on Windows the creation time,
				 * which is what Git for Windows takes for it */
	long ctime_nsec;
	int64_t atime;		/* last access */
	long atime_nsec;
	uint32_t uid, gid;	/* the owner; 0 on Windows */
};

/* open(2) of a UTF-8 path: O_BINARY and O_CLOEXEC added; O_NOFOLLOW and
 * O_DIRECTORY honoured (on Windows too, see oscompat.h). */
int sov_os_open(const char *path, int flags, int mode);
/* The same relative to the directory descriptor `dirfd` (openat(2)). */
int sov_os_openat(int dirfd, const char *name, int flags, int mode);

/* stat(2) / lstat(2) / fstat(2) / fstatat(AT_SYMLINK_NOFOLLOW). */
int sov_os_stat(const char *path, struct sov_os_stat *st);
int sov_os_lstat(const char *path, struct sov_os_stat *st);
int sov_os_fstat(int fd, struct sov_os_stat *st);
int sov_os_lstatat(int dirfd, const char *name, struct sov_os_stat *st);

/*
 * The target of the link `path` (or `name` in `dirfd`), NUL-terminated in
 * `buf` of `size` bytes (cut to fit).  Returns its length or -1.
 */
ssize_t sov_os_readlink(const char *path, char *buf, size_t size);
ssize_t sov_os_readlinkat(int dirfd, const char *name, char *buf, size_t size);

/* The absolute path with no link, "." or ".." left, '/'-separated; the
 * caller frees it.  NULL with errno. */
char *sov_os_realpath(const char *path);

/* mkdir(2) / mkdirat(2); `mode` is ignored on Windows. */
int sov_os_mkdir(const char *path, int mode);
int sov_os_mkdirat(int dirfd, const char *name, int mode);

/* rmdir(2) of an empty directory. */
int sov_os_rmdir(const char *path);

/* unlink(2) / unlinkat(2) of a file (not a directory). */
int sov_os_unlink(const char *path);
int sov_os_unlinkat(int dirfd, const char *name);

/*
 * Atomic replace: rename `from` over `to`, which may exist (rename(2);
 * MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH).
 * Readers see the old file or the new one, never a mix.  EXDEV when the
 * two are on different file systems.
 */
int sov_os_replace(const char *from, const char *to);
/* The same inside the directory descriptor `dirfd` (renameat(2)). */
int sov_os_replaceat(int dirfd, const char *from, const char *to);

/* fsync(2) / FlushFileBuffers. */
int sov_os_fsync(int fd);
/* Make a rename in this directory durable: best effort, no error (some
 * file systems refuse it; Windows has MOVEFILE_WRITE_THROUGH instead). */
void sov_os_fsync_dir(const char *dir);
void sov_os_fsync_dirfd(int dirfd);

/* fchmod(2); a no-op on Windows (no mode bits there). */
int sov_os_fchmod(int fd, int mode);

/*
 * Give the file `from` a second name `to`, unless `to` exists (-1 with
 * EEXIST): link(2), CreateHardLinkW on Windows.  `from` keeps its name (the
 * caller removes it); an object store names a finished temporary this way,
 * so a file already there is never replaced.
 */
int sov_os_link(const char *from, const char *to);

/* The process's file creation mask (umask(2)); 0 on Windows. */
int sov_os_umask(void);

/*
 * Give the file open on `fd` (for writing) the access and modification
 * times of `st`, to the nanosecond (futimens(2); SetFileTime on Windows,
 * in its 100 ns steps, so a time read there comes back exactly).
 */
int sov_os_set_times(int fd, const struct sov_os_stat *st);

/*
 * The first `len` bytes (len > 0, not past the end) of the file open on
 * `fd`, read-only, until sov_os_unmap(p, len); the descriptor may be
 * closed at once.  POSIX maps them (mmap(2), MAP_PRIVATE: no copy);
 * Windows reads them into memory, because a file with a mapped view can be
 * neither renamed over nor deleted there until the view goes, and Git (or
 * our own lock protocol) replaces the very file read by renaming a new one
 * over it.  NULL with errno.
 */
const void *sov_os_map_file(int fd, size_t len);
void sov_os_unmap(const void *p, size_t len);

/*
 * The stat data Git keeps for a file in its index (read-cache.c's
 * fill_stat_data), as Git on this system fills it from `st`, each field
 * cut to its low 32 bits: POSIX takes every field from stat(2); Git for
 * Windows (compat/mingw.c) writes 0 for dev, ino, uid and gid and takes the
 * creation time as ctime.  The entry's mode is the caller's business.
 */
struct sov_os_git_stat {
	uint32_t ctime, ctime_nsec, mtime, mtime_nsec, dev, ino, uid, gid, size;
};
void sov_os_git_stat(const struct sov_os_stat *st, struct sov_os_git_stat *out);

/*
 * A new temporary file, already unlinked, in $TMPDIR on both systems (Git
 * for Windows sets it for the programs it runs), else in /tmp (POSIX:
 * mkstemp, then unlink) or GetTempPathW's directory, TMP or TEMP (Windows:
 * deleted on close): it goes when its descriptor is closed or the process
 * dies.  `prefix` starts its name.  The descriptor, or -1 WITH a message (the directory and cause).
 */
int sov_os_open_tmpfile(const char *prefix);

/*
 * access(2) with F_OK, R_OK, W_OK, X_OK (unistd.h).  Windows has no
 * execute bit: X_OK there means a regular file exists (Git for Windows
 * runs hook scripts through its sh whatever their mode).
 */
int sov_os_access(const char *path, int mode);

/* Reading a directory: every entry but "." and "..", in no order. */
struct sov_os_dir;
struct sov_os_dirent {
	const char *name;	/* valid until the next read or the close */
	int type;		/* an enum sov_os_ftype (the entry itself, no link
				 * followed), or -1 when the system did not say */
};
/* NULL with errno. The caller closes it. */
struct sov_os_dir *sov_os_opendir(const char *path);
/* The next entry, or NULL at the end (errno 0) or on an error (errno set). */
const struct sov_os_dirent *sov_os_readdir(struct sov_os_dir *d);
void sov_os_closedir(struct sov_os_dir *d);

/* The path of the running executable into `out` (replaced).  0, or -1
 * with a message. */
struct sov_buf;
int sov_os_self_exe(struct sov_buf *out);

/* "/dev/null" or "NUL". */
const char *sov_os_null_device(void);

/* Whether `path` is absolute ("/x"; on Windows also "C:\x", "C:/x", "\\srv"). */
int sov_os_is_absolute(const char *path);
/* The length of its root ("/": 1; "C:/": 3; "//srv/share/": 12), 0 if relative. */
size_t sov_os_root_len(const char *path);

#endif
