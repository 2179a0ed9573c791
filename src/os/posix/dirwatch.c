/*
 * dirwatch.c - src/os/osdirwatch.h with inotify(7): one watch per
 * directory, added as directories appear.
 */
#include "osdirwatch.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything that can change what `git status` sees under a directory. */
#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | \
		    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
		    IN_MOVE_SELF | IN_DONT_FOLLOW | IN_ONLYDIR | IN_EXCL_UNLINK)

struct sov_os_dirwatch {
	int ino;			/* inotify descriptor */
	char **dirs;			/* watched directory by descriptor, relative (owned) */
	size_t dirs_alloc;
	size_t ndirs;
	struct sov_buf top;		/* absolute, no trailing '/' */
	struct sov_buf sub;		/* the watched tree, relative to top ("" : top) */
	int sub_parent_wd;		/* notices the tree appearing, or -1 */
	const char *sub_name;		/* last component of sub, in sub */
	int warned_limit;
};

static void remember(struct sov_os_dirwatch *w, int wd, const char *rel)
{
	size_t i;

	if ((size_t)wd >= w->dirs_alloc) {
		size_t old = w->dirs_alloc;

		SOV_ALLOC_GROW(w->dirs, (size_t)wd + 1, w->dirs_alloc);
		for (i = old; i < w->dirs_alloc; i++)
			w->dirs[i] = NULL;
	}
	if (!w->dirs[wd])
		w->ndirs++;
	free(w->dirs[wd]);
	w->dirs[wd] = sov_strdup(rel);
}

static void forget(struct sov_os_dirwatch *w, int wd)
{
	if (wd >= 0 && (size_t)wd < w->dirs_alloc && w->dirs[wd]) {
		free(w->dirs[wd]);
		w->dirs[wd] = NULL;
		w->ndirs--;
	}
}

static const char *dir_of(struct sov_os_dirwatch *w, int wd)
{
	return wd >= 0 && (size_t)wd < w->dirs_alloc ? w->dirs[wd] : NULL;
}

/* "<rel>/<name>", or "<name>" when rel is top itself. */
static void join(struct sov_buf *out, const char *rel, const char *name)
{
	sov_buf_reset(out);
	if (*rel)
		sov_buf_addf(out, "%s/", rel);
	sov_buf_addstr(out, name);
}

/*
 * Watch `rel` (relative to top) and every directory below it, not
 * following links nor entering .git.  With `batch`, the directory is new:
 * what is in it was created before its watch took, and is reported.
 */
static void watch_tree(struct sov_os_dirwatch *w, struct sov_buf *rel,
		       struct sov_os_dirwatch_batch *batch)
{
	struct sov_buf abs = SOV_BUF_INIT;
	size_t len = rel->len;
	struct dirent *de;
	DIR *d;
	int wd;

	sov_buf_addstr(&abs, w->top.ptr);
	if (rel->len)
		sov_buf_addf(&abs, "/%s", rel->ptr);
	wd = inotify_add_watch(w->ino, abs.ptr, DIR_EVENTS);
	if (wd < 0) {
		if (errno == ENOSPC && !w->warned_limit) {
			sov_warn("%s: inotify watch limit reached (raise "
				 "fs.inotify.max_user_watches); changes below it are "
				 "found by the periodic scan", abs.ptr);
			w->warned_limit = 1;
		}
		sov_buf_release(&abs);
		return;		/* gone already, or not a directory */
	}
	remember(w, wd, rel->ptr);

	d = opendir(abs.ptr);
	sov_buf_release(&abs);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int is_dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		sov_buf_setlen(rel, len);
		if (len)
			sov_buf_addch(rel, '/');
		sov_buf_addstr(rel, de->d_name);
		if (batch)
			sov_os_dirwatch_batch_add(batch, rel->ptr, rel->len);
		if (de->d_type == DT_UNKNOWN) {
			struct sov_buf p = SOV_BUF_INIT;

			sov_buf_addf(&p, "%s/%s", w->top.ptr, rel->ptr);
			is_dir = lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode);
			sov_buf_release(&p);
		} else {
			is_dir = de->d_type == DT_DIR;
		}
		if (is_dir)
			watch_tree(w, rel, batch);
	}
	sov_buf_setlen(rel, len);
	closedir(d);
}

void sov_os_dirwatch_rescan(struct sov_os_dirwatch *w)
{
	struct sov_buf rel = SOV_BUF_INIT;

	sov_buf_addstr(&rel, w->sub.ptr);
	watch_tree(w, &rel, NULL);
	sov_buf_release(&rel);
}

size_t sov_os_dirwatch_count(const struct sov_os_dirwatch *w)
{
	return w->ndirs;
}

int sov_os_dirwatch_open(struct sov_os_dirwatch **out, const char *top, const char *sub)
{
	struct sov_os_dirwatch *w = sov_calloc(1, sizeof(*w));
	struct sov_buf parent = SOV_BUF_INIT;
	const char *slash;

	*out = NULL;
	sov_buf_init(&w->top, 0);
	sov_buf_init(&w->sub, 0);
	w->sub_parent_wd = -1;
	sov_buf_addstr(&w->top, top);
	while (w->top.len > 1 && w->top.ptr[w->top.len - 1] == '/')
		sov_buf_setlen(&w->top, w->top.len - 1);
	if (strcmp(sub, "."))
		sov_buf_addstr(&w->sub, sub);
	while (w->sub.len && w->sub.ptr[w->sub.len - 1] == '/')
		sov_buf_setlen(&w->sub, w->sub.len - 1);

	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ino < 0) {
		sov_error_errno("inotify_init1");
		sov_os_dirwatch_close(w);
		return -1;
	}
	if (w->sub.len) {
		/* Watch the parent for the tree (re)appearing. */
		slash = strrchr(w->sub.ptr, '/');
		sov_buf_addstr(&parent, w->top.ptr);
		if (slash)
			sov_buf_addf(&parent, "/%.*s", (int)(slash - w->sub.ptr), w->sub.ptr);
		w->sub_name = slash ? slash + 1 : w->sub.ptr;
		w->sub_parent_wd = inotify_add_watch(w->ino, parent.ptr,
						     IN_CREATE | IN_MOVED_TO | IN_DELETE |
						     IN_MOVED_FROM | IN_ONLYDIR);
		sov_buf_release(&parent);
	} else if (access(w->top.ptr, F_OK) < 0) {
		sov_error_errno("%s", w->top.ptr);
		sov_os_dirwatch_close(w);
		return -1;
	}
	sov_os_dirwatch_rescan(w);
	*out = w;
	return 0;
}

/* Read what inotify queued into `batch`.  Returns 1 if anything was. */
static int drain_events(struct sov_os_dirwatch *w, struct sov_os_dirwatch_batch *batch)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct sov_buf path = SOV_BUF_INIT;
	int seen = 0, need_rescan = 0;
	ssize_t got;

	while ((got = read(w->ino, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + got) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			const char *name = ev->len ? ev->name : "";
			const char *dir;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				/* Events were lost: trust only a full walk and status. */
				need_rescan = batch->rescan = seen = 1;
				continue;
			}
			if (ev->wd == w->sub_parent_wd) {
				if (strcmp(name, w->sub_name))
					continue;
				need_rescan = batch->rescan = seen = 1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(w, ev->wd);
				continue;
			}
			dir = dir_of(w, ev->wd);
			if (!dir)
				continue;
			if (!*name) {
				/* The directory itself (deleted, moved, its mode). */
				if (*dir)
					sov_os_dirwatch_batch_add(batch, dir, strlen(dir));
				else
					batch->rescan = 1;
				seen = 1;
				continue;
			}
			join(&path, dir, name);
			sov_os_dirwatch_batch_add(batch, path.ptr, path.len);
			seen = 1;
			if (!(ev->mask & IN_ISDIR) || !strcmp(name, ".git"))
				continue;
			if (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO)) {
				/* Paths below a moved directory changed: walk again. */
				need_rescan = batch->rescan = 1;
			} else if (ev->mask & IN_CREATE) {
				watch_tree(w, &path, batch);
			}
		}
	}
	if (need_rescan)
		sov_os_dirwatch_rescan(w);
	sov_buf_release(&path);
	return seen;
}

int sov_os_dirwatch_wait(struct sov_os_dirwatch *w, struct sov_os_stop *stop,
			 int64_t timeout_ms, struct sov_os_dirwatch_batch *batch)
{
	struct pollfd pfd[2];
	int n = 1, r;

	if (stop && sov_os_stop_requested(stop))
		return 0;
	pfd[0] = (struct pollfd){ w->ino, POLLIN, 0 };
	if (stop)
		pfd[n++] = (struct pollfd){ (int)sov_os_stop_waitable(stop), POLLIN, 0 };
	if (timeout_ms > INT_MAX)
		timeout_ms = INT_MAX;
	r = poll(pfd, (nfds_t)n, timeout_ms < 0 ? -1 : (int)timeout_ms);
	if (r < 0 && errno != EINTR)
		return sov_error_errno("poll");
	if (r <= 0)
		return 0;
	if (n > 1 && pfd[1].revents)
		sov_os_stop_drain(stop);
	if (pfd[0].revents)
		return drain_events(w, batch);
	return 0;
}

void sov_os_dirwatch_close(struct sov_os_dirwatch *w)
{
	size_t i;

	if (!w)
		return;
	if (w->ino >= 0)
		close(w->ino);
	for (i = 0; i < w->dirs_alloc; i++)
		free(w->dirs[i]);
	free(w->dirs);
	sov_buf_release(&w->top);
	sov_buf_release(&w->sub);
	free(w);
}

long long sov_os_dirwatch_limit(struct sov_buf *what)
{
	struct sov_buf text = SOV_BUF_INIT;
	long long v = -1;

	sov_buf_reset(what);
	sov_buf_addstr(what, "fs.inotify.max_user_watches");
	if (sov_buf_read_file(&text, "/proc/sys/fs/inotify/max_user_watches") == 0)
		v = strtoll(text.ptr, NULL, 10);
	sov_error_clear();
	sov_buf_release(&text);
	return v;
}
