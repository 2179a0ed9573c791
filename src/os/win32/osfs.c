/*
 * osfs.c (Windows) - files and directories over the UTF-16 file API with
 * long paths; see src/os/osfs.h.
 *
 * Every file is opened with CreateFileW (sharing read, write and delete,
 * so that a file another process has open can still be replaced, as on
 * POSIX) and handed to the C runtime as a binary descriptor
 * (_open_osfhandle, _setmode _O_BINARY).  A directory descriptor is a
 * directory handle behind a C runtime descriptor; the *at functions
 * resolve names against its final path.  O_NOFOLLOW refuses any reparse
 * point (symbolic link, junction).  There are no mode bits: files report
 * 0600 (0400 when read-only), directories 0700; access is the ACL's.
 */
#include "osfs.h"
#include "oswin.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF 116444736000000000ULL

static HANDLE open_wide(const wchar_t *path, int flags, int *is_dir)
{
	DWORD access, disposition, attrs = FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	BY_HANDLE_FILE_INFORMATION info;
	HANDLE h;

	switch (flags & (O_RDONLY | O_WRONLY | O_RDWR)) {
	case O_WRONLY: access = GENERIC_WRITE; break;
	case O_RDWR: access = GENERIC_READ | GENERIC_WRITE; break;
	default: access = GENERIC_READ; break;
	}
	if (flags & O_APPEND)
		access = (access & ~GENERIC_WRITE) | FILE_APPEND_DATA;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		disposition = CREATE_NEW;
	else if ((flags & O_CREAT) && (flags & O_TRUNC))
		disposition = CREATE_ALWAYS;
	else if (flags & O_CREAT)
		disposition = OPEN_ALWAYS;
	else if (flags & O_TRUNC)
		disposition = TRUNCATE_EXISTING;
	else
		disposition = OPEN_EXISTING;
	if (flags & O_NOFOLLOW)
		attrs |= FILE_FLAG_OPEN_REPARSE_POINT;
	h = CreateFileW(path, access, SHARE_ALL, &sa, disposition, attrs, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		sov_win_errno(GetLastError());
		return h;
	}
	if (GetFileType(h) != FILE_TYPE_DISK) {
		*is_dir = 0;
		return h;	/* NUL, a pipe, a console */
	}
	if (!GetFileInformationByHandle(h, &info)) {
		sov_win_errno(GetLastError());
		CloseHandle(h);
		return INVALID_HANDLE_VALUE;
	}
	*is_dir = !!(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
	if ((flags & O_NOFOLLOW) && (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
		CloseHandle(h);
		errno = ELOOP;
		return INVALID_HANDLE_VALUE;
	}
	if ((flags & O_DIRECTORY) && !*is_dir) {
		CloseHandle(h);
		errno = ENOTDIR;
		return INVALID_HANDLE_VALUE;
	}
	if (!(flags & O_DIRECTORY) && *is_dir && (flags & (O_WRONLY | O_RDWR))) {
		CloseHandle(h);
		errno = EISDIR;
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

static int handle_to_fd(HANDLE h, int flags)
{
	int fd = _open_osfhandle((intptr_t)h, ((flags & O_APPEND) ? _O_APPEND : 0) |
				 ((flags & (O_WRONLY | O_RDWR)) ? 0 : _O_RDONLY));

	if (fd < 0) {
		CloseHandle(h);
		errno = EMFILE;
		return -1;
	}
	_setmode(fd, _O_BINARY);
	return fd;
}

static int open_path(wchar_t *w, int flags)
{
	HANDLE h;
	int is_dir;

	if (!w)
		return -1;
	h = open_wide(w, flags, &is_dir);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	return handle_to_fd(h, flags);
}

int sov_os_open(const char *path, int flags, int mode)
{
	return open_path(sov_win_path(path), flags);
}

int sov_os_openat(int dirfd, const char *name, int flags, int mode)
{
	return open_path(sov_win_path_at(dirfd, name), flags);
}

/* A FILETIME as seconds and nanoseconds since the epoch (0 before it). */
static void from_filetime(const FILETIME *ft, int64_t *sec, long *nsec)
{
	uint64_t t = (uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime;

	if (t <= EPOCH_DIFF) {
		*sec = 0;
		*nsec = 0;
		return;
	}
	t -= EPOCH_DIFF;
	*sec = (int64_t)(t / 10000000);
	*nsec = (long)(t % 10000000) * 100;
}

static void to_filetime(int64_t sec, long nsec, FILETIME *ft)
{
	uint64_t t = (uint64_t)sec * 10000000 + (uint64_t)nsec / 100 + EPOCH_DIFF;

	ft->dwLowDateTime = (DWORD)t;
	ft->dwHighDateTime = (DWORD)(t >> 32);
}

static void from_info(const BY_HANDLE_FILE_INFORMATION *info, int nofollow,
		      struct sov_os_stat *st)
{
	DWORD a = info->dwFileAttributes;

	if (nofollow && (a & FILE_ATTRIBUTE_REPARSE_POINT))
		st->type = SOV_OS_LNK;
	else if (a & FILE_ATTRIBUTE_DIRECTORY)
		st->type = SOV_OS_DIR;
	else
		st->type = SOV_OS_REG;
	st->mode = st->type == SOV_OS_DIR ? 0700 : (a & FILE_ATTRIBUTE_READONLY) ? 0400 : 0600;
	st->size = st->type == SOV_OS_DIR ? 0 :
		   (uint64_t)info->nFileSizeHigh << 32 | info->nFileSizeLow;
	st->dev = info->dwVolumeSerialNumber;
	st->ino = (uint64_t)info->nFileIndexHigh << 32 | info->nFileIndexLow;
	from_filetime(&info->ftLastWriteTime, &st->mtime, &st->mtime_nsec);
	/* As Git for Windows (compat/mingw.c): ctime is the creation time. */
	from_filetime(&info->ftCreationTime, &st->ctime, &st->ctime_nsec);
	from_filetime(&info->ftLastAccessTime, &st->atime, &st->atime_nsec);
	st->uid = 0;
	st->gid = 0;
}

static int stat_handle(HANDLE h, int nofollow, struct sov_os_stat *st)
{
	BY_HANDLE_FILE_INFORMATION info;
	DWORD type = GetFileType(h);

	if (type == FILE_TYPE_PIPE || type == FILE_TYPE_CHAR) {
		memset(st, 0, sizeof(*st));
		st->type = type == FILE_TYPE_PIPE ? SOV_OS_FIFO : SOV_OS_OTHER;
		return 0;
	}
	if (!GetFileInformationByHandle(h, &info))
		return sov_win_errno(GetLastError());
	from_info(&info, nofollow, st);
	return 0;
}

static int stat_wide(wchar_t *w, int nofollow, struct sov_os_stat *st)
{
	HANDLE h;
	int ret;

	if (!w)
		return -1;
	h = CreateFileW(w, FILE_READ_ATTRIBUTES, SHARE_ALL, NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS | (nofollow ? FILE_FLAG_OPEN_REPARSE_POINT : 0),
			NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return sov_win_errno(GetLastError());
	ret = stat_handle(h, nofollow, st);
	CloseHandle(h);
	return ret;
}

int sov_os_stat(const char *path, struct sov_os_stat *st)
{
	return stat_wide(sov_win_path(path), 0, st);
}

int sov_os_lstat(const char *path, struct sov_os_stat *st)
{
	return stat_wide(sov_win_path(path), 1, st);
}

int sov_os_fstat(int fd, struct sov_os_stat *st)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	return stat_handle(h, 1, st);
}

int sov_os_lstatat(int dirfd, const char *name, struct sov_os_stat *st)
{
	return stat_wide(sov_win_path_at(dirfd, name), 1, st);
}

/*
 * The final path of what `w` leads to, UTF-8 with '/' and without the
 * "\\?\" prefix, into `out`.
 */
static int final_path(wchar_t *w, struct sov_buf *out)
{
	wchar_t *buf;
	HANDLE h;
	DWORD n;
	int ret = -1;

	if (!w)
		return -1;
	h = CreateFileW(w, FILE_READ_ATTRIBUTES, SHARE_ALL, NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return sov_win_errno(GetLastError());
	n = GetFinalPathNameByHandleW(h, NULL, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
	buf = sov_malloc(((size_t)n + 1) * sizeof(wchar_t));
	if (n && GetFinalPathNameByHandleW(h, buf, n + 1, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS)) {
		const wchar_t *p = buf;
		size_t i;

		if (!wcsncmp(p, L"\\\\?\\UNC\\", 8)) {
			p += 6;
			buf[6] = L'\\';
		} else if (!wcsncmp(p, L"\\\\?\\", 4)) {
			p += 4;
		}
		sov_buf_reset(out);
		ret = sov_win_utf8(p, out);
		for (i = 0; i < out->len; i++)
			if (out->ptr[i] == '\\')
				out->ptr[i] = '/';
	} else {
		sov_win_errno(GetLastError());
	}
	free(buf);
	CloseHandle(h);
	return ret;
}

/*
 * The target of a link, on Windows: where it finally leads (absolute),
 * which is what the messages that name it need.
 */
static ssize_t link_target(wchar_t *w, char *buf, size_t size)
{
	struct sov_buf out = SOV_BUF_INIT;
	struct sov_os_stat st;
	size_t n;

	if (!w || !size)
		return -1;
	if (stat_wide(_wcsdup(w), 1, &st) < 0) {
		free(w);
		return -1;
	}
	if (st.type != SOV_OS_LNK) {
		free(w);
		errno = EINVAL;
		return -1;
	}
	if (final_path(w, &out) < 0) {
		sov_buf_release(&out);
		return -1;
	}
	n = out.len < size - 1 ? out.len : size - 1;
	memcpy(buf, out.ptr, n);
	buf[n] = '\0';
	sov_buf_release(&out);
	return (ssize_t)n;
}

ssize_t sov_os_readlink(const char *path, char *buf, size_t size)
{
	return link_target(sov_win_path(path), buf, size);
}

ssize_t sov_os_readlinkat(int dirfd, const char *name, char *buf, size_t size)
{
	return link_target(sov_win_path_at(dirfd, name), buf, size);
}

char *sov_os_realpath(const char *path)
{
	struct sov_buf out = SOV_BUF_INIT;

	if (final_path(sov_win_path(path), &out) < 0) {
		sov_buf_release(&out);
		return NULL;
	}
	return sov_buf_detach(&out, NULL);
}

static int mkdir_wide(wchar_t *w)
{
	BOOL ok;

	if (!w)
		return -1;
	ok = CreateDirectoryW(w, NULL);
	free(w);
	return ok ? 0 : sov_win_errno(GetLastError());
}

int sov_os_mkdir(const char *path, int mode)
{
	return mkdir_wide(sov_win_path(path));
}

int sov_os_mkdirat(int dirfd, const char *name, int mode)
{
	return mkdir_wide(sov_win_path_at(dirfd, name));
}

static int unlink_wide(wchar_t *w)
{
	BOOL ok;

	if (!w)
		return -1;
	ok = DeleteFileW(w);
	if (!ok && GetLastError() == ERROR_ACCESS_DENIED) {
		/* A read-only file: POSIX removes it all the same. */
		DWORD a = GetFileAttributesW(w);

		if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_READONLY) &&
		    SetFileAttributesW(w, a & ~FILE_ATTRIBUTE_READONLY))
			ok = DeleteFileW(w);
		else
			SetLastError(ERROR_ACCESS_DENIED);
	}
	free(w);
	return ok ? 0 : sov_win_errno(GetLastError());
}

int sov_os_rmdir(const char *path)
{
	wchar_t *w = sov_win_path(path);
	BOOL ok;

	if (!w)
		return -1;
	ok = RemoveDirectoryW(w);
	free(w);
	return ok ? 0 : sov_win_errno(GetLastError());
}

int sov_os_link(const char *from, const char *to)
{
	wchar_t *wf = sov_win_path(from), *wt = sov_win_path(to);
	BOOL ok = wf && wt && CreateHardLinkW(wt, wf, NULL);
	DWORD err = ok ? 0 : (wf && wt ? GetLastError() : ERROR_INVALID_NAME);

	free(wf);
	free(wt);
	return ok ? 0 : sov_win_errno(err);
}

int sov_os_umask(void)
{
	return 0;
}

int sov_os_unlink(const char *path)
{
	return unlink_wide(sov_win_path(path));
}

int sov_os_unlinkat(int dirfd, const char *name)
{
	return unlink_wide(sov_win_path_at(dirfd, name));
}

/* FILE_RENAME_INFO as FileRenameInfoEx takes it (flags, not a BOOLEAN). */
struct rename_info_ex {
	DWORD flags;
	HANDLE root;
	DWORD name_len;		/* in bytes, without the NUL */
	WCHAR name[1];
};
#define RENAME_INFO_EX 22	/* FileRenameInfoEx */
#define RENAME_REPLACE_IF_EXISTS 0x1
#define RENAME_POSIX_SEMANTICS 0x2

/*
 * Windows 10 (1709 and later): rename with POSIX semantics, which
 * replaces a target that another process holds open (as rename(2) does),
 * then flush, as MOVEFILE_WRITE_THROUGH would.  0, or -1 with the error
 * left in GetLastError() for the fallback to decide.
 */
static int replace_posix(const wchar_t *from, const wchar_t *to)
{
	size_t len = wcslen(to) * sizeof(wchar_t);
	struct rename_info_ex *info = sov_calloc(1, sizeof(*info) + len);
	HANDLE h;
	BOOL ok;

	h = CreateFileW(from, DELETE | SYNCHRONIZE | GENERIC_WRITE, SHARE_ALL, NULL,
			OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
			NULL);
	if (h == INVALID_HANDLE_VALUE) {
		free(info);
		return -1;
	}
	info->flags = RENAME_REPLACE_IF_EXISTS | RENAME_POSIX_SEMANTICS;
	info->name_len = (DWORD)len;
	memcpy(info->name, to, len + sizeof(wchar_t));
	ok = SetFileInformationByHandle(h, (FILE_INFO_BY_HANDLE_CLASS)RENAME_INFO_EX, info,
					(DWORD)(sizeof(*info) + len));
	if (ok)
		FlushFileBuffers(h);
	free(info);
	if (!ok) {
		DWORD err = GetLastError();

		CloseHandle(h);
		SetLastError(err);
		return -1;
	}
	CloseHandle(h);
	return 0;
}

static int replace_wide(wchar_t *from, wchar_t *to)
{
	DWORD err = 0;
	int tries;

	if (!from || !to) {
		free(from);
		free(to);
		return -1;
	}
	if (replace_posix(from, to) == 0) {
		free(from);
		free(to);
		return 0;
	}
	err = GetLastError();
	if (err == ERROR_NOT_SAME_DEVICE || err == ERROR_FILE_NOT_FOUND ||
	    err == ERROR_PATH_NOT_FOUND) {
		free(from);
		free(to);
		return sov_win_errno(err);
	}
	/*
	 * A reader that opened the target without FILE_SHARE_DELETE (an
	 * editor, a virus scanner) holds it for a moment: try again a few
	 * times, as Git for Windows does.
	 */
	for (tries = 0; tries < 10; tries++) {
		if (MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
			err = 0;
			break;
		}
		err = GetLastError();
		if (err != ERROR_ACCESS_DENIED && err != ERROR_SHARING_VIOLATION)
			break;
		Sleep(10 << (tries < 5 ? tries : 5));
	}
	free(from);
	free(to);
	return err ? sov_win_errno(err) : 0;
}

int sov_os_replace(const char *from, const char *to)
{
	return replace_wide(sov_win_path(from), sov_win_path(to));
}

int sov_os_replaceat(int dirfd, const char *from, const char *to)
{
	return replace_wide(sov_win_path_at(dirfd, from), sov_win_path_at(dirfd, to));
}

int sov_os_fsync(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	BY_HANDLE_FILE_INFORMATION info;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	/*
	 * A directory (opened for reading) cannot be flushed: the renames in
	 * it were written through already (MOVEFILE_WRITE_THROUGH, or the
	 * flush after a POSIX-semantics rename).
	 */
	if (GetFileInformationByHandle(h, &info) &&
	    (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
		return 0;
	return FlushFileBuffers(h) ? 0 : sov_win_errno(GetLastError());
}

void sov_os_fsync_dir(const char *dir)
{
	/* MOVEFILE_WRITE_THROUGH made the rename durable already. */
}

void sov_os_fsync_dirfd(int dirfd)
{
}

int sov_os_fchmod(int fd, int mode)
{
	return 0;	/* no mode bits */
}

int sov_os_set_times(int fd, const struct sov_os_stat *st)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	FILETIME at, mt;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	to_filetime(st->atime, st->atime_nsec, &at);
	to_filetime(st->mtime, st->mtime_nsec, &mt);
	return SetFileTime(h, NULL, &at, &mt) ? 0 : sov_win_errno(GetLastError());
}

/*
 * Read, not mapped: a mapped view would keep the file from being renamed
 * over or deleted until it is unmapped (see osfs.h).
 */
const void *sov_os_map_file(int fd, size_t len)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	unsigned char *buf;
	size_t done = 0;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return NULL;
	}
	if (!len) {
		errno = EINVAL;
		return NULL;
	}
	buf = malloc(len);
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	while (done < len) {
		DWORD want = len - done > 0x40000000 ? 0x40000000 : (DWORD)(len - done), got = 0;
		OVERLAPPED at;

		/* At an offset of its own: whatever the descriptor's position. */
		memset(&at, 0, sizeof(at));
		at.Offset = (DWORD)done;
		at.OffsetHigh = (DWORD)((uint64_t)done >> 32);
		if (!ReadFile(h, buf + done, want, &got, &at)) {
			DWORD err = GetLastError();

			free(buf);
			if (err == ERROR_HANDLE_EOF) {
				errno = EINVAL;	/* shorter than len, as mmap(2) past the end */
				return NULL;
			}
			sov_win_errno(err);
			return NULL;
		}
		if (!got) {
			free(buf);
			errno = EINVAL;
			return NULL;
		}
		done += got;
	}
	return buf;
}

void sov_os_unmap(const void *p, size_t len)
{
	free((void *)p);
}

void sov_os_git_stat(const struct sov_os_stat *st, struct sov_os_git_stat *out)
{
	/* Git for Windows' stat() leaves these 0, and so its index does. */
	out->dev = 0;
	out->ino = 0;
	out->uid = 0;
	out->gid = 0;
	out->ctime = (uint32_t)st->ctime;
	out->ctime_nsec = (uint32_t)st->ctime_nsec;
	out->mtime = (uint32_t)st->mtime;
	out->mtime_nsec = (uint32_t)st->mtime_nsec;
	out->size = (uint32_t)st->size;
}

int sov_os_open_tmpfile(const char *prefix)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	wchar_t dir[MAX_PATH + 1], *name;
	struct sov_buf path = SOV_BUF_INIT, where = SOV_BUF_INIT;
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD n;
	int tries;

	/*
	 * $TMPDIR first, as on POSIX (and as Git for Windows sets it for the
	 * programs it runs, from TMP or TEMP); else GetTempPathW (TMP, TEMP,
	 * the profile's directory).
	 */
	n = GetEnvironmentVariableW(L"TMPDIR", dir, MAX_PATH + 1);
	if (n == 0 || n > MAX_PATH) {
		if (n > MAX_PATH) {
			sov_win_errno(ERROR_FILENAME_EXCED_RANGE);
			return sov_error_errno("cannot create a temporary file in $TMPDIR");
		}
		if (!GetTempPathW(MAX_PATH + 1, dir)) {
			sov_win_errno(GetLastError());
			return sov_error_errno("cannot find the temporary directory");
		}
	}
	if (sov_win_utf8(dir, &where) < 0)
		return sov_error_errno("the temporary directory");
	for (tries = 0; tries < 100 && h == INVALID_HANDLE_VALUE; tries++) {
		LARGE_INTEGER t;

		QueryPerformanceCounter(&t);
		sov_buf_reset(&path);
		sov_buf_addf(&path, "%s%s%s-%lu-%llx", where.ptr,
			     strchr("/\\", where.ptr[where.len - 1]) ? "" : "/", prefix,
			     (unsigned long)GetCurrentProcessId(),
			     (unsigned long long)t.QuadPart + (unsigned long long)tries);
		name = sov_win_path(path.ptr);
		if (!name)
			break;
		h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, &sa, CREATE_NEW,
				FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
		if (h == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS)
			tries = 100;
		free(name);
	}
	if (h == INVALID_HANDLE_VALUE) {
		sov_win_errno(GetLastError());
		sov_error_errno("cannot create a temporary file in %s", where.ptr);
		sov_buf_release(&path);
		sov_buf_release(&where);
		return -1;
	}
	sov_buf_release(&path);
	sov_buf_release(&where);
	return handle_to_fd(h, O_RDWR);
}

int sov_os_access(const char *path, int mode)
{
	wchar_t *w = sov_win_path(path);
	DWORD a;

	if (!w)
		return -1;
	a = GetFileAttributesW(w);
	free(w);
	if (a == INVALID_FILE_ATTRIBUTES)
		return sov_win_errno(GetLastError());
	if ((mode & W_OK) && (a & FILE_ATTRIBUTE_READONLY)) {
		errno = EACCES;
		return -1;
	}
	if ((mode & X_OK) && (a & FILE_ATTRIBUTE_DIRECTORY)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

struct sov_os_dir {
	HANDLE find;
	WIN32_FIND_DATAW data;
	int first;		/* data holds an entry not returned yet */
	struct sov_buf name;
	struct sov_os_dirent ent;
};

struct sov_os_dir *sov_os_opendir(const char *path)
{
	struct sov_buf pattern = SOV_BUF_INIT;
	struct sov_os_dir *d;
	wchar_t *w;

	sov_buf_addstr(&pattern, path);
	if (pattern.len && !SOV_OS_IS_SEP(pattern.ptr[pattern.len - 1]))
		sov_buf_addch(&pattern, '/');
	sov_buf_addch(&pattern, '*');
	w = sov_win_path(pattern.ptr);
	sov_buf_release(&pattern);
	if (!w)
		return NULL;
	d = sov_calloc(1, sizeof(*d));
	d->find = FindFirstFileW(w, &d->data);
	free(w);
	if (d->find == INVALID_HANDLE_VALUE) {
		DWORD err = GetLastError();

		free(d);
		sov_win_errno(err == ERROR_FILE_NOT_FOUND ? ERROR_PATH_NOT_FOUND : err);
		return NULL;
	}
	d->first = 1;
	sov_buf_init(&d->name, 64);
	return d;
}

const struct sov_os_dirent *sov_os_readdir(struct sov_os_dir *d)
{
	for (;;) {
		DWORD a;

		if (!d->first && !FindNextFileW(d->find, &d->data)) {
			DWORD err = GetLastError();

			if (err == ERROR_NO_MORE_FILES)
				errno = 0;
			else
				sov_win_errno(err);
			return NULL;
		}
		d->first = 0;
		if (!wcscmp(d->data.cFileName, L".") || !wcscmp(d->data.cFileName, L".."))
			continue;
		sov_buf_reset(&d->name);
		if (sov_win_utf8(d->data.cFileName, &d->name) < 0)
			continue;
		a = d->data.dwFileAttributes;
		d->ent.name = d->name.ptr;
		d->ent.type = (a & FILE_ATTRIBUTE_REPARSE_POINT) ? SOV_OS_LNK :
			      (a & FILE_ATTRIBUTE_DIRECTORY) ? SOV_OS_DIR : SOV_OS_REG;
		return &d->ent;
	}
}

void sov_os_closedir(struct sov_os_dir *d)
{
	if (!d)
		return;
	FindClose(d->find);
	sov_buf_release(&d->name);
	free(d);
}

int sov_os_self_exe(struct sov_buf *out)
{
	wchar_t *buf = sov_malloc(32768 * sizeof(wchar_t));
	DWORD n = GetModuleFileNameW(NULL, buf, 32768);
	size_t i;

	if (!n || n >= 32768) {
		free(buf);
		sov_win_errno(GetLastError());
		return sov_error_errno("cannot find the path of this program");
	}
	sov_buf_reset(out);
	if (sov_win_utf8(buf, out) < 0) {
		free(buf);
		return sov_error_errno("the path of this program");
	}
	free(buf);
	for (i = 0; i < out->len; i++)
		if (out->ptr[i] == '\\')
			out->ptr[i] = '/';
	return 0;
}

const char *sov_os_null_device(void)
{
	return "NUL";
}

static int is_sep(char c)
{
	return c == '/' || c == '\\';
}

size_t sov_os_root_len(const char *path)
{
	size_t i, parts;

	if (is_sep(path[0]) && is_sep(path[1])) {
		/* "//server/share/": two components past the double separator */
		for (i = 2, parts = 0; path[i]; i++)
			if (is_sep(path[i]) && ++parts == 2)
				return i + 1;
		return i;
	}
	if (((path[0] >= 'a' && path[0] <= 'z') || (path[0] >= 'A' && path[0] <= 'Z')) &&
	    path[1] == ':')
		return is_sep(path[2]) ? 3 : 0;
	return is_sep(path[0]) ? 1 : 0;
}

int sov_os_is_absolute(const char *path)
{
	return sov_os_root_len(path) > 0;
}
