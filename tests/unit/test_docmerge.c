/* Unit tests for src/merge/docmerge.c: text merge, markers, binary, sides. */
#include "tap.h"
#include "scratch.h"
#include "docmerge.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

static void set(struct sov_buf *b, const char *s)
{
	sov_buf_reset(b);
	sov_buf_addstr(b, s);
}

/* A commit with one file "doc.md" holding `text`, on top of `parent`. */
static void commit_doc(git_repository *repo, const char *text, const char *ref,
		       git_oid *blob, git_oid *out)
{
	git_treebuilder *tb;
	git_signature *sig;
	git_tree *tree;
	git_oid tree_id;

	git_blob_create_from_buffer(blob, repo, text, strlen(text));
	git_treebuilder_new(&tb, repo, NULL);
	git_treebuilder_insert(NULL, tb, "doc.md", blob, GIT_FILEMODE_BLOB);
	git_treebuilder_write(&tree_id, tb);
	git_treebuilder_free(tb);
	git_tree_lookup(&tree, repo, &tree_id);
	git_signature_new(&sig, "T", "t@example.com", 1700000000, 0);
	git_commit_create_v(out, repo, ref, sig, sig, NULL, "m", tree, 0);
	git_signature_free(sig);
	git_tree_free(tree);
}

int main(void)
{
	char dir[] = "/tmp/sovsync-docmerge-XXXXXX";
	struct sov_buf base = SOV_BUF_INIT, ours = SOV_BUF_INIT, theirs = SOV_BUF_INIT;
	struct sov_buf out = SOV_BUF_INIT;
	struct sov_doc_merge_opts opts = { 7, SOV_DOC_STYLE_MERGE, "base", "ours", "theirs" };
	struct sov_doc_sides sides;
	enum sov_doc_style style;
	git_repository *repo = NULL;
	git_oid blob_a, blob_b, commit_a, commit_b, other;
	size_t lines[4];
	int conflict = -1;
	char env[128], hex[GIT_OID_HEXSZ + 1];

	git_libgit2_init();

	set(&base, "1\n2\n3\n4\n5\n");
	set(&ours, "1 ours\n2\n3\n4\n5\n");
	set(&theirs, "1\n2\n3\n4\n5 theirs\n");
	ok(sov_doc_merge(&base, &ours, &theirs, &opts, &out, &conflict) == 0, "clean merge runs");
	is_int(conflict, 0, "no conflict");
	is_str(out.ptr, "1 ours\n2\n3\n4\n5 theirs\n", "both edits kept");

	set(&theirs, "1 theirs\n2\n3\n4\n5\n");
	sov_buf_reset(&out);
	ok(sov_doc_merge(&base, &ours, &theirs, &opts, &out, &conflict) == 0, "conflict merge runs");
	is_int(conflict, 1, "conflict reported");
	is_str(out.ptr, "<<<<<<< ours\n1 ours\n=======\n1 theirs\n>>>>>>> theirs\n2\n3\n4\n5\n",
	       "standard markers");
	is_int(sov_doc_find_markers(out.ptr, out.len, 7, lines, 4), 3, "three marker lines");
	ok(lines[0] == 1 && lines[1] == 3 && lines[2] == 5, "on lines 1, 3, 5");
	is_int(sov_doc_find_markers(out.ptr, out.len, 9, lines, 4), 0, "none of size 9");

	opts.marker_size = 9;
	opts.style = SOV_DOC_STYLE_DIFF3;
	sov_buf_reset(&out);
	sov_doc_merge(&base, &ours, &theirs, &opts, &out, &conflict);
	ok(strstr(out.ptr, "<<<<<<<<< ours\n") && strstr(out.ptr, "||||||||| base\n1\n"),
	   "marker size and diff3 honoured");
	is_int(sov_doc_find_markers(out.ptr, out.len, 9, lines, 1), 4, "counts past max");

	{
		const char *text = "=======\r\n======= x\n<<<<<<<\n>>>>>>>>\n|||||||\tb\n<<<<<<";
		size_t n = sov_doc_find_markers(text, strlen(text), 7, lines, 4);

		is_int(n, 3, "CRLF '=', bare '<', tab-labelled '|' are markers; others not");
		ok(lines[0] == 1 && lines[1] == 3 && lines[2] == 5, "lines 1, 3, 5");
	}

	ok(sov_doc_is_binary("a\0b", 3), "NUL is binary");
	ok(!sov_doc_is_binary("plain text\n", 11), "text is not");
	ok(sov_doc_parse_style("diff3", &style) == 0 && style == SOV_DOC_STYLE_DIFF3, "diff3");
	ok(sov_doc_parse_style(NULL, &style) == 0 && style == SOV_DOC_STYLE_MERGE, "default");
	ok(sov_doc_parse_style("zdiff3", &style) == 0 && style == SOV_DOC_STYLE_ZDIFF3, "zdiff3");
	ok(sov_doc_parse_style("fancy", &style) < 0 && strstr(sov_error_last(), "fancy"),
	   "unknown style named");

	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	is_int(sov_doc_marker_size(repo, "doc.md"), 7, "default marker size");
	commit_doc(repo, "ours\n", "HEAD", &blob_a, &commit_a);
	commit_doc(repo, "theirs\n", "refs/heads/other", &blob_b, &commit_b);

	sov_doc_find_sides(repo, "doc.md", &blob_a, &blob_b, &sides);
	ok(sides.has_ours && git_oid_equal(&sides.ours, &commit_a), "ours is HEAD");
	ok(!sides.has_theirs, "theirs unknown without GITHEAD_*");

	git_oid_tostr(hex, sizeof(hex), &commit_b);
	snprintf(env, sizeof(env), "GITHEAD_%s", hex);
	setenv(env, "origin/main", 1);
	sov_doc_find_sides(repo, "doc.md", &blob_a, &blob_b, &sides);
	ok(sides.has_theirs && git_oid_equal(&sides.theirs, &commit_b), "theirs from GITHEAD_");

	git_odb_hash(&other, "else\n", 5, GIT_OBJECT_BLOB);
	sov_doc_find_sides(repo, "doc.md", &other, &other, &sides);
	ok(!sides.has_ours && !sides.has_theirs, "a blob the commits lack: both unknown");
	sov_doc_find_sides(repo, "elsewhere.md", &blob_a, &blob_b, &sides);
	ok(!sides.has_ours && !sides.has_theirs, "a path the commits lack: both unknown");
	unsetenv(env);

	sov_buf_release(&base);
	sov_buf_release(&ours);
	sov_buf_release(&theirs);
	sov_buf_release(&out);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
