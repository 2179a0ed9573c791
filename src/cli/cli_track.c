/*
 * cli_track.c - `sovsync track` and `sovsync untrack`: choose which files
 * the large-file filter stores, by editing the repository's top-level
 * .gitattributes (attr.h), and optionally re-stage the files whose filter
 * changed or whose stored form disagrees with their attributes (`git add
 * --renormalize`, which runs the configured filter).
 */
#include "attr.h"
#include "blob.h"
#include "cli.h"
#include "config.h"
#include "ctx.h"
#include "error.h"
#include "fs.h"
#include "progress.h"
#include "run.h"
#include "storedform.h"

#include <git2.h>

#include <stdlib.h>
#include <string.h>
#include "osfs.h"
#include <unistd.h>

/* Paths are renormalized in this many steps, so progress can be shown. */
#define PROGRESS_STEPS 50
/* Less than this in all is over at once: no progress. */
#define PROGRESS_MIN_SIZE (1024u * 1024)

/* A NUL-separated, sorted list of paths (git ls-files order). */
struct path_list {
	const char **items;
	size_t nr, alloc;
	struct sov_buf text;	/* owns the strings */
};

static int go_to_toplevel(void)
{
	const char *argv[] = { "git", "rev-parse", "--show-toplevel", NULL };
	struct sov_buf top = SOV_BUF_INIT;
	int ret = 0;

	if (sov_run_git_argv(&top, NULL, NULL, argv) < 0)
		return sov_error_prefix("not in a Git working tree");
	sov_buf_rtrim(&top);
	if (chdir(top.ptr) < 0)
		ret = sov_error_errno("%s: cannot enter", top.ptr);
	sov_buf_release(&top);
	return ret;
}

/* The committed or staged files whose filter attribute is now sovsync. */
static int list_filtered(struct path_list *list)
{
	const char *ls[] = { "git", "ls-files", "-z", NULL };
	const char *attr[] = { "git", "check-attr", "--stdin", "-z", "filter", NULL };
	struct sov_buf files = SOV_BUF_INIT;
	struct sov_run check = { 0 };
	size_t pos = 0;
	int ret = 0;

	sov_buf_reset(&list->text);
	list->nr = 0;
	if (sov_run_git_argv(&files, NULL, NULL, ls) < 0) {
		ret = -1;
		goto out;
	}
	check.argv = attr;
	check.in = files.ptr;
	check.in_len = files.len;
	check.out = &list->text;
	check.inherit_stderr = 1;
	if (sov_run(&check) != 0) {
		ret = sov_error("git check-attr failed");
		goto out;
	}
	/* check-attr -z prints "<path>\0filter\0<value>\0" per path. */
	while (pos < list->text.len) {
		const char *path = list->text.ptr + pos;
		const char *name = path + strlen(path) + 1;
		const char *value = name + strlen(name) + 1;

		if (value >= list->text.ptr + list->text.len)
			break;
		pos = (size_t)(value - list->text.ptr) + strlen(value) + 1;
		if (!strcmp(value, "sovsync")) {
			SOV_ALLOC_GROW(list->items, list->nr + 1, list->alloc);
			list->items[list->nr++] = path;
		}
	}
out:
	sov_buf_release(&files);
	return ret;
}

static void path_list_release(struct path_list *list)
{
	free(list->items);
	sov_buf_release(&list->text);
	memset(list, 0, sizeof(*list));
}

/* Paths in exactly one of the two sorted lists. */
static void symmetric_difference(const struct path_list *a, const struct path_list *b,
				 struct path_list *out)
{
	size_t i = 0, j = 0;

	while (i < a->nr || j < b->nr) {
		int c = i == a->nr ? 1 : j == b->nr ? -1 : strcmp(a->items[i], b->items[j]);
		const char *pick = NULL;

		if (c < 0)
			pick = a->items[i++];
		else if (c > 0)
			pick = b->items[j++];
		else
			i++, j++;
		if (pick) {
			SOV_ALLOC_GROW(out->items, out->nr + 1, out->alloc);
			out->items[out->nr++] = pick;
		}
	}
}

/* Whether the sorted `list` holds `path`. */
static int path_list_has(const struct path_list *list, const char *path)
{
	size_t lo = 0, hi = list->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(list->items[mid], path);

		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The pathspec of the files a .gitattributes pattern names: a pattern
 * without a slash matches a name at any depth, one with a slash matches
 * from the top (gitattributes(5)); both as glob pathspecs.
 */
static void pattern_pathspec(const char *pat, struct sov_buf *out)
{
	if (*pat == '/')
		sov_buf_addf(out, ":(glob)%s", pat + 1);
	else if (strchr(pat, '/'))
		sov_buf_addf(out, ":(glob)%s", pat);
	else
		sov_buf_addf(out, ":(glob)**/%s", pat);
	sov_buf_addch(out, '\0');
}

/*
 * Whether blob `hex` is stored in the form its attributes ask for: under
 * the filter, the form clean gives now (minSize included: a small file in
 * frames from before minSize is stored plain again); else plain (empty
 * counts as both).  1, 0, -1.
 */
static int blob_in_form(git_repository *repo, const char *hex, int is_filtered,
			uint64_t min_size)
{
	git_oid id;
	int r;

	if (git_oid_fromstrn(&id, hex, GIT_OID_HEXSZ) < 0)
		return sov_error("not an object id: %.40s", hex);
	if (is_filtered)
		return sov_storedform_blob_ok(repo, &id, min_size, 1);
	r = sov_blob_is_encoded(repo, &id);
	return r < 0 ? -1 : !r;
}

/*
 * Add to `out` the staged files that the patterns name whose blob is not in
 * the form their attributes ask for now (`filtered` lists the files under
 * the filter): a file stored plain although a pattern tracks it (committed
 * before the pattern was added, by another clone or by a writer without the
 * filter), or stored in the filter's form although no pattern tracks it any
 * more.  Comparing the attribute lists before and after the edit misses
 * them all when the pattern was already there.
 */
static int list_misstored(git_repository *repo, uint64_t min_size, const struct sov_buf *specs,
			  const struct path_list *filtered, struct path_list *out)
{
	struct sov_argv argv = SOV_ARGV_INIT;
	struct sov_buf ls = SOV_BUF_INIT;
	const char *p, *end, *spec;
	int ret = -1;

	sov_argv_pushl(&argv, "git", "ls-files", "-s", "-z", "--", NULL);
	for (spec = specs->ptr; spec < specs->ptr + specs->len; spec += strlen(spec) + 1)
		sov_argv_push(&argv, spec);
	if (sov_run_git_argv(&ls, NULL, NULL, argv.v) < 0)
		goto out;
	/* "<mode> <oid> <stage>\t<path>" */
	for (p = ls.ptr, end = ls.ptr + ls.len; p < end; p += strlen(p) + 1) {
		const char *tab = strchr(p, '\t');
		int is_filtered, in_form;

		if (!tab || tab - p < 7 + GIT_OID_HEXSZ + 2 || tab[-1] != '0' ||
		    strncmp(p, "100", 3))
			continue;	/* unmerged, symlinks, gitlinks */
		is_filtered = path_list_has(filtered, tab + 1);
		if ((in_form = blob_in_form(repo, p + 7, is_filtered, min_size)) < 0)
			goto out;
		if (in_form)
			continue;
		SOV_ALLOC_GROW(out->items, out->nr + 1, out->alloc);
		out->items[out->nr++] = tab + 1;
	}
	/* The paths point into `ls`: `out` owns its text from now on. */
	sov_buf_release(&out->text);
	out->text = ls;
	sov_buf_init(&ls, 0);
	ret = 0;
out:
	sov_argv_release(&argv);
	sov_buf_release(&ls);
	return ret;
}

/* Append to `out` the paths of the sorted lists `a` and `b`, once each. */
static void path_list_union(const struct path_list *a, const struct path_list *b,
			    struct path_list *out)
{
	size_t i = 0, j = 0;

	while (i < a->nr || j < b->nr) {
		int c = i == a->nr ? 1 : j == b->nr ? -1 : strcmp(a->items[i], b->items[j]);

		SOV_ALLOC_GROW(out->items, out->nr + 1, out->alloc);
		out->items[out->nr++] = c <= 0 ? a->items[i] : b->items[j];
		i += c <= 0;
		j += c >= 0;
	}
}

/*
 * Re-stage `paths` (run from the top) through their filters.  A file the
 * user deleted from the work tree is left as it is, a deletion not staged:
 * `git add` would refuse the whole batch over it.
 */
static int renormalize(const struct path_list *all, enum sov_progress_mode mode)
{
	struct sov_progress progress = SOV_PROGRESS_INIT;
	struct path_list present = { 0 };
	const struct path_list *paths = &present;
	uint64_t *sizes = NULL, total = 0, bytes = 0;
	size_t i, step, done = 0;
	const char **argv;
	int ret = 0;
	struct sov_os_stat st;

	sizes = sov_calloc(all->nr + 1, sizeof(*sizes));
	for (i = 0; i < all->nr; i++) {
		if (sov_os_lstat(all->items[i], &st) < 0) {
			fprintf(stderr, "sovsync: %s: deleted in the work tree, left as it is\n",
				all->items[i]);
			continue;
		}
		sizes[present.nr] = st.type == SOV_OS_REG ? st.size : 0;
		total += sizes[present.nr];
		SOV_ALLOC_GROW(present.items, present.nr + 1, present.alloc);
		present.items[present.nr++] = all->items[i];
	}
	step = paths->nr / PROGRESS_STEPS + 1;
	argv = sov_calloc(step + 7, sizeof(*argv));

	argv[0] = "git";
	argv[1] = "--literal-pathspecs";	/* paths, not patterns: "a[1].bin" */
	argv[2] = "add";
	argv[3] = "--renormalize";
	argv[4] = "--";
	/* In bytes, Git's way (progress.h); the filter shows each large file. */
	if (total >= PROGRESS_MIN_SIZE || mode == SOV_PROGRESS_ALWAYS)
		sov_progress_start(&progress, mode, "Renormalizing", "files", total);
	while (done < paths->nr) {
		size_t n = paths->nr - done < step ? paths->nr - done : step;

		memcpy(argv + 5, paths->items + done, n * sizeof(*argv));
		argv[5 + n] = NULL;
		if (sov_run_git_argv(NULL, NULL, NULL, argv) < 0) {
			ret = -1;
			break;
		}
		for (i = done; i < done + n; i++)
			bytes += sizes[i];
		done += n;
		sov_progress_set(&progress, bytes);
	}
	sov_progress_stop(&progress, ret == 0);
	free(sizes);
	free(argv);
	free(present.items);
	return ret;
}

/*
 * Read the top-level .gitattributes (run from the top), refusing a link (its
 * target's content would be copied into the repository) or a directory.
 */
static int read_attributes(struct sov_buf *text)
{
	return sov_fs_read_under(".", ".gitattributes", text) < 0 ? -1 : 0;
}

static int run(const struct sov_cmd *cmd, int untrack, int argc, char **argv)
{
	struct sov_buf text = SOV_BUF_INIT, listing = SOV_BUF_INIT, said = SOV_BUF_INIT;
	struct sov_buf specs = SOV_BUF_INIT;
	struct path_list before = { 0 }, after = { 0 }, changed_attr = { 0 }, misstored = { 0 };
	struct path_list todo = { 0 };
	struct sov_ctx ctx = SOV_CTX_INIT;
	int i, ret = SOV_EXIT_FAIL, changed = 0, renorm = 0, npat = 0;
	enum sov_progress_mode progress = SOV_PROGRESS_AUTO;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--renormalize"))
			renorm = 1;
		else if (!strcmp(argv[i], "--progress"))
			progress = SOV_PROGRESS_ALWAYS;
		else if (!strcmp(argv[i], "--no-progress"))
			progress = SOV_PROGRESS_NEVER;
		else if (!strcmp(argv[i], "--"))
			break;
		else if (argv[i][0] == '-')
			return sov_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
	}
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-' || (i > 1 && !strcmp(argv[i - 1], "--")))
			npat++;
	if (untrack && !npat)
		return sov_cli_usage_error(cmd, "expected at least one pattern");
	sov_buf_init(&before.text, 0);
	sov_buf_init(&after.text, 0);
	sov_buf_init(&todo.text, 0);
	sov_buf_init(&changed_attr.text, 0);
	sov_buf_init(&misstored.text, 0);

	/*
	 * The synced root is checked too (SOV_SET_ROOT): a root that is a link
	 * (or has one on the way) leaves the repository, and no command works
	 * on it.
	 */
	if (go_to_toplevel() < 0 ||
	    sov_ctx_open(&ctx, ".", SOV_CTX_REPO | SOV_SET_ROOT) < 0 ||
	    read_attributes(&text) < 0)
		goto out;
	if (renorm && npat && list_filtered(&before) < 0)
		goto out;

	for (i = 1; i < argc; i++) {
		const char *pat = argv[i];
		int r;

		if (pat[0] == '-' && !(i > 1 && !strcmp(argv[i - 1], "--")))
			continue;
		r = untrack ? sov_attr_untrack(&text, pat) : sov_attr_track(&text, pat);
		if (r < 0)
			goto out;
		pattern_pathspec(pat, &specs);
		if (untrack)
			sov_buf_addf(&said, r ? "Untracking \"%s\"\n" : "\"%s\" was not tracked\n",
				     pat);
		else
			sov_buf_addf(&said, r ? "Tracking \"%s\"\n" : "\"%s\" already tracked\n",
				     pat);
		changed |= r > 0;
	}
	/* Say what changed only once it is on disk (a full disk must not
	 * print "Tracking" before the error). */
	if (changed && sov_fs_replace_under(".", ".gitattributes", text.ptr, text.len, -1,
					    SOV_FS_DURABLE) < 0)
		goto out;
	fputs(said.ptr, stdout);

	if (!npat) {
		const char *line;

		sov_attr_list(&text, &listing);
		line = listing.ptr;
		printf("Listing tracked patterns\n");
		while (*line) {
			const char *eol = strchr(line, '\n');

			printf("    %.*s\n", (int)(eol - line), line);
			line = eol + 1;
		}
	}
	if (renorm) {
		if (list_filtered(&after) < 0)
			goto out;
		if (npat) {
			symmetric_difference(&before, &after, &changed_attr);
			if (sov_ctx_load(&ctx, SOV_SET_FILTER) < 0 ||
			    list_misstored(ctx.repo, (uint64_t)ctx.set.filter_min_size, &specs,
					   &after, &misstored) < 0)
				goto out;
			path_list_union(&changed_attr, &misstored, &todo);
		}
		if (renormalize(npat ? &todo : &after, progress) < 0)
			goto out;
	}
	ret = SOV_EXIT_OK;
out:
	if (ret != SOV_EXIT_OK)
		sov_cli_fail();
	path_list_release(&before);
	path_list_release(&after);
	free(todo.items);
	sov_buf_release(&todo.text);
	free(changed_attr.items);
	sov_buf_release(&changed_attr.text);
	path_list_release(&misstored);
	sov_buf_release(&specs);
	sov_buf_release(&listing);
	sov_buf_release(&said);
	sov_buf_release(&text);
	sov_ctx_release(&ctx);
	return ret;
}

static int cmd_track(int argc, char **argv)
{
	return run(&sov_cmd_track, 0, argc, argv);
}

static int cmd_untrack(int argc, char **argv)
{
	return run(&sov_cmd_untrack, 1, argc, argv);
}

const struct sov_cmd sov_cmd_track = {
	"track", cmd_track,
	"Store files matching a pattern with the large-file filter",
	"sovsync track [--renormalize] [--[no-]progress] [<pattern>...]",
	"With patterns, adds '<pattern> " SOV_ATTR_VALUE "' to the\n"
	".gitattributes at the top of the working tree for each pattern not yet\n"
	"tracked (gitattributes(5) syntax, relative to the top).  Without patterns,\n"
	"lists the tracked patterns.  .gitattributes is not staged.  A\n"
	".gitattributes that is a symbolic link or a directory, or a sovsync.root\n"
	"that is a link, is refused: nothing is read or written through a link.\n"
	"\n"
	"    --renormalize   re-stage committed files whose filter changed, and\n"
	"                    files the patterns name that are still stored plain\n"
	"                    (also when the pattern was already tracked); with no\n"
	"                    patterns: every tracked file.  The next commit stores\n"
	"                    them in their new form\n"
	"    --[no-]progress progress in bytes on stderr ('Renormalizing files:\n"
	"                    45% (460/1024 MiB)'); by default only on a terminal,\n"
	"                    for 1 MiB or more, after GIT_PROGRESS_DELAY (2 s).\n"
	"                    The filter shows each large file the same way\n",
	0,
};

const struct sov_cmd sov_cmd_untrack = {
	"untrack", cmd_untrack,
	"Stop storing files matching a pattern with the large-file filter",
	"sovsync untrack [--renormalize] [--[no-]progress] <pattern>...",
	"Removes the sovsync lines for each pattern from the top-level\n"
	".gitattributes; other lines are kept as they are.\n"
	"\n"
	"    --renormalize   re-stage committed files that were tracked, and files\n"
	"                    the patterns name still stored in the filter's form,\n"
	"                    so that the next commit stores them as plain files\n",
	0,
};
