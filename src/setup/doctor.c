/*
 * doctor.c - `sovsync doctor` checks; see doctor.h.
 */
#include "doctor.h"
#include "osdirwatch.h"
#include "attr.h"
#include "drivers.h"
#include "error.h"
#include "fs.h"
#include "hookinst.h"
#include "install.h"
#include "onpull.h"
#include "outbox.h"
#include "repo.h"
#include "run.h"
#include "sync.h"
#include "syncstop.h"
#include "timestamp.h"
#include "webevent.h"
#include "webhook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "osfs.h"

/* Without sovsync.networkTimeout lower, no step waits longer than this. */
#define DOCTOR_MAX_WAIT_MS 30000
#define PROBE_FILE "doctor-probe"
#define MIB (1024.0 * 1024.0)

/* ---- results -------------------------------------------------------------- */

void sov_doctor_add(struct sov_doctor *d, const char *check, enum sov_doctor_level level,
		    const char *message, const char *fix)
{
	struct sov_doctor_item *it;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->items = sov_realloc(d->items, d->alloc * sizeof(*d->items));
	}
	it = &d->items[d->n++];
	it->check = sov_strdup(check);
	it->level = level;
	it->message = sov_strdup(message);
	it->fix = fix ? sov_strdup(fix) : NULL;
}

void sov_doctor_release(struct sov_doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].check);
		free(d->items[i].message);
		free(d->items[i].fix);
	}
	free(d->items);
	*d = (struct sov_doctor)SOV_DOCTOR_INIT;
}

enum sov_doctor_level sov_doctor_worst(const struct sov_doctor *d)
{
	enum sov_doctor_level worst = SOV_DOCTOR_OK;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->items[i].level > worst)
			worst = d->items[i].level;
	return worst;
}

const char *sov_doctor_level_name(enum sov_doctor_level level)
{
	return level == SOV_DOCTOR_OK ? "ok" : level == SOV_DOCTOR_WARN ? "warn" : "fail";
}

json_t *sov_doctor_to_json(const struct sov_doctor *d)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < d->n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?}",
			"check", d->items[i].check,
			"status", sov_doctor_level_name(d->items[i].level),
			"message", d->items[i].message, "fix", d->items[i].fix));
	return json_pack("{s:b, s:o}", "ok", sov_doctor_worst(d) != SOV_DOCTOR_FAIL,
			 "checks", list);
}

/* ---- helpers ------------------------------------------------------------- */

int sov_doctor_program(const char *command, struct sov_buf *out)
{
	struct sov_buf word = SOV_BUF_INIT;
	const char *p = command, *path;
	int ret = -1;

	sov_buf_reset(out);
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				goto out;
			sov_buf_add(&word, p + 1, (size_t)(end - p - 1));
			p = end;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				sov_buf_addch(&word, *p);
			}
			if (!*p)
				goto out;
		} else if (*p == '\\' && p[1]) {
			sov_buf_addch(&word, *++p);
		} else if (strchr("|&;<>()$`", *p)) {
			goto out;	/* not a plain command */
		} else {
			sov_buf_addch(&word, *p);
		}
	}
	if (!word.len)
		goto out;
	if (strchr(word.ptr, '/') || !(path = getenv("PATH"))) {
		sov_buf_addstr(out, word.ptr);
		ret = 0;
		goto out;
	}
	/* The first executable of that name in PATH, as the shell would. */
	while (*path) {
		const char *colon = strchrnul(path, SOV_OS_PATH_LIST_SEP);

		sov_buf_reset(out);
		if (colon == path)
			sov_buf_addch(out, '.');
		else
			sov_buf_add(out, path, (size_t)(colon - path));
		sov_buf_addf(out, "/%s", word.ptr);
		if (sov_os_access(out->ptr, X_OK) == 0) {
			ret = 0;
			goto out;
		}
		/* Windows: "sh" is sh.exe, as Git for Windows' sh finds it. */
		if (*SOV_OS_EXE_SUFFIX) {
			sov_buf_addstr(out, SOV_OS_EXE_SUFFIX);
			if (sov_os_access(out->ptr, X_OK) == 0) {
				ret = 0;
				goto out;
			}
		}
		path = *colon ? colon + 1 : colon;
	}
	sov_buf_reset(out);
	sov_buf_addstr(out, word.ptr);	/* not found: the caller says so */
	ret = 0;
out:
	sov_buf_release(&word);
	return ret;
}

int sov_doctor_attr_sample(const char *pattern, struct sov_buf *out)
{
	const char *p = pattern;

	sov_buf_reset(out);
	if (!*p || *p == '!' || *p == '#' || strchr(p, '[') || p[strlen(p) - 1] == '/')
		return -1;
	if (*p == '/')
		p++;
	while (*p) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			sov_buf_addstr(out, "sovsync-doctor");
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		sov_buf_addch(out, *p == '?' ? 'x' : *p);
		p++;
	}
	return out->len ? 0 : -1;
}

void sov_doctor_redact_url(const char *url, struct sov_buf *out)
{
	const char *scheme = strstr(url, "://"), *host, *at, *slash;

	if (!scheme) {
		sov_buf_addstr(out, url);
		return;
	}
	host = scheme + 3;
	slash = strchrnul(host, '/');
	at = memchr(host, '@', (size_t)(slash - host));
	if (!at) {
		sov_buf_addstr(out, url);
		return;
	}
	sov_buf_add(out, url, (size_t)(host - url));
	sov_buf_addf(out, "***%s", at);
}

/* ---- the checks ------------------------------------------------------------- */

struct doctor {
	struct sov_hookrun *h;
	struct sov_doctor *out;
	const char *workdir;
	const struct sov_settings *sc;	/* d->h->ctx->set, sync groups loaded */
	int64_t timeout_ms;
	struct sov_buf branch;		/* the sync branch */
};

static void add(struct doctor *d, const char *check, enum sov_doctor_level level,
		const char *fix, const char *fmt, ...) SOV_PRINTF(5, 6);

static void add(struct doctor *d, const char *check, enum sov_doctor_level level,
		const char *fix, const char *fmt, ...)
{
	struct sov_buf msg = SOV_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sov_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	sov_doctor_add(d->out, check, level, msg.ptr, fix);
	sov_buf_release(&msg);
}

/* The first line of `text` (Git's "fatal: ..." or "error: ..."), in `out`. */
static const char *first_line(const char *text, struct sov_buf *out)
{
	const char *p = text;

	sov_buf_reset(out);
	while (*p == '\n' || *p == '\r')
		p++;
	sov_buf_add(out, p, strcspn(p, "\r\n"));
	return out->len ? out->ptr : "no message";
}

/*
 * Run a command in the work tree with the environment changes `env`
 * (may be NULL), stopped with its process group after the doctor's
 * timeout.  Returns its status, or -1 (message).
 */
static int run_bounded(struct doctor *d, const char *const *argv, const char *const *env,
		       const char *in, struct sov_buf *out, struct sov_buf *err)
{
	struct sov_run run = { 0 };

	run.argv = argv;
	run.dir = d->workdir;
	run.env = env;
	run.in = in;
	run.in_len = in ? strlen(in) : 0;
	run.out = out;
	run.err = err;
	run.timeout_ms = d->timeout_ms;
	if (out)
		sov_buf_reset(out);
	if (err)
		sov_buf_reset(err);
	return sov_run(&run);
}

static void check_install(struct doctor *d)
{
	if (d->h->is_installed)
		add(d, "install", SOV_DOCTOR_OK, NULL, "installed (%ssovsync/install.json)",
		    git_repository_commondir(d->h->repo));
	else
		add(d, "install", SOV_DOCTOR_FAIL, "run 'sovsync install'",
		    "sovsync is not installed in this repository (no %ssovsync/install.json)",
		    git_repository_commondir(d->h->repo));
}

/* One line per problem -> "a; b". */
static void join_lines(struct sov_buf *text)
{
	size_t i;

	sov_buf_rtrim(text);
	for (i = 0; i < text->len; i++)
		if (text->ptr[i] == '\n') {
			text->ptr[i] = ';';
			sov_buf_grow(text, 1);
			memmove(text->ptr + i + 2, text->ptr + i + 1, text->len - i);
			text->ptr[i + 1] = ' ';
			text->len++;
		}
}

/* Whether two paths name the same file (links resolved). */
static int same_file(const char *a, const char *b)
{
	struct sov_os_stat sa, sb;

	return sov_os_stat(a, &sa) == 0 && sov_os_stat(b, &sb) == 0 && sa.dev == sb.dev &&
	       sa.ino == sb.ino;
}

/*
 * Ask Git to run one of sovsync's hooks (`git hook run`, which looks where
 * a commit would: core.hooksPath, the executable bit, the interpreter, a
 * file system mounted noexec) with SOVSYNC_HOOK_PROBE set: `sovsync hook`
 * then only writes its name to the probe file.  A hook that chains another,
 * or that is another tool's keeping ours, is not used: the other tool's
 * hook would run for real.  Returns 1 ran,
 * 0 did not (`why` says what was seen), -1 no hook fit (nothing probed),
 * -2 the hooks call another sovsync (`why` names it; nothing probed).
 */
static int probe_hooks(struct doctor *d, const char *dir, struct sov_buf *name_out,
		       struct sov_buf *why)
{
	static const char *const candidates[] = { "post-commit", "post-merge",
						  "pre-merge-commit", "pre-commit", NULL };
	struct sov_buf probe = SOV_BUF_INIT, chained = SOV_BUF_INIT, env_var = SOV_BUF_INIT;
	struct sov_buf err = SOV_BUF_INIT, seen = SOV_BUF_INIT, line = SOV_BUF_INIT;
	const char *const *name;
	int ret = -1, status;

	for (name = candidates; *name; name++) {
		sov_buf_reset(&chained);
		sov_buf_addf(&chained, "%s/%s", dir, *name);
		if (!sov_hookinst_is_ours(chained.ptr))
			continue;	/* another tool's, keeping ours as .legacy */
		sov_buf_addstr(&chained, SOV_HOOK_CHAINED_SUFFIX);
		if (!sov_fs_exists(chained.ptr))
			break;
	}
	if (!*name)
		goto out;
	sov_buf_addstr(name_out, *name);
	/*
	 * Only this sovsync knows the probe: another one (an older copy the
	 * hooks still call) would do the hook's work for real.
	 */
	sov_buf_reset(&chained);
	sov_buf_addf(&chained, "%s/%s", dir, *name);
	if (sov_hookinst_script_exe(chained.ptr, &seen) < 0 ||
	    sov_install_self_path(&line) < 0 || !same_file(seen.ptr, line.ptr)) {
		sov_error_clear();
		sov_buf_addf(why, "%s", seen.ptr);
		ret = -2;
		goto out;
	}
	sov_buf_reset(&seen);
	sov_buf_reset(&line);
	if (sov_repo_state_path(d->h->repo, PROBE_FILE, &probe) < 0) {
		sov_buf_addstr(why, sov_error_last());
		sov_error_clear();
		ret = 0;
		goto out;
	}
	sov_os_unlink(probe.ptr);
	sov_buf_addf(&env_var, "SOVSYNC_HOOK_PROBE=%s", probe.ptr);
	{
		const char *argv[] = { "git", "hook", "run", *name, "--", "0", NULL };
		const char *env[] = { env_var.ptr, "GIT_DIR", "GIT_WORK_TREE",
				      "GIT_INDEX_FILE", NULL };

		/* post-merge takes the squash flag; the others none. */
		if (strcmp(*name, "post-merge"))
			argv[4] = NULL;
		status = run_bounded(d, argv, env, NULL, NULL, &err);
	}
	if (sov_buf_read_file(&seen, probe.ptr) == 0 && strstr(seen.ptr, *name)) {
		ret = 1;
	} else {
		sov_error_clear();
		ret = 0;
		if (status < 0) {
			sov_buf_addstr(why, sov_error_last());
			sov_error_clear();
		} else {
			sov_buf_addf(why, "git hook run %s exited %d", *name, status);
			if (err.len)
				sov_buf_addf(why, ": %s", first_line(err.ptr, &line));
		}
	}
	sov_os_unlink(probe.ptr);
out:
	sov_buf_release(&probe);
	sov_buf_release(&chained);
	sov_buf_release(&env_var);
	sov_buf_release(&err);
	sov_buf_release(&seen);
	sov_buf_release(&line);
	return ret;
}

static void check_hooks(struct doctor *d)
{
	static const char fix[] =
		"run 'sovsync install' (it puts the hooks where Git looks; "
		"'--hooks-path' for a shared core.hooksPath)";
	struct sov_buf dir = SOV_BUF_INIT, problems = SOV_BUF_INIT, name = SOV_BUF_INIT;
	struct sov_buf why = SOV_BUF_INIT, hooks_path = SOV_BUF_INIT;
	int r;

	r = sov_hookinst_check(d->workdir, &dir, &problems);
	if (r < 0) {
		add(d, "hooks", SOV_DOCTOR_FAIL, fix, "%s", sov_error_last());
		sov_error_clear();
		goto out;
	}
	if (r == 0) {
		join_lines(&problems);
		if (sov_config_get_string(d->h->ctx->cfg, "core.hooksPath", "", &hooks_path) > 0)
			sov_buf_addf(&problems, " (core.hooksPath is '%s')", hooks_path.ptr);
		sov_error_clear();
		add(d, "hooks", SOV_DOCTOR_FAIL, fix, "Git does not run sovsync's hooks: %s",
		    problems.ptr);
		goto out;
	}
	switch (probe_hooks(d, dir.ptr, &name, &why)) {
	case 1:
		add(d, "hooks", SOV_DOCTOR_OK, NULL, "in %s; Git runs them (%s tried)",
		    dir.ptr, name.ptr);
		break;
	case 0:
		add(d, "hooks", SOV_DOCTOR_FAIL,
		    "look at the script (edited? a file system mounted noexec?), then run "
		    "'sovsync install'",
		    "%s/%s is in place, but Git did not run it: %s", dir.ptr, name.ptr,
		    why.len ? why.ptr : "the hook never reached sovsync");
		break;
	case -2:
		add(d, "hooks", SOV_DOCTOR_WARN,
		    "run 'sovsync install' with the sovsync you mean to use",
		    "in %s, but they run %s, not this sovsync (not tried)", dir.ptr,
		    why.len ? why.ptr : "another program");
		break;
	default:
		add(d, "hooks", SOV_DOCTOR_OK, NULL,
		    "in %s (not tried: each chains another tool's hook)", dir.ptr);
	}
out:
	sov_buf_release(&dir);
	sov_buf_release(&problems);
	sov_buf_release(&name);
	sov_buf_release(&why);
	sov_buf_release(&hooks_path);
}

struct programs {
	git_config *cfg;
	json_t *seen;			/* keys already checked */
	struct sov_buf missing;
	size_t count;
};

/* Whether `name` is a key whose value is a program install writes. */
static int is_program_key(const char *name)
{
	static const char *const keys[] = { "filter.sovsync.process", "filter.sovsync.clean",
					    "filter.sovsync.smudge", "diff.sovsync.textconv",
					    NULL };
	const char *const *k;
	size_t n = strlen(name);

	for (k = keys; *k; k++)
		if (!strcasecmp(name, *k))
			return 1;
	/* merge.sovsync-<driver>.driver */
	return !strncasecmp(name, "merge.sovsync-", 14) && n > 21 &&
	       !strcasecmp(name + n - 7, ".driver") && !memchr(name + 14, '.', n - 21);
}

static int program_entry(const git_config_entry *e, void *arg)
{
	struct programs *p = arg;
	struct sov_buf exe = SOV_BUF_INIT;
	git_buf value = GIT_BUF_INIT;

	/* No regex match of libgit2's: its PCRE2 matching leaks per call. */
	if (!is_program_key(e->name) || json_object_get(p->seen, e->name))
		return 0;
	json_object_set_new(p->seen, e->name, json_true());
	/* The value Git uses: the last one, whatever level set the others. */
	if (git_config_get_string_buf(&value, p->cfg, e->name) < 0) {
		git_error_clear();
		return 0;
	}
	p->count++;
	if (sov_doctor_program(value.ptr, &exe) < 0)
		sov_buf_addf(&p->missing, "%s: '%s' is not a plain command\n", e->name,
			     value.ptr);
	else if (sov_os_access(exe.ptr, X_OK) < 0)
		sov_buf_addf(&p->missing, "%s runs %s, which is missing or not executable\n",
			     e->name, exe.ptr);
	git_buf_dispose(&value);
	sov_buf_release(&exe);
	return 0;
}

static void check_config(struct doctor *d)
{
	static const char fix[] = "run 'sovsync install'";
	struct sov_buf problems = SOV_BUF_INIT;
	struct programs p = { NULL, NULL, SOV_BUF_INIT, 0 };
	git_config *cfg = NULL;
	int current;

	current = sov_install_check_config(d->h->repo, &problems);
	if (current < 0) {
		add(d, "config", SOV_DOCTOR_FAIL, fix, "%s", sov_error_last());
		sov_error_clear();
		goto out;
	}
	p.seen = json_object();
	if (git_repository_config_snapshot(&cfg, d->h->repo) == 0) {
		p.cfg = cfg;
		git_config_foreach(cfg, program_entry, &p);
	}
	json_decref(p.seen);
	git_error_clear();
	sov_buf_addstr(&problems, p.missing.ptr);
	if (problems.len) {
		join_lines(&problems);
		add(d, "config", SOV_DOCTOR_FAIL, fix, "%s", problems.ptr);
	} else {
		add(d, "config", SOV_DOCTOR_OK, NULL,
		    "filter and merge drivers configured, %zu programs present", p.count);
	}
out:
	git_config_free(cfg);
	sov_buf_release(&problems);
	sov_buf_release(&p.missing);
}

/*
 * "PATTERN attr..." lines -> "<sample>\0<attr>\0<want>\0" triples in
 * `want` and "<sample>\0" in `paths` (no duplicate paths needed: Git
 * answers for each).
 */
static void expect_line(const char *line, struct sov_buf *want, struct sov_buf *paths)
{
	struct sov_buf pattern = SOV_BUF_INIT, sample = SOV_BUF_INIT, tok = SOV_BUF_INIT;
	const char *p = line;
	size_t n;

	n = strcspn(p, " \t");
	sov_buf_add(&pattern, p, n);
	if (sov_doctor_attr_sample(pattern.ptr, &sample) < 0)
		goto out;
	sov_buf_add(paths, sample.ptr, sample.len + 1);
	for (p += n; *p; p += n) {
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (!n)
			break;
		sov_buf_reset(&tok);
		sov_buf_add(&tok, p, n);
		sov_buf_add(want, sample.ptr, sample.len + 1);
		if (tok.ptr[0] == '-') {
			sov_buf_addf(want, "%s%cunset%c", tok.ptr + 1, 0, 0);
		} else if (tok.ptr[0] == '!') {
			sov_buf_addf(want, "%s%cunspecified%c", tok.ptr + 1, 0, 0);
		} else if (strchr(tok.ptr, '=')) {
			char *eq = strchr(tok.ptr, '=');

			*eq = '\0';
			sov_buf_addf(want, "%s%c%s%c", tok.ptr, 0, eq + 1, 0);
		} else {
			sov_buf_addf(want, "%s%cset%c", tok.ptr, 0, 0);
		}
	}
out:
	sov_buf_release(&pattern);
	sov_buf_release(&sample);
	sov_buf_release(&tok);
}

/* Git's answer for `path`'s `attr` in `-z` check-attr output, or NULL. */
static const char *attr_answer(const struct sov_buf *out, const char *path, const char *attr)
{
	const char *p = out->ptr, *end = out->ptr + out->len;

	while (p < end) {
		const char *a = p + strlen(p) + 1, *v;

		if (a >= end)
			break;
		v = a + strlen(a) + 1;
		if (v >= end)
			break;
		if (!strcmp(p, path) && !strcmp(a, attr))
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

/*
 * Whether .gitattributes differs from HEAD's (never committed, or edited
 * since): 1 with which and what it leads to in `state`, else 0 (also
 * when Git cannot tell).
 */
static int attributes_uncommitted(struct doctor *d, struct sov_buf *state)
{
	const char *const argv[] = { "git", "status", "--porcelain=v1", "--untracked-files=all",
				     "--", ":(top,literal).gitattributes", NULL };
	struct sov_buf out = SOV_BUF_INIT;
	int ret = 0;

	if (run_bounded(d, argv, NULL, NULL, &out, NULL) == 0 && out.len > 2) {
		sov_buf_reset(state);
		sov_buf_addstr(state, out.ptr[0] == '?' ?
			       "not committed: the next sovsync sync commits it; until then, once "
			       "another clone commits it, a plain git pull here stops (Git will not "
			       "overwrite an untracked file)" :
			       "changed since the last commit: other clones merge by the committed "
			       "lines until the next sovsync sync commits it");
		ret = 1;
	}
	sov_error_clear();
	sov_buf_release(&out);
	return ret;
}

static void check_attributes(struct doctor *d)
{
	struct sov_buf lines = SOV_BUF_INIT, text = SOV_BUF_INIT, tracked = SOV_BUF_INIT;
	struct sov_buf want = SOV_BUF_INIT, paths = SOV_BUF_INIT, out = SOV_BUF_INIT;
	struct sov_buf err = SOV_BUF_INIT, bad = SOV_BUF_INIT, line = SOV_BUF_INIT;
	struct sov_argv args = SOV_ARGV_INIT;
	const char *p, *eol, *end;
	size_t checked = 0;
	int status;

	sov_drivers_attributes(d->h->ctx->set.root.ptr, &lines);
	if (sov_fs_read_under(d->workdir, ".gitattributes", &text) > 0) {
		sov_attr_list(&text, &tracked);
		for (p = tracked.ptr; (eol = strchr(p, '\n')); p = eol + 1)
			sov_buf_addf(&lines, "%.*s filter=sovsync diff=sovsync -text\n",
				     (int)(eol - p), p);
	}
	sov_error_clear();
	for (p = lines.ptr; (eol = strchr(p, '\n')); p = eol + 1) {
		sov_buf_reset(&line);
		sov_buf_add(&line, p, (size_t)(eol - p));
		expect_line(line.ptr, &want, &paths);
	}
	sov_argv_pushl(&args, "git", "check-attr", "-z", "filter", "diff", "merge", "text",
		       "--", NULL);
	for (p = paths.ptr; p < paths.ptr + paths.len; p += strlen(p) + 1)
		sov_argv_push(&args, p);
	status = run_bounded(d, args.v, NULL, NULL, &out, &err);
	if (status != 0) {
		add(d, "attributes", SOV_DOCTOR_FAIL, NULL, "git check-attr: %s",
		    status < 0 ? sov_error_last() : first_line(err.ptr, &line));
		sov_error_clear();
		goto out;
	}
	end = want.ptr + want.len;
	for (p = want.ptr; p < end;) {
		const char *path = p, *attr = path + strlen(path) + 1;
		const char *value = attr + strlen(attr) + 1, *have;

		p = value + strlen(value) + 1;
		checked++;
		have = attr_answer(&out, path, attr);
		if (!have || strcmp(have, value))
			sov_buf_addf(&bad, "%s: %s is %s, sovsync's line says %s\n", path, attr,
				     have ? have : "not answered", value);
	}
	if (bad.len) {
		join_lines(&bad);
		add(d, "attributes", d->h->is_installed ? SOV_DOCTOR_FAIL : SOV_DOCTOR_WARN,
		    "remove the line that overrides them (a later line of .gitattributes, a "
		    ".gitattributes further down, .git/info/attributes), or run "
		    "'sovsync install'", "Git does not see sovsync's attributes: %s", bad.ptr);
	} else if (attributes_uncommitted(d, &line)) {
		add(d, "attributes", SOV_DOCTOR_WARN,
		    "run sovsync sync (or: git add .gitattributes && git commit)",
		    "Git sees sovsync's attributes (%zu checked), but .gitattributes is %s", checked,
		    line.ptr);
	} else {
		add(d, "attributes", SOV_DOCTOR_OK, NULL,
		    "Git sees sovsync's attributes (%zu checked)", checked);
	}
out:
	sov_argv_release(&args);
	sov_buf_release(&lines);
	sov_buf_release(&text);
	sov_buf_release(&tracked);
	sov_buf_release(&want);
	sov_buf_release(&paths);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&bad);
	sov_buf_release(&line);
}

/* "Name <email> 1700000000 +0000" -> "Name <email>". */
static void strip_ident_date(struct sov_buf *ident)
{
	char *gt = strrchr(ident->ptr, '>');

	if (gt)
		sov_buf_setlen(ident, (size_t)(gt - ident->ptr) + 1);
}

static void check_identity(struct doctor *d)
{
	static const char fix[] = "git config user.name 'Your Name'; "
				  "git config user.email you@example.com";
	const char *const committer[] = { "git", "var", "GIT_COMMITTER_IDENT", NULL };
	const char *const author[] = { "git", "var", "GIT_AUTHOR_IDENT", NULL };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, line = SOV_BUF_INIT;
	int status;

	status = run_bounded(d, committer, NULL, NULL, &out, &err);
	if (status == 0)
		status = run_bounded(d, author, NULL, NULL, &out, &err);
	if (status != 0) {
		add(d, "identity", SOV_DOCTOR_FAIL, fix, "Git has no identity to commit with: %s",
		    status < 0 ? sov_error_last() : first_line(err.ptr, &line));
		sov_error_clear();
	} else {
		sov_buf_rtrim(&out);
		strip_ident_date(&out);
		add(d, "identity", SOV_DOCTOR_OK, NULL, "commits by %s", out.ptr);
	}
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&line);
}

/* `git config --get [--type=bool] key` (includes and every level, as Git reads it). */
static void git_config_value(struct doctor *d, const char *key, int is_bool,
			     struct sov_buf *out)
{
	const char *argv[] = { "git", "config", "--get", is_bool ? "--type=bool" : key,
			       is_bool ? key : NULL, NULL };

	if (run_bounded(d, argv, NULL, NULL, out, NULL) != 0)
		sov_buf_reset(out);
	sov_error_clear();
	sov_buf_rtrim(out);
}

static void check_signing(struct doctor *d)
{
	const char *const mktree[] = { "git", "mktree", NULL };
	struct sov_buf sign = SOV_BUF_INIT, format = SOV_BUF_INIT, key = SOV_BUF_INIT;
	struct sov_buf tree = SOV_BUF_INIT, out = SOV_BUF_INIT, err = SOV_BUF_INIT;
	struct sov_buf line = SOV_BUF_INIT, fix = SOV_BUF_INIT;
	const char *env[] = { "GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "LANGUAGE", NULL };
	int status;

	git_config_value(d, "commit.gpgSign", 1, &sign);
	if (strcmp(sign.ptr, "true")) {
		add(d, "signing", SOV_DOCTOR_OK, NULL, "commits are not signed (commit.gpgSign "
		    "is not set)");
		goto out;
	}
	git_config_value(d, "gpg.format", 0, &format);
	git_config_value(d, "user.signingKey", 0, &key);
	if (!format.len)
		sov_buf_addstr(&format, "openpgp");
	if (!strcmp(format.ptr, "ssh"))
		sov_buf_addstr(&fix, "set user.signingKey to an ssh key that exists (a file, "
			       "or 'key::' and the public key held by ssh-agent)");
	else
		sov_buf_addf(&fix, "set user.signingKey to a key of yours that %s lists "
			     "with its secret part, unlocked by its agent",
			     !strcmp(format.ptr, "x509") ? "gpgsm --list-secret-keys" :
			     "gpg --list-secret-keys");
	status = run_bounded(d, mktree, env, NULL, &tree, &err);
	sov_buf_rtrim(&tree);
	if (status == 0) {
		const char *argv[] = { "git", "commit-tree", "-S", "-m",
				       "sovsync doctor: signing probe", tree.ptr, NULL };

		status = run_bounded(d, argv, env, NULL, &out, &err);
	}
	if (status < 0) {
		add(d, "signing", SOV_DOCTOR_FAIL, "load the key into its agent (ssh-agent, "
		    "gpg-agent), so that no passphrase is asked for",
		    "commit.gpgSign is set, and signing did not finish (a passphrase prompt?): %s",
		    sov_error_last());
		sov_error_clear();
	} else if (status > 0) {
		add(d, "signing", SOV_DOCTOR_FAIL, fix.ptr,
		    "commit.gpgSign is set, and Git cannot sign (gpg.format %s, user.signingKey "
		    "%s): %s", format.ptr, key.len ? key.ptr : "not set",
		    first_line(err.ptr, &line));
	} else {
		add(d, "signing", SOV_DOCTOR_OK, NULL, "commits are signed (gpg.format %s, key %s)",
		    format.ptr, key.len ? key.ptr : "the default");
	}
out:
	sov_buf_release(&sign);
	sov_buf_release(&format);
	sov_buf_release(&key);
	sov_buf_release(&tree);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&line);
	sov_buf_release(&fix);
}

/* Whether git's message says it wanted to ask for credentials or was refused. */
static int is_auth_error(const char *err)
{
	static const char *const signs[] = {
		"terminal prompts disabled", "could not read Username",
		"could not read Password", "Authentication failed", "Permission denied",
		"Host key verification failed", "403", "401", NULL,
	};
	const char *const *s;

	for (s = signs; *s; s++)
		if (strstr(err, *s))
			return 1;
	return 0;
}

static void check_remote(struct doctor *d)
{
	struct sov_buf url = SOV_BUF_INIT, shown = SOV_BUF_INIT, out = SOV_BUF_INIT;
	struct sov_buf err = SOV_BUF_INIT, line = SOV_BUF_INIT, ref = SOV_BUF_INIT;
	struct sov_buf low_speed = SOV_BUF_INIT, fix = SOV_BUF_INIT;
	const char *remote = d->sc->remote.ptr;
	int status;

	{
		const char *argv[] = { "git", "remote", "get-url", remote, NULL };

		status = run_bounded(d, argv, NULL, NULL, &url, &err);
	}
	sov_buf_rtrim(&url);
	if (status != 0) {
		sov_buf_addf(&fix, "git remote add %s <url>, or set sovsync.remote to the remote "
			     "to sync with", remote);
		add(d, "remote", SOV_DOCTOR_FAIL, fix.ptr, "no remote '%s' (sovsync.remote)",
		    remote);
		sov_error_clear();
		goto out;
	}
	sov_doctor_redact_url(url.ptr, &shown);
	sov_buf_addf(&ref, "refs/heads/%s", d->branch.ptr);
	sov_buf_addf(&low_speed, "GIT_HTTP_LOW_SPEED_TIME=%lld",
		     (long long)(d->timeout_ms < 1000 ? 1 : d->timeout_ms / 1000));
	{
		/* The sync's environment (sync.c): no prompt, a stall is an error. */
		const char *argv[] = { "git", "ls-remote", remote, ref.ptr, NULL };
		const char *env[] = { "GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "LANGUAGE",
				      "GIT_HTTP_LOW_SPEED_LIMIT=1", low_speed.ptr, NULL };

		status = run_bounded(d, argv, env, NULL, &out, &err);
	}
	if (status < 0) {
		add(d, "remote", SOV_DOCTOR_FAIL,
		    "check the URL and the network (a firewall that drops packets, a VPN), "
		    "and that nothing asks for a password or passphrase (ssh-agent, a "
		    "credential helper); a sync waits sovsync.networkTimeout and fails the same way",
		    "%s (%s) did not answer (a stalled server, or a prompt a sync cannot "
		    "answer): %s", remote, shown.ptr, sov_error_last());
		sov_error_clear();
	} else if (status > 0) {
		sov_sync_strip_progress(&err);
		if (is_auth_error(err.ptr))
			add(d, "remote", SOV_DOCTOR_FAIL,
			    "set up authentication that asks nothing: a credential helper "
			    "(git config credential.helper store|cache|libsecret), a token in it, "
			    "or an ssh key loaded in ssh-agent",
			    "%s (%s) needs a password prompt or refused access; a sync runs "
			    "without prompts: %s", remote, shown.ptr, first_line(err.ptr, &line));
		else
			add(d, "remote", SOV_DOCTOR_FAIL, "check remote.<name>.url and the network",
			    "%s (%s) is unreachable: %s", remote, shown.ptr,
			    first_line(err.ptr, &line));
	} else if (!out.len) {
		add(d, "remote", SOV_DOCTOR_WARN,
		    "nothing to do: the first 'sovsync sync' pushes it",
		    "%s (%s) answered without asking; it has no branch %s yet", remote,
		    shown.ptr, d->branch.ptr);
	} else {
		add(d, "remote", SOV_DOCTOR_OK, NULL,
		    "%s (%s) answered without asking; %s at %.7s", remote, shown.ptr,
		    d->branch.ptr, out.ptr);
	}
out:
	sov_buf_release(&url);
	sov_buf_release(&shown);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&line);
	sov_buf_release(&ref);
	sov_buf_release(&low_speed);
	sov_buf_release(&fix);
}

static void check_webhook(struct doctor *d)
{
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_webhook_response res = SOV_WEBHOOK_RESPONSE_INIT;
	struct sov_buf id = SOV_BUF_INIT, body = SOV_BUF_INIT;
	size_t pending = 0, failed = 0;
	int on;

	on = sov_webhook_settings_ctx(&s, d->h->ctx);
	if (on < 0) {
		add(d, "webhook", SOV_DOCTOR_FAIL, "correct the sovsync.webhook.* setting",
		    "%s", sov_error_last());
		sov_error_clear();
		goto out;
	}
	if (on == 0) {
		add(d, "webhook", SOV_DOCTOR_OK, NULL, "off (sovsync.webhook.url is not set)");
		goto out;
	}
	/* Bounded like every other step here. */
	if (s.timeout_ms <= 0 || s.timeout_ms > d->timeout_ms)
		s.timeout_ms = d->timeout_ms;
	if (s.connect_timeout_ms <= 0 || s.connect_timeout_ms > d->timeout_ms)
		s.connect_timeout_ms = d->timeout_ms;
	if (sov_webhook_load_credentials(&s, d->h->repo) < 0) {
		add(d, "webhook", SOV_DOCTOR_FAIL,
		    "set SOVSYNC_WEBHOOK_TOKEN/SOVSYNC_WEBHOOK_SECRET or the files "
		    "sovsync.webhook.tokenFile/secretFile name (mode 0600, outside the work tree)",
		    "%s", sov_error_last());
		sov_error_clear();
		goto out;
	}
	if (sov_webevent_new_id(&id) < 0 ||
	    sov_webevent_payload(d->h->repo, &s, "test", id.ptr, NULL, NULL, NULL,
				sov_time_now(), &body) < 0) {
		add(d, "webhook", SOV_DOCTOR_FAIL, NULL, "%s", sov_error_last());
		sov_error_clear();
		goto out;
	}
	if (sov_webhook_post(&s, NULL, id.ptr, body.ptr, body.len, &res) !=
	    SOV_WEBHOOK_DELIVERED) {
		add(d, "webhook", SOV_DOCTOR_FAIL,
		    "check that the receiver runs at sovsync.webhook.url and accepts the token "
		    "and the signature ('sovsync webhook test' tries again)",
		    "the endpoint did not take a test event: %s",
		    res.error.len ? res.error.ptr : "no answer");
		goto out;
	}
	if (sov_outbox_count(d->h->repo, &pending, &failed) < 0)
		sov_error_clear();
	if (failed)
		add(d, "webhook", SOV_DOCTOR_WARN,
		    "'sovsync webhook list --failed' shows them, 'sovsync webhook retry' "
		    "sends them again",
		    "the endpoint answered HTTP %ld; %zu event%s given up earlier", res.status,
		    failed, failed == 1 ? " was" : "s were");
	else
		add(d, "webhook", SOV_DOCTOR_OK, NULL,
		    "the endpoint answered HTTP %ld to a test event; %zu queued", res.status,
		    pending);
out:
	sov_webhook_response_release(&res);
	sov_webhook_settings_release(&s);
	sov_buf_release(&id);
	sov_buf_release(&body);
}

/*
 * The directories under `path` (itself included), as `sovsync watch`
 * watches them: symbolic links are not followed (an entry's own type, as
 * the directory lists it, or lstat).  Bounded by the depth of the tree.
 * `path` is restored before returning.
 */
static size_t count_dirs(struct sov_buf *path)
{
	struct sov_os_dir *dir = sov_os_opendir(path->ptr);
	const struct sov_os_dirent *e;
	size_t n = 1, len = path->len;

	if (!dir)
		return n;
	while ((e = sov_os_readdir(dir))) {
		struct sov_os_stat st;
		int type = e->type;

		if (type != SOV_OS_DIR && type != -1)
			continue;
		sov_buf_setlen(path, len);
		sov_buf_addf(path, "/%s", e->name);
		if (type == -1 && (sov_os_lstat(path->ptr, &st) < 0 || st.type != SOV_OS_DIR))
			continue;
		n += count_dirs(path);
	}
	sov_buf_setlen(path, len);
	sov_os_closedir(dir);
	return n;
}

size_t sov_doctor_count_dirs(const char *path)
{
	struct sov_buf p = SOV_BUF_INIT;
	struct sov_os_stat st;
	size_t n = 0;

	if (sov_os_lstat(path, &st) == 0 && st.type == SOV_OS_DIR) {
		sov_buf_addstr(&p, path);
		n = count_dirs(&p);
	}
	sov_buf_release(&p);
	return n;
}

static void check_inotify(struct doctor *d)
{
	struct sov_buf root = SOV_BUF_INIT, fix = SOV_BUF_INIT, what = SOV_BUF_INIT;
	long long max = sov_os_dirwatch_limit(&what);
	size_t dirs;

	sov_buf_addf(&root, "%s%s", d->workdir, d->h->ctx->set.root.ptr);
	dirs = sov_doctor_count_dirs(root.ptr);
	if (max == 0) {
		add(d, "inotify", SOV_DOCTOR_OK, NULL,
		    "%zu directories under %s, one %s watch for the whole tree", dirs,
		    d->h->ctx->set.root.ptr, what.ptr);
		goto out;
	}
	if (max < 0) {
		add(d, "inotify", SOV_DOCTOR_WARN, "'sovsync sync' from a timer works without it",
		    "cannot read /proc/sys/fs/inotify/max_user_watches: 'sovsync watch' needs "
		    "inotify (Linux)");
		goto out;
	}
	sov_buf_addf(&fix, "raise it: sudo sysctl fs.inotify.max_user_watches=%lld (and in "
		     "/etc/sysctl.d/ to keep it)", (long long)dirs * 4 + 8192);
	if ((long long)dirs > max)
		add(d, "inotify", SOV_DOCTOR_FAIL, fix.ptr,
		    "%zu directories under %s, more than fs.inotify.max_user_watches (%lld): "
		    "'sovsync watch' cannot watch them all", dirs, d->h->ctx->set.root.ptr, max);
	else if ((long long)dirs * 2 > max)
		add(d, "inotify", SOV_DOCTOR_WARN, fix.ptr,
		    "%zu directories under %s use over half of fs.inotify.max_user_watches "
		    "(%lld), which other programs share", dirs, d->h->ctx->set.root.ptr, max);
	else
		add(d, "inotify", SOV_DOCTOR_OK, NULL,
		    "%zu directories under %s, fs.inotify.max_user_watches %lld", dirs,
		    d->h->ctx->set.root.ptr, max);
out:
	sov_buf_release(&root);
	sov_buf_release(&fix);
	sov_buf_release(&what);
}

/*
 * sovsync.maxObjectSize, the same key and default as the filter's (the
 * largest blob a push may carry; GitHub refuses files over 100 MiB).
 */
static int64_t max_object_size(struct doctor *d)
{
	if (sov_ctx_load(d->h->ctx, SOV_SET_FILTER) < 0) {
		sov_error_clear();
		return SOV_SETTINGS_MAX_OBJECT_SIZE_DEF;
	}
	return d->h->ctx->set.max_object_size;
}

static void check_sizes(struct doctor *d)
{
	static const char fix[] =
		"keep such files outside the synced root, or split them; files under "
		"'sovsync track' are stored compressed";
	struct sov_buf staged = SOV_BUF_INIT, ids = SOV_BUF_INIT, sizes = SOV_BUF_INIT;
	struct sov_buf over = SOV_BUF_INIT, near = SOV_BUF_INIT, others = SOV_BUF_INIT;
	struct sov_buf path = SOV_BUF_INIT, err = SOV_BUF_INIT, line = SOV_BUF_INIT;
	const char *const ls[] = { "git", "ls-files", "-s", "-z", "--", d->h->ctx->set.root.ptr, NULL };
	const char *const batch[] = { "git", "cat-file",
		"--batch-check=%(objectname) %(objectsize)", NULL };
	const char *const loose[] = { "git", "ls-files", "-z", "-m", "-o", "--exclude-standard",
				      "--", d->h->ctx->set.root.ptr, NULL };
	int64_t limit = max_object_size(d);
	const char *p, *end, *q;
	size_t files = 0;
	int status;

	status = run_bounded(d, ls, NULL, NULL, &staged, &err);
	if (status == 0) {
		/* "<mode> <id> <stage>\t<path>\0": ask for the sizes of the ids. */
		for (p = staged.ptr, end = p + staged.len; p < end; p += strlen(p) + 1) {
			const char *sp = strchr(p, ' ');

			if (sp)
				sov_buf_addf(&ids, "%.*s\n", (int)strcspn(sp + 1, " "), sp + 1);
		}
		status = ids.len ? run_bounded(d, batch, NULL, ids.ptr, &sizes, &err) : 0;
	}
	if (status == 0)
		status = run_bounded(d, loose, NULL, NULL, &others, &err);
	if (status != 0) {
		add(d, "sizes", SOV_DOCTOR_WARN, NULL, "cannot list the files: %s",
		    status < 0 ? sov_error_last() : first_line(err.ptr, &line));
		sov_error_clear();
		goto out;
	}
	/* cat-file answers in the order asked: one line per entry with an id. */
	q = sizes.ptr;
	for (p = staged.ptr, end = p + staged.len; p < end; p += strlen(p) + 1) {
		const char *sp = strchr(p, ' '), *tab = strchr(p, '\t'), *size_at;
		long long size;

		if (!sp)
			continue;
		size_at = strchr(q, ' ');
		q = strchrnul(q, '\n');
		if (*q)
			q++;
		if (!tab || !size_at || size_at > q)
			continue;
		files++;
		size = strtoll(size_at + 1, NULL, 10);
		if (size > limit)
			sov_buf_addf(&over, "%s (%.1f MiB stored)\n", tab + 1, (double)size / MIB);
		else if (size > limit / 10 * 9)
			sov_buf_addf(&near, "%s (%.1f MiB stored)\n", tab + 1, (double)size / MIB);
	}
	/* Not committed yet: their size now, before any compression. */
	for (p = others.ptr, end = p + others.len; p < end; p += strlen(p) + 1) {
		struct sov_os_stat st;

		sov_buf_reset(&path);
		sov_buf_addf(&path, "%s%s", d->workdir, p);
		if (sov_os_lstat(path.ptr, &st) == 0 && st.type == SOV_OS_REG &&
		    (int64_t)st.size > limit)
			sov_buf_addf(&near, "%s (%.1f MiB, not committed yet)\n", p,
				     (double)st.size / MIB);
	}
	if (over.len) {
		join_lines(&over);
		add(d, "sizes", SOV_DOCTOR_FAIL, fix,
		    "over sovsync.maxObjectSize (%.1f MiB), which the host refuses: %s",
		    (double)limit / MIB, over.ptr);
	} else if (near.len) {
		join_lines(&near);
		add(d, "sizes", SOV_DOCTOR_WARN, fix,
		    "near or over sovsync.maxObjectSize (%.1f MiB): %s", (double)limit / MIB,
		    near.ptr);
	} else {
		add(d, "sizes", SOV_DOCTOR_OK, NULL,
		    "%zu files under %s, none near sovsync.maxObjectSize (%.1f MiB)", files,
		    d->h->ctx->set.root.ptr, (double)limit / MIB);
	}
out:
	sov_buf_release(&staged);
	sov_buf_release(&ids);
	sov_buf_release(&sizes);
	sov_buf_release(&over);
	sov_buf_release(&near);
	sov_buf_release(&others);
	sov_buf_release(&path);
	sov_buf_release(&err);
	sov_buf_release(&line);
}

static void check_onpull(struct doctor *d)
{
	int failed;
	json_t *st = sov_onpull_status(d->h->ctx, &failed);
	json_t *last = json_object_get(st, "last");
	const char *command = json_string_value(json_object_get(st, "command"));

	if (failed)
		add(d, "onpull", SOV_DOCTOR_WARN,
		    "fix the command (or raise sovsync.onPullTimeout); it runs again after the "
		    "next pull that changes files under the root",
		    "the last run of sovsync.onPull (%s) failed: %s",
		    json_string_value(json_object_get(last, "ranAt")) ?
		    json_string_value(json_object_get(last, "ranAt")) : "?",
		    json_string_value(json_object_get(last, "error")) ?
		    json_string_value(json_object_get(last, "error")) : "?");
	else if (command)
		add(d, "onpull", SOV_DOCTOR_OK, NULL, "sovsync.onPull is '%s'%s", command,
		    last ? "; its last run succeeded" : "; not run yet");
	else
		add(d, "onpull", SOV_DOCTOR_OK, NULL, "sovsync.onPull is not set");
	json_decref(st);
}

static void check_sync(struct doctor *d)
{
	json_t *stop = NULL;

	if (sov_syncstop_load(d->h->repo, &stop) < 0) {
		add(d, "sync", SOV_DOCTOR_WARN, NULL, "%s", sov_error_last());
		sov_error_clear();
		return;
	}
	if (!stop) {
		add(d, "sync", SOV_DOCTOR_OK, NULL, "no sync stopped");
		return;
	}
	add(d, "sync", SOV_DOCTOR_WARN, json_string_value(json_object_get(stop, "nextStep")),
	    "%s", json_string_value(json_object_get(stop, "message")));
	json_decref(stop);
}

/* ---- entry point ---------------------------------------------------------- */

static int resolve_branch(struct doctor *d)
{
	git_reference *head = NULL;

	if (d->sc->branch.len) {
		sov_buf_addstr(&d->branch, d->sc->branch.ptr);
		return 0;
	}
	if (git_repository_head(&head, d->h->repo) == 0 && git_reference_is_branch(head))
		sov_buf_addstr(&d->branch, git_reference_shorthand(head));
	else if (git_reference_lookup(&head, d->h->repo, "HEAD") == 0 &&
		 git_reference_symbolic_target(head))
		sov_buf_addstr(&d->branch, git_reference_symbolic_target(head) + 11);
	else
		sov_buf_addstr(&d->branch, "main");
	git_error_clear();
	git_reference_free(head);
	return 0;
}

int sov_doctor_run(struct sov_hookrun *h, const struct sov_doctor_opts *opts,
		   struct sov_doctor *out)
{
	struct doctor d = { 0 };
	int ret = -1;

	d.h = h;
	d.out = out;
	d.sc = &h->ctx->set;
	sov_buf_init(&d.branch, 0);
	d.workdir = git_repository_workdir(h->repo);
	if (!d.workdir) {
		sov_error("%s: a bare repository has no files to sync",
			  git_repository_path(h->repo));
		goto out;
	}
	if (sov_ctx_load(h->ctx, SOV_SYNC_SETTINGS) < 0)
		goto out;
	d.timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms :
		       d.sc->network_timeout_ms > 0 && d.sc->network_timeout_ms < DOCTOR_MAX_WAIT_MS ?
		       d.sc->network_timeout_ms : DOCTOR_MAX_WAIT_MS;
	resolve_branch(&d);

	check_install(&d);
	check_hooks(&d);
	check_config(&d);
	check_attributes(&d);
	check_identity(&d);
	check_signing(&d);
	check_remote(&d);
	check_webhook(&d);
	check_inotify(&d);
	check_sizes(&d);
	check_onpull(&d);
	check_sync(&d);
	ret = 0;
out:
	sov_buf_release(&d.branch);
	return ret;
}
