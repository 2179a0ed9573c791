/*
 * pushcheck.c - object sizes checked before a push; see pushcheck.h.
 */
#include "pushcheck.h"
#include "error.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sov_pushcheck_human_size(uint64_t n, struct sov_buf *out)
{
	if (n >= (1ull << 30))
		sov_buf_addf(out, "%.2f GiB", (double)n / (1ull << 30));
	else if (n >= (1u << 20))
		sov_buf_addf(out, "%.2f MiB", (double)n / (1u << 20));
	else if (n >= 1024)
		sov_buf_addf(out, "%.2f KiB", (double)n / 1024);
	else
		sov_buf_addf(out, "%u bytes", (unsigned)n);
}

static int is_null_hex(const char *hex)
{
	return strspn(hex, "0") == GIT_OID_HEXSZ;
}

/*
 * The rev-list arguments of the push, each ended by a NUL in `out`: each
 * local oid, then --not, each remote oid this clone has, and the
 * remote-tracking refs of `remote`.  Returns the number of local oids, or
 * -1 on bad input.
 */
static int push_revs(git_repository *repo, const char *remote, const char *input,
		     struct sov_buf *out)
{
	struct sov_buf known = SOV_BUF_INIT, one = SOV_BUF_INIT;
	const char *line = input;
	git_odb *odb = NULL;
	int n = 0;

	if (git_repository_odb(&odb, repo) < 0)
		return sov_error_git("cannot open the object database");
	while (*line) {
		const char *end = strchrnul(line, '\n');
		char lref[1024], lhex[GIT_OID_HEXSZ + 1], rref[1024], rhex[GIT_OID_HEXSZ + 1];
		git_oid id;

		sov_buf_reset(&one);
		sov_buf_add(&one, line, (size_t)(end - line));
		line = *end ? end + 1 : end;
		if (!one.len)
			continue;
		if (sscanf(one.ptr, "%1023s %40s %1023s %40s", lref, lhex, rref, rhex) != 4 ||
		    strlen(lhex) != GIT_OID_HEXSZ || strlen(rhex) != GIT_OID_HEXSZ) {
			sov_error("unexpected input line '%.80s'", one.ptr);
			n = -1;
			break;
		}
		if (!is_null_hex(lhex)) {	/* all zeros: a deletion sends nothing */
			sov_buf_add(out, lhex, GIT_OID_HEXSZ + 1);
			n++;
		}
		/* A remote oid this clone lacks (pushed by someone else) is no base. */
		if (!is_null_hex(rhex) && git_oid_fromstr(&id, rhex) == 0 && git_odb_exists(odb, &id))
			sov_buf_add(&known, rhex, GIT_OID_HEXSZ + 1);
	}
	git_odb_free(odb);
	if (n > 0) {
		sov_buf_add(out, "--not", 6);
		sov_buf_add(out, known.ptr, known.len);
		sov_buf_addf(out, "--remotes=%s", remote);
		sov_buf_addch(out, '\0');
	}
	sov_buf_release(&known);
	sov_buf_release(&one);
	return n;
}

int sov_pushcheck_run(git_repository *repo, const char *remote, const char *input,
		      uint64_t max, struct sov_buf *report)
{
	const char *wd = git_repository_workdir(repo);
	const char *dir = wd ? wd : git_repository_path(repo);
	const char *batch[] = { "git", "cat-file",
				"--batch-check=%(objectsize) %(objecttype) %(objectname) %(rest)",
				NULL };
	struct sov_argv args = SOV_ARGV_INIT;
	struct sov_buf revs = SOV_BUF_INIT, objects = SOV_BUF_INIT, sizes = SOV_BUF_INIT;
	struct sov_buf limit = SOV_BUF_INIT;
	const char *rev;
	char *line, *save = NULL;
	int n, found = 0, ret = -1;

	if ((n = push_revs(repo, remote, input, &revs)) <= 0) {
		ret = n < 0 ? -1 : 0;
		goto out;
	}
	sov_argv_pushl(&args, "git", "rev-list", "--objects", NULL);
	for (rev = revs.ptr; rev < revs.ptr + revs.len; rev += strlen(rev) + 1)
		sov_argv_push(&args, rev);
	if (sov_run_git_argv(&objects, dir, NULL, (const char *const *)args.v) < 0 ||
	    sov_run_git_input(&sizes, dir, batch, objects.ptr, objects.len) < 0)
		goto out;
	sov_pushcheck_human_size(max, &limit);
	/* "<size> <type> <oid> [<path>]" */
	for (line = strtok_r(sizes.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end, *type, *oid, *path;
		unsigned long long size = strtoull(line, &end, 10);

		if (end == line || *end != ' ')
			continue;	/* "<oid> missing": not ours to judge */
		type = end + 1;
		oid = strchr(type, ' ');
		if (!oid || size <= max)
			continue;
		*oid++ = '\0';
		path = strchr(oid, ' ');
		if (path)
			*path++ = '\0';
		sov_buf_addf(report, "%s: ", path && *path ? path : "(no path)");
		sov_pushcheck_human_size(size, report);
		sov_buf_addf(report, " (%s %.12s) is larger than sovsync.maxObjectSize (%s)\n",
			     type, oid, limit.ptr);
		found++;
	}
	if (found)
		sov_buf_addf(report,
			     "the host refuses %s this large; nothing was sent.  To fix it:\n"
			     "  remove %s from the commits being pushed (git rm --cached <path>,\n"
			     "    then git commit --amend, or git rebase -i for older commits),\n"
			     "  or track it so it is stored compressed (sovsync track <pattern>,\n"
			     "    then commit again) when that brings it under the limit,\n"
			     "  or raise sovsync.maxObjectSize if the host accepts larger objects\n",
			     found > 1 ? "objects" : "an object", found > 1 ? "them" : "it");
	ret = found ? 1 : 0;
out:
	sov_argv_release(&args);
	sov_buf_release(&revs);
	sov_buf_release(&objects);
	sov_buf_release(&sizes);
	sov_buf_release(&limit);
	return ret;
}
