/*
 * cli_sync.c - `sovsync sync`: run one sync cycle (src/sync/sync.h).
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "sync.h"

#include <string.h>

/* Exit codes beyond the common 0/1/2, documented in the help text. */
#define EXIT_CONFLICT 3
#define EXIT_REWRITTEN 4

static int cmd_sync(int argc, char **argv)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	struct sov_sync_opts opts = { 0 };
	struct sov_sync_result res = SOV_SYNC_RESULT_INIT;
	struct sov_buf line = SOV_BUF_INIT;
	int quiet = 0, i, ret = SOV_EXIT_FAIL;

	opts.network = SOV_SYNC_NET_ALWAYS;
	opts.retry_conflict = 1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run"))
			opts.dry_run = 1;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[i], "--no-push"))
			opts.network = SOV_SYNC_NET_NEVER;
		else if (!strcmp(argv[i], "--accept-rewrite"))
			opts.accept_rewrite = 1;
		else
			return sov_cli_usage_error(&sov_cmd_sync, "unknown option '%s'",
						   argv[i]);
	}

	if (opts.accept_rewrite && (opts.dry_run || opts.network == SOV_SYNC_NET_NEVER))
		return sov_cli_usage_error(&sov_cmd_sync, "--accept-rewrite needs the "
					   "network steps: not with --dry-run or --no-push");
	if (sov_ctx_open(&ctx, NULL, SOV_CTX_REPO | SOV_SYNC_SETTINGS) < 0)
		goto fail;
	if (sov_sync_run(&ctx, &opts, &res) < 0)
		goto fail;
	if (opts.dry_run) {
		if (res.changes.len) {
			sov_sync_commit_message(ctx.set.source.ptr, res.changes.ptr,
						(size_t)-1, &line);
			printf("would commit:\n%s", line.ptr);
		} else if (!quiet) {
			printf("nothing to commit under %s\n", ctx.set.root.ptr);
		}
		ret = SOV_EXIT_OK;
		goto out;
	}

	sov_sync_describe(&res, &line);
	if (sov_sync_log(ctx.repo, line.ptr, SOV_SYNC_LOG_MAX) < 0)
		sov_warn("%s", sov_error_last());
	switch (res.outcome) {
	case SOV_SYNC_OK:
		if (!quiet)
			printf("%s\n", line.ptr);
		ret = SOV_EXIT_OK;
		break;
	case SOV_SYNC_CONFLICT:
		sov_warn("%s", line.ptr);
		ret = EXIT_CONFLICT;
		break;
	case SOV_SYNC_REWRITTEN:
		sov_warn("%s", line.ptr);
		ret = EXIT_REWRITTEN;
		break;
	default:
		sov_warn("%s", line.ptr);
		ret = SOV_EXIT_FAIL;
		break;
	}
	goto out;
fail:
	sov_error_report();
out:
	sov_sync_result_release(&res);
	sov_buf_release(&line);
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_sync = {
	"sync", cmd_sync,
	"Commit local changes, merge the remote's, push: one sync cycle",
	"sovsync sync [-n | --dry-run] [-q | --quiet] [--no-push] [--accept-rewrite]",
	"1. Stages every change under sovsync.root (new, modified and deleted\n"
	"   files; scratch files left out, see below), and the top-level\n"
	"   .gitattributes that install and track write (never a symbolic\n"
	"   link), and commits them as one batch, \"sovsync: N files from\n"
	"   <sovsync.source>\", with the\n"
	"   paths in the body.  The commit is made by `git commit`, so hooks,\n"
	"   the filter and commit.gpgSign apply.  What you staged outside the\n"
	"   root stays staged and out of this commit.\n"
	"2. Fetches sovsync.remote and merges <remote>/<branch> (the merge\n"
	"   drivers settle the synced files).  A file deleted on one side and\n"
	"   edited on the other (Git calls no driver for that) keeps the edit\n"
	"   when a sovsync driver owns it: the merge is committed and the\n"
	"   conflict listed by 'sovsync conflicts' (kind modify/delete).\n"
	"3. Pushes.  When the remote moved meanwhile, goes back to 2 (at most\n"
	"   5 times).\n"
	"4. Records the outcome in .git/sovsync/metrics.json and one line in\n"
	"   .git/sovsync/log.\n"
	"\n"
	"Nothing local is lost: a network or server failure keeps the local\n"
	"commit for the next sync.  Another process's .git/index.lock, and\n"
	"another sync or watcher cycle, is waited for (sovsync.sync.lockTimeout,\n"
	"default 30 s); the lock is never removed.  A merge, rebase or bisect\n"
	"you have in progress is left alone: sync refuses to run (exit 1).  A\n"
	"merge that cannot be settled (a conflict outside the synced files, a\n"
	"driver set to stop, or a modify/delete next to any of these) is\n"
	"aborted, leaving the work tree as it was, and flagged in\n"
	".git/sovsync/sync-conflict.json until a merge succeeds.\n"
	"\n"
	"A merge that dies midway (a file under the sovsync filter whose stored\n"
	"bytes arriving from the remote are damaged: Git stops at it with the\n"
	"work tree half written) fails the cycle with the path, the blob and\n"
	"the commit that brought it; the paths the merge wrote are put back to\n"
	"HEAD (files it created are removed), so no later cycle commits the\n"
	"leftovers.  Nothing else in the work tree is touched.\n"
	"\n"
	"A remote whose history was rewritten (a force-push, e.g. to remove a\n"
	"leaked secret) is not merged: when <remote>/<branch> no longer\n"
	"contains the remote commit last synced (kept per remote and branch in\n"
	".git/sovsync/synced-tips.json), the cycle stops before the merge,\n"
	"pushes nothing, flags it in .git/sovsync/remote-rewritten.json and\n"
	"exits 4; the watcher goes on committing locally and does not push.\n"
	"Check the remote, then run 'sovsync sync --accept-rewrite': it takes\n"
	"the rewritten remote and replays on it only the local commits made\n"
	"since the last sync (git rebase --onto <new tip> <last synced>), so\n"
	"the history the remote dropped is not pushed back, then pushes.  (The\n"
	"old commits stay in this clone's reflog until it expires.)\n"
	"\n"
	"Scratch files are never committed, at any depth, in any letter case:\n"
	"*.swp *.swo *.swx 4913 (vim), *~ .#* #*# (Emacs), *.kate-swp,\n"
	".~lock.*# (LibreOffice), ~$* (Microsoft Office), .goutputstream-*\n"
	"(GLib), *.tmp.  The list is built in and passed to `git add` as\n"
	":(exclude) pathspecs, whatever .gitignore says; like .gitignore it\n"
	"concerns untracked files only: a tracked file of such a name is synced\n"
	"as any other (git rm --cached it to stop that).\n"
	"\n"
	"    -n, --dry-run   list what would be committed; change nothing\n"
	"    -q, --quiet     print nothing on success\n"
	"    --no-push       commit only: no fetch, merge or push\n"
	"    --accept-rewrite  take a rewritten remote (see above)\n"
	"\n"
	"Settings: sovsync.root (shared), sovsync.remote (origin),\n"
	"sovsync.branch (the current branch; if set, it must be checked out),\n"
	"sovsync.source (local), sovsync.sync.lockTimeout (30),\n"
	"sovsync.networkTimeout (120: a fetch or push that shows no sign of\n"
	"life, not even progress, for that long is stopped with every process\n"
	"it started, ssh and remote helpers included; the cycle fails and\n"
	"keeps the local commit; 0 means no limit; the older name\n"
	"sovsync.sync.networkTimeout is still read).  Git runs with no\n"
	"terminal prompt: credentials must come from an agent or a credential\n"
	"helper.  Durations are seconds, or take a unit: 500ms, 2s, 5m.\n"
	"\n"
	"Exit status: 0 synced (or nothing to do), 1 failed (the message says\n"
	"why; local commits are kept), 2 wrong usage, 3 the merge stopped on\n"
	"conflicts and was aborted (see .git/sovsync/sync-conflict.json), 4 the\n"
	"remote was rewritten (see .git/sovsync/remote-rewritten.json).\n",
	0,
};
