/*
 * web-writer.c - the "web app" of the tests: commit files straight into a
 * (bare) repository with libgit2, without a working tree or an index file,
 * the way the GitHub contents API does on the server side.
 *
 *   web-writer [options] <repo> [<path>=<file>]...
 *     --branch <name>       branch to commit to (default main; may be unborn)
 *     --message <text>      commit message (default "Update from the web app")
 *     --author <name <email>>   author and committer
 *                           (default "sovsync web <web@sovsync.invalid>")
 *     --source <name>       adds a "Sovsync-Source: <name>" trailer (default web)
 *     --delete <path>       remove a path (repeatable)
 *     --expect <commit>     fail unless the branch is at <commit> (the API's
 *                           "sha" check: optimistic concurrency)
 *   <file> "-" reads standard input.  Prints the new commit id.  Nothing is
 *   committed when the tree would not change ("unchanged" on stderr).
 *   Exit 0 on success, 1 on failure, 2 on wrong usage.
 *
 * A test tool, not part of bin/sovsync.  Like the contents API it runs no
 * hooks and no filters: what it is given is stored as the blob.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#define MAX_OPS 256

struct op {
	const char *path;
	const char *file;	/* NULL: delete */
};

static int usage(const char *why)
{
	fprintf(stderr, "web-writer: %s\n"
		"usage: web-writer [--branch B] [--message M] [--author 'N <E>'] "
		"[--source S] [--delete P]... [--expect C] <repo> [<path>=<file>]...\n", why);
	return 2;
}

static int fail_git(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "web-writer: %s: %s\n", what, e ? e->message : "failed");
	return 1;
}

static int read_all(const char *file, char **data, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	size_t alloc = 65536, n;

	if (!f) {
		perror(file);
		return -1;
	}
	*len = 0;
	*data = malloc(alloc);
	while (*data && (n = fread(*data + *len, 1, alloc - *len, f)) > 0) {
		*len += n;
		if (*len == alloc)
			*data = realloc(*data, alloc *= 2);
	}
	if (f != stdin)
		fclose(f);
	if (!*data) {
		fprintf(stderr, "web-writer: out of memory\n");
		return -1;
	}
	return 0;
}

static int parse_author(const char *text, git_signature **out)
{
	const char *lt = strchr(text, '<'), *gt = strrchr(text, '>');
	char name[256], email[256];
	size_t n;

	if (!lt || !gt || gt < lt)
		return -1;
	n = (size_t)(lt - text);
	while (n && text[n - 1] == ' ')
		n--;
	if (n >= sizeof(name) || (size_t)(gt - lt - 1) >= sizeof(email))
		return -1;
	memcpy(name, text, n);
	name[n] = '\0';
	memcpy(email, lt + 1, (size_t)(gt - lt - 1));
	email[gt - lt - 1] = '\0';
	return git_signature_now(out, name, email);
}

int main(int argc, char **argv)
{
	const char *branch = "main", *message = "Update from the web app";
	const char *author = "sovsync web <web@sovsync.invalid>", *source = "web";
	const char *expect = NULL, *repo_path;
	struct op ops[MAX_OPS];
	size_t nops = 0, i;
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	char refname[512], hex[GIT_OID_HEXSZ + 1];
	int ret = 1, argi;

	for (argi = 1; argi < argc && !strncmp(argv[argi], "--", 2); argi++) {
		const char *opt = argv[argi];

		if (argi + 1 >= argc)
			return usage("option needs a value");
		if (!strcmp(opt, "--branch"))
			branch = argv[++argi];
		else if (!strcmp(opt, "--message"))
			message = argv[++argi];
		else if (!strcmp(opt, "--author"))
			author = argv[++argi];
		else if (!strcmp(opt, "--source"))
			source = argv[++argi];
		else if (!strcmp(opt, "--expect"))
			expect = argv[++argi];
		else if (!strcmp(opt, "--delete") && nops < MAX_OPS)
			ops[nops++] = (struct op){ argv[++argi], NULL };
		else
			return usage("unknown option");
	}
	if (argi >= argc)
		return usage("missing <repo>");
	repo_path = argv[argi++];
	for (; argi < argc; argi++) {
		char *eq = strchr(argv[argi], '=');

		if (!eq || eq == argv[argi] || nops >= MAX_OPS)
			return usage("expected <path>=<file>");
		*eq = '\0';
		ops[nops++] = (struct op){ argv[argi], eq + 1 };
	}
	if (!nops)
		return usage("nothing to write");
	snprintf(refname, sizeof(refname), "refs/heads/%s", branch);

	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		fail_git(repo_path);
		goto out;
	}
	if (git_index_new(&index) < 0) {
		fail_git("index");
		goto out;
	}
	if (git_reference_lookup(&ref, repo, refname) == 0) {
		if (git_commit_lookup(&parent, repo, git_reference_target(ref)) < 0 ||
		    git_commit_tree(&parent_tree, parent) < 0 ||
		    git_index_read_tree(index, parent_tree) < 0) {
			fail_git(refname);
			goto out;
		}
	}
	hex[0] = '\0';
	if (parent)
		git_oid_tostr(hex, sizeof(hex), git_commit_id(parent));
	if (expect && (!parent || strcmp(hex, expect))) {
		fprintf(stderr, "web-writer: %s is at %s, not %s (conflict)\n", refname,
			parent ? hex : "(unborn)", expect);
		goto out;
	}
	for (i = 0; i < nops; i++) {
		git_index_entry entry;
		char *data = NULL;
		size_t len = 0;
		int err;

		if (!ops[i].file) {
			if (git_index_remove_bypath(index, ops[i].path) < 0) {
				fail_git(ops[i].path);
				goto out;
			}
			continue;
		}
		if (read_all(ops[i].file, &data, &len) < 0)
			goto out;
		memset(&entry, 0, sizeof(entry));
		entry.mode = GIT_FILEMODE_BLOB;
		entry.path = ops[i].path;
		entry.file_size = (uint32_t)len;
		/* The index is in memory only: store the blob, then point at it. */
		err = git_blob_create_from_buffer(&entry.id, repo, data, len);
		if (!err)
			err = git_index_add(index, &entry);
		free(data);
		if (err < 0) {
			fail_git(ops[i].path);
			goto out;
		}
	}
	if (git_index_write_tree_to(&tree_id, index, repo) < 0) {
		fail_git("write tree");
		goto out;
	}
	if (parent_tree && git_oid_equal(&tree_id, git_tree_id(parent_tree))) {
		fprintf(stderr, "web-writer: unchanged\n");
		printf("%s\n", hex);
		ret = 0;
		goto out;
	}
	if (git_tree_lookup(&tree, repo, &tree_id) < 0 || parse_author(author, &sig) < 0) {
		fail_git("author or tree");
		goto out;
	}
	{
		/* Message, a blank line, then the provenance trailer. */
		size_t n = strlen(message) + strlen(source) + 32;
		char *full = malloc(n);

		if (!full)
			goto out;
		snprintf(full, n, "%s\n\nSovsync-Source: %s\n", message, source);
		/*
		 * update_ref makes libgit2 check that the branch still points at
		 * the parent: a concurrent writer gets an error, not a lost update.
		 */
		if (git_commit_create_v(&commit_id, repo, refname, sig, sig, NULL, full, tree,
					parent ? 1 : 0, parent) < 0) {
			free(full);
			fail_git("commit");
			goto out;
		}
		free(full);
	}
	git_oid_tostr(hex, sizeof(hex), &commit_id);
	printf("%s\n", hex);
	ret = 0;
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_reference_free(ref);
	git_index_free(index);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}
