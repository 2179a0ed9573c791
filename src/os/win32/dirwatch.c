/*
 * dirwatch.c - src/os/osdirwatch.h with ReadDirectoryChangesW: one
 * overlapped read on the top directory and its whole subtree, waited for
 * together with the stop request.
 *
 * Between two reads the system keeps recording changes in a buffer of the
 * size of the first read; when more happen than it holds (or the read's
 * own buffer is too small), the read completes with no entries (or with
 * ERROR_NOTIFY_ENUM_DIR): the changes are lost and a rescan is asked for.
 */
#include "osdirwatch.h"
#include "error.h"
#include "watchwide.h"

#include <string.h>
#include <windows.h>

/* What can change what `git status` sees. */
#define NOTIFY_FILTER (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME | \
		       FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE | \
		       FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_CREATION)

/* 64 KiB: the most a read may ask for on a network share. */
#define NOTIFY_BUFFER (64 * 1024)

struct sov_os_dirwatch {
	HANDLE dir;			/* the top directory, opened for listing */
	OVERLAPPED ov;			/* ov.hEvent: the read completed */
	int pending;			/* a read is outstanding */
	struct sov_buf top;		/* for messages */
	struct sov_buf sub;		/* the watched tree below top ("" : all) */
	DWORD buf[NOTIFY_BUFFER / sizeof(DWORD)];	/* DWORD-aligned entries */
};

/* Start the next read.  0 or -1. */
static int start_read(struct sov_os_dirwatch *w)
{
	if (w->pending)
		return 0;
	ResetEvent(w->ov.hEvent);
	if (!ReadDirectoryChangesW(w->dir, w->buf, sizeof(w->buf), TRUE, NOTIFY_FILTER, NULL,
				   &w->ov, NULL))
		return ww_error(GetLastError(), w->top.ptr);
	w->pending = 1;
	return 0;
}

size_t sov_os_dirwatch_count(const struct sov_os_dirwatch *w)
{
	return 1;	/* one watch holds the whole tree */
}

/*
 * Open (and close) every directory below `dir`, .git and reparse points
 * left out.  Windows needs none of it: the subtree watch covers them.
 * Wine's does not follow a directory that was there before the watch
 * began until a handle to it has been opened (t8102): this makes it.
 */
static void touch_dirs(struct sov_buf *dir, int depth)
{
	WIN32_FIND_DATAW fd;
	size_t len = dir->len;
	wchar_t *pattern;
	HANDLE find;

	if (depth > 64)
		return;
	sov_buf_addstr(dir, "\\*");
	if (ww_to_wide(dir->ptr, &pattern) < 0) {
		sov_error_clear();
		sov_buf_setlen(dir, len);
		return;
	}
	sov_buf_setlen(dir, len);
	find = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
	free(pattern);
	if (find == INVALID_HANDLE_VALUE)
		return;
	do {
		wchar_t *wdir;
		HANDLE h;

		if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
		    (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
		    !wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..") ||
		    !wcscmp(fd.cFileName, L".git"))
			continue;
		sov_buf_addch(dir, '\\');
		ww_add_utf8(dir, fd.cFileName, -1);
		if (ww_to_wide(dir->ptr, &wdir) == 0) {
			h = CreateFileW(wdir, FILE_LIST_DIRECTORY,
					FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
					OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
			if (h != INVALID_HANDLE_VALUE)
				CloseHandle(h);
			free(wdir);
			touch_dirs(dir, depth + 1);
		}
		sov_error_clear();
		sov_buf_setlen(dir, len);
	} while (FindNextFileW(find, &fd));
	FindClose(find);
}

void sov_os_dirwatch_rescan(struct sov_os_dirwatch *w)
{
	struct sov_buf dir = SOV_BUF_INIT;
	size_t i;

	/* The subtree watch takes new directories by itself (see touch_dirs). */
	sov_buf_addstr(&dir, w->top.ptr);
	if (w->sub.len)
		sov_buf_addf(&dir, "/%s", w->sub.ptr);
	for (i = 0; i < dir.len; i++)
		if (dir.ptr[i] == '/')
			dir.ptr[i] = '\\';
	while (dir.len > 3 && dir.ptr[dir.len - 1] == '\\')
		sov_buf_setlen(&dir, dir.len - 1);
	touch_dirs(&dir, 0);
	sov_buf_release(&dir);
}

int sov_os_dirwatch_open(struct sov_os_dirwatch **out, const char *top, const char *sub)
{
	struct sov_os_dirwatch *w = sov_calloc(1, sizeof(*w));
	wchar_t *wtop = NULL;

	*out = NULL;
	w->dir = INVALID_HANDLE_VALUE;
	sov_buf_init(&w->top, 0);
	sov_buf_init(&w->sub, 0);
	sov_buf_addstr(&w->top, top);
	if (strcmp(sub, "."))
		sov_buf_addstr(&w->sub, sub);
	while (w->sub.len && w->sub.ptr[w->sub.len - 1] == '/')
		sov_buf_setlen(&w->sub, w->sub.len - 1);

	if (ww_to_wide(top, &wtop) < 0)
		goto fail;
	w->dir = CreateFileW(wtop, FILE_LIST_DIRECTORY,
			     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			     OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED,
			     NULL);
	free(wtop);
	if (w->dir == INVALID_HANDLE_VALUE) {
		ww_error(GetLastError(), top);
		goto fail;
	}
	w->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!w->ov.hEvent) {
		ww_error(GetLastError(), "CreateEventW");
		goto fail;
	}
	if (start_read(w) < 0)
		goto fail;
	sov_os_dirwatch_rescan(w);
	*out = w;
	return 0;
fail:
	sov_os_dirwatch_close(w);
	return -1;
}

/* Add one changed path (relative to top, '/'-separated) if it is in the tree. */
static void take_path(struct sov_os_dirwatch *w, struct sov_os_dirwatch_batch *batch,
		      const char *path, size_t len)
{
	const char *sub = w->sub.ptr;
	size_t n = w->sub.len;

	if (n) {
		if (len >= n && !strncmp(path, sub, n) && (len == n || path[n] == '/')) {
			if (len == n) {
				batch->rescan = 1;	/* the tree itself appeared or went */
				return;
			}
		} else {
			/* A directory above the tree renamed or removed: look again. */
			if (len < n && !strncmp(sub, path, len) && sub[len] == '/')
				batch->rescan = 1;
			return;
		}
	}
	sov_os_dirwatch_batch_add(batch, path, len);
}

/* Decode a completed read of `got` bytes into `batch`. */
static void take_entries(struct sov_os_dirwatch *w, DWORD got,
			 struct sov_os_dirwatch_batch *batch)
{
	const char *p = (const char *)w->buf;
	struct sov_buf path = SOV_BUF_INIT;

	if (!got) {
		batch->rescan = 1;	/* the system's buffer overflowed */
		return;
	}
	for (;;) {
		const FILE_NOTIFY_INFORMATION *fni = (const FILE_NOTIFY_INFORMATION *)p;
		size_t i;

		sov_buf_reset(&path);
		ww_add_utf8(&path, fni->FileName, (int)(fni->FileNameLength / sizeof(WCHAR)));
		for (i = 0; i < path.len; i++)
			if (path.ptr[i] == '\\')
				path.ptr[i] = '/';
		if (path.len)
			take_path(w, batch, path.ptr, path.len);
		if (!fni->NextEntryOffset || p + fni->NextEntryOffset >= (const char *)w->buf + got)
			break;
		p += fni->NextEntryOffset;
	}
	sov_buf_release(&path);
}

int sov_os_dirwatch_wait(struct sov_os_dirwatch *w, struct sov_os_stop *stop,
			 int64_t timeout_ms, struct sov_os_dirwatch_batch *batch)
{
	HANDLE handles[2];
	DWORD n = 1, r, got = 0, timeout;
	size_t before = batch->count;
	int rescan_before = batch->rescan;

	if (stop && sov_os_stop_requested(stop))
		return 0;
	if (start_read(w) < 0)
		return -1;
	handles[0] = w->ov.hEvent;
	if (stop)
		handles[n++] = (HANDLE)sov_os_stop_waitable(stop);
	timeout = timeout_ms < 0 ? INFINITE :
		timeout_ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)timeout_ms;
	r = WaitForMultipleObjects(n, handles, FALSE, timeout);
	if (r == WAIT_FAILED)
		return ww_error(GetLastError(), "WaitForMultipleObjects");
	if (r != WAIT_OBJECT_0)
		return 0;	/* the time ran out, or the stop request */

	w->pending = 0;
	if (!GetOverlappedResult(w->dir, &w->ov, &got, FALSE)) {
		DWORD err = GetLastError();

		if (err != ERROR_NOTIFY_ENUM_DIR && err != ERROR_OPERATION_ABORTED)
			return ww_error(err, w->top.ptr);
		batch->rescan = 1;	/* too many changes for the buffer */
	} else {
		take_entries(w, got, batch);
	}
	/* Go on recording at once: what happens meanwhile is queued. */
	if (start_read(w) < 0)
		return -1;
	return batch->count > before || (batch->rescan && !rescan_before);
}

void sov_os_dirwatch_close(struct sov_os_dirwatch *w)
{
	DWORD got;

	if (!w)
		return;
	if (w->pending) {
		/* The system writes into w->buf until the read is really over. */
		CancelIoEx(w->dir, &w->ov);
		GetOverlappedResult(w->dir, &w->ov, &got, TRUE);
	}
	if (w->ov.hEvent)
		CloseHandle(w->ov.hEvent);
	if (w->dir != INVALID_HANDLE_VALUE)
		CloseHandle(w->dir);
	sov_buf_release(&w->top);
	sov_buf_release(&w->sub);
	free(w);
}

long long sov_os_dirwatch_limit(struct sov_buf *what)
{
	sov_buf_reset(what);
	sov_buf_addstr(what, "ReadDirectoryChangesW");
	return 0;
}
