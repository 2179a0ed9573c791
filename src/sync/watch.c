/*
 * watch.c - inotify, timers and the cycle loop of `sovsync watch`; see
 * watch.h.
 */
#include "watch.h"
#include "error.h"
#include "repo.h"
#include "timing.h"
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKOFF_BASE_MS 2000
#define DEBOUNCE_MAX_FACTOR 10

/* Everything that can change what `git status` sees under a directory. */
#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | \
		    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
		    IN_MOVE_SELF | IN_DONT_FOLLOW | IN_ONLYDIR | IN_EXCL_UNLINK)

/* ---- debounce ------------------------------------------------------------ */

void sov_debounce_init(struct sov_debounce *d, int64_t quiet_ms)
{
	d->quiet_ms = quiet_ms;
	d->max_ms = quiet_ms * DEBOUNCE_MAX_FACTOR;
	d->first = d->last = -1;
}

void sov_debounce_touch(struct sov_debounce *d, int64_t now)
{
	if (d->first < 0)
		d->first = now;
	d->last = now;
}

void sov_debounce_clear(struct sov_debounce *d)
{
	d->first = d->last = -1;
}

int64_t sov_debounce_due(const struct sov_debounce *d)
{
	int64_t quiet, cap;

	if (d->first < 0)
		return -1;
	quiet = d->last + d->quiet_ms;
	cap = d->first + d->max_ms;
	return quiet < cap ? quiet : cap;
}

/* ---- signals ------------------------------------------------------------- */

/*
 * The self-pipe: the handler may only touch these two.  They are the one
 * piece of process-wide state here, because a signal handler has no other
 * way to reach the loop.  A handler (rather than signalfd with blocked
 * signals) keeps the signals deliverable to the git children, which would
 * inherit a blocked mask.
 */
static volatile sig_atomic_t stop_signal;
static int signal_pipe_w = -1;

static void on_stop_signal(int sig)
{
	int saved = errno;

	stop_signal = sig;
	if (signal_pipe_w >= 0 && write(signal_pipe_w, "", 1) < 0) {
		/* The pipe is full: the loop is awake already. */
	}
	errno = saved;
}

static int install_signals(int pipe_fds[2])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return sov_error_errno("cannot create the signal pipe");
	stop_signal = 0;
	signal_pipe_w = pipe_fds[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

static void restore_signals(int pipe_fds[2])
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal_pipe_w = -1;
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

/* ---- the watcher ----------------------------------------------------------- */

struct watcher {
	struct sov_ctx *ctx;		/* borrowed */
	git_repository *repo;		/* ctx->repo */
	const struct sov_watch_opts *opts;
	int ino;			/* inotify descriptor */
	char **dirs;			/* watched directory by descriptor (owned) */
	size_t dirs_alloc;
	size_t ndirs;
	int root_parent_wd;		/* notices the root appearing, or -1 */
	struct sov_buf root;		/* absolute path of the synced root */
	const char *root_name;		/* its last component, in root */
	int warned_limit;
	struct sov_debounce debounce;
	int failures;			/* failed cycles in a row */
	int64_t next_pull, next_scan, retry_at;
};

static void remember(struct watcher *w, int wd, const char *path)
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
	w->dirs[wd] = sov_strdup(path);
}

static void forget(struct watcher *w, int wd)
{
	if (wd >= 0 && (size_t)wd < w->dirs_alloc && w->dirs[wd]) {
		free(w->dirs[wd]);
		w->dirs[wd] = NULL;
		w->ndirs--;
	}
}

static const char *dir_of(struct watcher *w, int wd)
{
	return wd >= 0 && (size_t)wd < w->dirs_alloc ? w->dirs[wd] : NULL;
}

/* Watch `dir` and every directory below it (not following links). */
static void watch_tree(struct watcher *w, struct sov_buf *dir)
{
	size_t len = dir->len;
	struct dirent *de;
	DIR *d;
	int wd;

	wd = inotify_add_watch(w->ino, dir->ptr, DIR_EVENTS);
	if (wd < 0) {
		if (errno == ENOSPC && !w->warned_limit) {
			sov_warn("%s: inotify watch limit reached (raise "
				 "fs.inotify.max_user_watches); changes below it are "
				 "found by the periodic scan", dir->ptr);
			w->warned_limit = 1;
		}
		return;		/* gone already, or not a directory */
	}
	remember(w, wd, dir->ptr);

	d = opendir(dir->ptr);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int is_dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		sov_buf_setlen(dir, len);
		sov_buf_addf(dir, "/%s", de->d_name);
		if (de->d_type == DT_UNKNOWN)
			is_dir = lstat(dir->ptr, &st) == 0 && S_ISDIR(st.st_mode);
		else
			is_dir = de->d_type == DT_DIR;
		if (is_dir)
			watch_tree(w, dir);
	}
	sov_buf_setlen(dir, len);
	closedir(d);
}

/* Walk the whole root again: after an overflow, a move, and periodically. */
static void rewalk(struct watcher *w)
{
	struct sov_buf dir = SOV_BUF_INIT;

	sov_buf_addstr(&dir, w->root.ptr);
	watch_tree(w, &dir);
	sov_buf_release(&dir);
}

static int setup_watches(struct watcher *w)
{
	const char *workdir = git_repository_workdir(w->repo);
	const char *root = w->ctx->set.root.ptr;
	char *slash;

	sov_buf_addstr(&w->root, workdir);
	while (w->root.len > 1 && w->root.ptr[w->root.len - 1] == '/')
		sov_buf_setlen(&w->root, w->root.len - 1);
	w->root_parent_wd = -1;
	if (strcmp(root, ".")) {
		/* Watch the parent for the root (re)appearing. */
		sov_buf_addf(&w->root, "/%s", root);
		slash = strrchr(w->root.ptr, '/');
		*slash = '\0';
		w->root_parent_wd = inotify_add_watch(w->ino, w->root.ptr,
						      IN_CREATE | IN_MOVED_TO | IN_DELETE |
						      IN_MOVED_FROM | IN_ONLYDIR);
		*slash = '/';
	}
	w->root_name = strrchr(w->root.ptr, '/') + 1;
	rewalk(w);
	return 0;
}

/* Read what inotify queued.  Returns 1 if a change was seen. */
static int drain_events(struct watcher *w, int64_t now)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct sov_buf path = SOV_BUF_INIT;
	int changed = 0, need_rewalk = 0;
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
				need_rewalk = changed = 1;
				continue;
			}
			if (ev->wd == w->root_parent_wd) {
				if (strcmp(name, w->root_name))
					continue;
				need_rewalk = changed = 1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(w, ev->wd);
				continue;
			}
			if (!strcmp(name, ".git") || sov_sync_is_scratch_name(name))
				continue;
			changed = 1;
			if (!(ev->mask & IN_ISDIR))
				continue;
			if (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO)) {
				/* Paths below a moved directory changed: walk again. */
				need_rewalk = 1;
			} else if ((ev->mask & IN_CREATE) && (dir = dir_of(w, ev->wd))) {
				sov_buf_reset(&path);
				sov_buf_addf(&path, "%s/%s", dir, name);
				watch_tree(w, &path);
			}
		}
	}
	if (need_rewalk)
		rewalk(w);
	if (changed)
		sov_debounce_touch(&w->debounce, now);
	sov_buf_release(&path);
	return changed;
}

static void report(struct watcher *w, const char *line)
{
	if (sov_sync_log(w->repo, line, SOV_SYNC_LOG_MAX) < 0)
		sov_warn("%s", sov_error_last());
	if (!w->opts->quiet && w->opts->report)
		w->opts->report(line);
}

/* Run one cycle and schedule the next ones from its outcome. */
static void run_cycle(struct watcher *w, enum sov_sync_network network,
		      int is_first)
{
	struct sov_sync_opts opts = { 0 };
	struct sov_sync_result res = SOV_SYNC_RESULT_INIT;
	struct sov_buf line = SOV_BUF_INIT;
	int64_t now, delay;
	int started;

	opts.network = network;
	opts.stop = &stop_signal;
	opts.retry_conflict = is_first;
	/* Changes from here on belong to the next cycle. */
	sov_debounce_clear(&w->debounce);
	started = sov_sync_run(w->ctx, &opts, &res) == 0;
	now = sov_timing_clock_ms();

	if (res.outcome == SOV_SYNC_FAILED) {
		w->failures++;
		delay = sov_timing_backoff_ms(w->failures, BACKOFF_BASE_MS,
					      w->opts->backoff_max_ms, sov_timing_random64());
		w->retry_at = now + delay;
		w->next_pull = w->retry_at;
		sov_sync_describe(&res, &line);
		if (!started)
			sov_buf_addstr(&line, " (cycle not started)");
		sov_buf_addf(&line, "; retry in %.1fs", (double)delay / 1000.0);
		report(w, line.ptr);
	} else {
		w->failures = 0;
		if (!res.is_idle)
			w->next_pull = now + w->opts->pull_interval_ms;
		if (!res.is_idle) {
			sov_sync_describe(&res, &line);
			report(w, line.ptr);
		}
	}
	sov_buf_release(&line);
	sov_sync_result_release(&res);
}

static int64_t min_time(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static void loop(struct watcher *w, int sig_fd)
{
	int first = 1;

	while (!stop_signal) {
		int64_t now = sov_timing_clock_ms();
		int64_t due = sov_debounce_due(&w->debounce);
		int64_t wake;
		struct pollfd pfd[2];
		char drain[64];

		/* While backing off, file changes wait for the retry too. */
		if (due >= 0 && w->failures && due < w->retry_at)
			due = w->retry_at;
		if (first || now >= w->next_pull) {
			run_cycle(w, SOV_SYNC_NET_ALWAYS, first);
			first = 0;
			continue;
		}
		if (now >= w->next_scan) {
			rewalk(w);
			w->next_scan = now + w->opts->scan_interval_ms;
			run_cycle(w, SOV_SYNC_NET_ALWAYS, 0);
			continue;
		}
		if (due >= 0 && now >= due) {
			run_cycle(w, w->failures ? SOV_SYNC_NET_ALWAYS :
				  SOV_SYNC_NET_IF_CHANGED, 0);
			continue;
		}

		wake = min_time(min_time(w->next_pull, w->next_scan), due);
		pfd[0] = (struct pollfd){ w->ino, POLLIN, 0 };
		pfd[1] = (struct pollfd){ sig_fd, POLLIN, 0 };
		if (poll(pfd, 2, (int)(wake - now > INT_MAX ? INT_MAX : wake - now)) < 0 &&
		    errno != EINTR) {
			sov_warn("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents)
			while (read(sig_fd, drain, sizeof(drain)) > 0)
				;
		if (pfd[0].revents)
			drain_events(w, sov_timing_clock_ms());
	}
}

int sov_watch_run(struct sov_ctx *ctx, const struct sov_watch_opts *opts)
{
	git_repository *repo = ctx->repo;
	struct watcher w = { 0 };
	struct sov_buf line = SOV_BUF_INIT;
	int pipe_fds[2] = { -1, -1 };
	int lock, ret = -1;
	size_t i;

	if (!git_repository_workdir(repo))
		return sov_error("%s: a bare repository has no files to watch",
				 git_repository_path(repo));
	lock = sov_repo_lock(repo, "watch", 0);
	if (lock < 0 && sov_error_code() == SOV_ELOCKED)
		return sov_error_prefix("another sovsync watch is running here");
	if (lock < 0)
		return -1;

	w.ctx = ctx;
	w.repo = repo;
	w.opts = opts;
	sov_buf_init(&w.root, 0);
	sov_debounce_init(&w.debounce, opts->debounce_ms);
	w.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.ino < 0) {
		sov_error_errno("inotify_init1");
		goto out;
	}
	if (install_signals(pipe_fds) < 0)
		goto out;
	setup_watches(&w);
	w.next_scan = sov_timing_clock_ms() + opts->scan_interval_ms;

	sov_buf_addf(&line, "watching %s (%zu directories; debounce %.1fs, "
		     "pull every %.0fs, scan every %.0fs)", w.root.ptr, w.ndirs,
		     (double)opts->debounce_ms / 1000.0,
		     (double)opts->pull_interval_ms / 1000.0,
		     (double)opts->scan_interval_ms / 1000.0);
	report(&w, line.ptr);

	loop(&w, pipe_fds[0]);

	sov_buf_reset(&line);
	sov_buf_addf(&line, "stopped (%s)", strsignal(stop_signal ? stop_signal : SIGTERM));
	report(&w, line.ptr);
	restore_signals(pipe_fds);
	ret = 0;
out:
	if (w.ino >= 0)
		close(w.ino);
	for (i = 0; i < w.dirs_alloc; i++)
		free(w.dirs[i]);
	free(w.dirs);
	sov_buf_release(&w.root);
	sov_buf_release(&line);
	sov_repo_unlock(lock);
	return ret;
}
