/*
 * hooktab.c - the hook handlers and their table; see hooktab.h.
 */
#include "hooktab.h"
#include "onpull.h"
#include "chunkstore.h"
#include "config.h"
#include "error.h"
#include "pushcheck.h"
#include "webevent.h"
#include "webhook.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void sov_hook_drain_stdin(void)
{
	char buf[8192];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

/*
 * pre-commit and pre-merge-commit: stage a fresh manifest.  Git re-reads
 * the index after these hooks, so what is staged here lands in the commit.
 * The index is the one Git names in GIT_INDEX_FILE: the real index for a
 * plain commit, index.lock for `commit -a`, a temporary next-index for
 * `commit <paths>` (post-commit then fixes the real index).
 */
static int pre_commit(struct sov_hookrun *h, int argc, char **argv)
{
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	int on = sov_webhook_settings_ctx(&s, h->ctx);

	/* Trouble with the settings: post-commit starts sovsync, which says so. */
	h->post_commit_needed = on < 0 || (on > 0 && (s.events & SOV_WEBHOOK_COMMIT));
	sov_webhook_settings_release(&s);
	sov_error_clear();
	return sov_hookrun_pre_commit(h);
}

/*
 * The parent of the commit Git just made, taken before any follow-up
 * commit moves HEAD, so that the event's changed paths are the user's
 * commit and its manifest refresh together.
 */
static int first_parent_of_head(git_repository *repo, char hex[GIT_OID_HEXSZ + 1])
{
	git_commit *head = NULL;
	git_oid id;
	int ret = -1;

	if (git_reference_name_to_id(&id, repo, "HEAD") == 0 &&
	    git_commit_lookup(&head, repo, &id) == 0 && git_commit_parentcount(head) > 0) {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_commit_parent_id(head, 0));
		ret = 0;
	}
	git_commit_free(head);
	return ret;
}

/*
 * post-commit: check the commit's manifest (repair once), then queue the
 * `commit` webhook event.  Runs after plain commits, --amend, --no-verify
 * commits, cherry-picks and each commit replayed by a rebase (where no
 * follow-up is made).
 */
static int post_commit(struct sov_hookrun *h, int argc, char **argv)
{
	char before[GIT_OID_HEXSZ + 1];
	int has_before = first_parent_of_head(h->repo, before) == 0;

	if (sov_hookrun_post_commit(h) < 0) {
		/* The manifest trouble is reported; the event still goes out. */
		sov_warn("post-commit hook: %s", sov_error_last());
		sov_error_clear();
	}
	return sov_webevent_emit(h->ctx, "commit", has_before ? before : NULL, NULL);
}

/* Merge fetched chunk refs into our own (chunkstore.h); trouble is a warning. */
static void absorb_chunks(struct sov_hookrun *h, const char *hook)
{
	if (sov_chunks_absorb(h->repo) < 0) {
		sov_warn("%s hook: %s", hook, sov_error_last());
		sov_error_clear();
	}
}

/*
 * post-merge: check HEAD after a merge or a fast-forward.  argv[1] is "1"
 * for a squash merge (nothing committed).  A fast-forward pull of commits
 * made elsewhere (the web app commits through the GitHub API, without
 * hooks) is where a stale manifest usually arrives.  Then the `merge`
 * webhook event is queued.
 */
static int post_merge(struct sov_hookrun *h, int argc, char **argv)
{
	int is_squash = argc > 1 && !strcmp(argv[1], "1");
	int ret;

	if (sov_hookrun_post_merge(h, is_squash) < 0) {
		/* The manifest trouble is reported; the event still goes out. */
		sov_warn("post-merge hook: %s", sov_error_last());
		sov_error_clear();
	}
	/* A squash merge committed nothing: no event until its commit. */
	if (is_squash)
		return 0;
	/* The chunks of what was pulled are kept by our own ref from now on. */
	absorb_chunks(h, "post-merge");
	/* ORIG_HEAD..HEAD: what the merge or fast-forward brought in. */
	ret = sov_webevent_emit(h->ctx, "merge", NULL, NULL);
	/* The same, for the local stack (sovsync.onPull), after the follow-up. */
	sov_onpull_after_hook(h->ctx, h->ctx->set.root.ptr, "post-merge");
	return ret;
}

/*
 * post-rewrite: after `commit --amend` or a rebase.  argv[1] is "amend" or
 * "rebase"; standard input lists "<old> <new>" pairs, which the check does
 * not need (it looks at the resulting HEAD).
 */
static int post_rewrite(struct sov_hookrun *h, int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	int ret;

	sov_hook_drain_stdin();
	ret = sov_hookrun_post_rewrite(h, kind);
	/* After `pull --rebase`: as post-merge, keep the pulled chunks. */
	absorb_chunks(h, "post-rewrite");
	/* `git pull --rebase`: ORIG_HEAD..HEAD is what it brought (onpull.h). */
	if (!strcmp(kind, "rebase"))
		sov_onpull_after_hook(h->ctx, h->ctx->set.root.ptr, "post-rewrite");
	return ret;
}

/*
 * reference-transaction: where a push is seen.  argv[1] is the state (the
 * script only starts sovsync for "committed"); standard input lists
 * "<old> <new> <ref>" lines.  A push that landed moves
 * refs/remotes/<remote>/<branch>, which is what the webhook module looks
 * for.  Never fail here: a non-zero exit in "prepared" aborts the
 * transaction.
 */
static int reference_transaction(struct sov_hookrun *h, int argc, char **argv)
{
	if (argc < 2) {
		sov_hook_drain_stdin();
		return 0;
	}
	return sov_webevent_ref_transaction(h->ctx, argv[1], stdin);
}

/*
 * pre-push: refuse a push the host would refuse for an object's size
 * (pushcheck.h), before anything is sent; then push the chunk blobs of
 * large files first (chunkstore.h), as git-lfs uploads its objects before
 * the push.  argv[1] is the remote's name (or its URL), argv[2] its URL;
 * standard input lists the refs being pushed.  Returns 1 to refuse (an
 * object over the limit, or chunks the remote did not take: without them
 * a pushed file could never be checked out), with the cause printed;
 * sovsync's other trouble is a warning and lets the push go on.
 */
static int pre_push(struct sov_hookrun *h, int argc, char **argv)
{
	struct sov_buf input = SOV_BUF_INIT, report = SOV_BUF_INIT;
	const char *remote = argc > 1 ? argv[1] : "origin";
	uint64_t max = 0;
	int ret;

	if (sov_buf_read_fd(&input, 0, "standard input") < 0) {
		sov_hook_drain_stdin();
		sov_buf_release(&input);
		return -1;
	}
	ret = sov_ctx_load(h->ctx, SOV_SET_FILTER);
	max = (uint64_t)h->ctx->set.max_object_size;
	if (ret == 0)
		ret = sov_pushcheck_run(h->repo, remote, input.ptr, max, &report);
	if (ret > 0) {
		const char *p = report.ptr;

		/* Every line prefixed, so that it reads as sovsync's in Git's output. */
		while (*p) {
			const char *nl = strchrnul(p, '\n');

			sov_warn("%.*s", (int)(nl - p), p);
			p = *nl ? nl + 1 : nl;
		}
		goto out;
	}
	if (ret < 0) {
		sov_warn("pre-push hook: %s", sov_error_last());
		sov_error_clear();
	}
	ret = 0;
	/* This clone fetches the chunks from that remote from now on too. */
	if (argc > 1 && (sov_chunks_add_refspec(h->repo, remote) < 0 ||
			 sov_chunks_push(h->repo, remote) < 0)) {
		sov_warn("pre-push hook: %s", sov_error_last());
		sov_error_clear();
		ret = 1;
	}
out:
	sov_buf_release(&input);
	sov_buf_release(&report);
	return ret;
}

const struct sov_hook sov_hooks[] = {
	{ "pre-commit", pre_commit, SOV_HOOK_INPUT_NONE, 1, NULL, 0, 0 },
	{ "pre-merge-commit", pre_commit, SOV_HOOK_INPUT_NONE, 1, NULL, 0, 0 },
	/* Starts sovsync only when HEAD is not what pre-commit recorded. */
	{ "post-commit", post_commit, SOV_HOOK_INPUT_NONE, 0, NULL, 0, 1 },
	{ "post-merge", post_merge, SOV_HOOK_INPUT_NONE, 0, NULL, 0, 0 },
	/* Thousands of "<old> <new>" lines after a long rebase. */
	{ "post-rewrite", post_rewrite, SOV_HOOK_INPUT_ALL, 0, NULL, 0, 0 },
	/* Runs twice per ref update; only a remote-tracking ref moving matters. */
	{ "reference-transaction", reference_transaction, SOV_HOOK_INPUT_LINES, 0,
	  "committed:*\" refs/remotes/\"*", 0, 0 },
	/* The refs pushed, a line each: any number of them. */
	{ "pre-push", pre_push, SOV_HOOK_INPUT_ALL, 1, NULL, 1, 0 },
	{ NULL, NULL, SOV_HOOK_INPUT_NONE, 0, NULL, 0, 0 },
};

const struct sov_hook *sov_hook_find(const char *name)
{
	const struct sov_hook *h;

	for (h = sov_hooks; h->name; h++)
		if (!strcmp(h->name, name))
			return h;
	return NULL;
}
