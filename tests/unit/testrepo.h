/*
 * testrepo.h - helpers for unit tests that need commits in a scratch
 * repository.  Header-only (static functions), like tap.h.
 */
#ifndef SOV_TESTREPO_H
#define SOV_TESTREPO_H

#include <git2.h>
#include <stdint.h>

/*
 * Commit the whole working tree with libgit2 on top of HEAD, at `when`
 * (seconds): no hooks and no filters run, so files are stored as they are.
 * Returns the new commit's id.
 */
__attribute__((unused))
static git_oid commit_all(git_repository *repo, const char *msg, int64_t when)
{
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, id, parent_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	int has_parent = git_reference_name_to_id(&parent_id, repo, "HEAD") == 0;

	git_repository_index(&index, repo);
	git_index_add_all(index, NULL, 0, NULL, NULL);
	git_index_write(index);
	git_index_write_tree(&tree_id, index);
	git_tree_lookup(&tree, repo, &tree_id);
	git_signature_new(&sig, "T", "t@example.com", (git_time_t)when, 0);
	if (has_parent)
		git_commit_lookup(&parent, repo, &parent_id);
	git_commit_create_v(&id, repo, "HEAD", sig, sig, NULL, msg, tree,
			    has_parent ? 1 : 0, parent);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	return id;
}

#endif
