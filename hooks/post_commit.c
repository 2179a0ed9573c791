/*
 * post_commit.c - post-commit: check the commit's manifest (repair once),
 * then queue the `commit` webhook event.
 *
 * Runs after plain commits, --amend, --no-verify commits, cherry-picks and
 * each commit replayed by a rebase (where no follow-up is made).
 */
#include "hooks.h"
#include "error.h"
#include "webevent.h"

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

int sov_hook_post_commit(struct sov_hookrun *h, int argc, char **argv)
{
	char before[GIT_OID_HEXSZ + 1];
	int has_before = first_parent_of_head(h->repo, before) == 0;
	int ret = sov_hookrun_post_commit(h);

	if (ret < 0) {
		/* The manifest trouble is reported; the event still goes out. */
		sov_error_prefix("post-commit hook");
		sov_error_report();
	}
	return sov_webevent_emit(h->repo, "commit", has_before ? before : NULL, NULL);
}
