/*
 * install.c - install and uninstall sovsync in a repository; see install.h.
 */
#include "install.h"
#include "chunkstore.h"
#include "config.h"
#include "ctx.h"
#include "drivers.h"
#include "error.h"
#include "fs.h"
#include "hash.h"
#include "hookinst.h"
#include "json.h"
#include "osexe.h"
#include "repo.h"
#include "run.h"
#include "storedform.h"
#include "template.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

#define WORKFLOW_PATH ".github/workflows/sovsync.yml"

struct installer {
	struct sov_ctx ctx;		/* owns repo; settings: SOV_SET_ROOT */
	git_repository *repo;		/* borrowed: ctx.repo */
	git_config *local;		/* .git/config */
	const char *workdir;		/* borrowed from repo, ends with '/' */
	json_t *record;			/* install.json being built */
	const char *root;		/* ctx.set.root, once loaded */
	struct sov_buf *log;
};

int sov_install_self_path(struct sov_buf *out)
{
	struct sov_buf native = SOV_BUF_INIT;

	if (sov_os_self_exe(&native) < 0)
		return -1;
	sov_os_sh_path(native.ptr, out);
	sov_buf_release(&native);
	return 0;
}

static int installer_open(struct installer *in, const char *dir, struct sov_buf *log)
{
	git_config *cfg = NULL;

	memset(in, 0, sizeof(*in));
	in->ctx = (struct sov_ctx)SOV_CTX_INIT;
	in->log = log;
	if (sov_ctx_open(&in->ctx, dir, SOV_CTX_REPO) < 0)
		return -1;
	in->repo = in->ctx.repo;
	in->workdir = git_repository_workdir(in->repo);
	if (!in->workdir)
		return sov_error("%s: a bare repository has no working tree to sync", dir);
	if (git_repository_config(&cfg, in->repo) < 0 ||
	    git_config_open_level(&in->local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		git_config_free(cfg);
		return sov_error_git("%s: cannot open the repository's config", dir);
	}
	git_config_free(cfg);
	return 0;
}

static void installer_close(struct installer *in)
{
	json_decref(in->record);
	git_config_free(in->local);
	sov_ctx_release(&in->ctx);
}

static int record_path(struct installer *in, struct sov_buf *out)
{
	return sov_repo_state_path(in->repo, "install.json", out);
}

static int record_load(struct installer *in, int must_exist)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = 0;

	if (record_path(in, &path) < 0)
		return -1;
	if (sov_fs_exists(path.ptr))
		ret = sov_json_load_file(&in->record, path.ptr);
	else if (must_exist)
		ret = sov_error("%s: sovsync is not installed here (no %s)", in->workdir, path.ptr);
	if (!ret && in->record && !json_is_object(in->record))
		ret = sov_error("%s: not a JSON object", path.ptr);
	if (!ret && !in->record)
		in->record = json_pack("{s:i}", "version", 1);
	sov_buf_release(&path);
	return ret;
}

/* Write the record if its text changed (a second install writes nothing). */
static int record_save(struct installer *in)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, old = SOV_BUF_INIT;
	int ret = 0;

	if (record_path(in, &path) < 0)
		return -1;
	sov_json_dump(in->record, &text);
	if (!sov_fs_exists(path.ptr) || sov_buf_read_file(&old, path.ptr) < 0 ||
	    old.len != text.len || memcmp(old.ptr, text.ptr, text.len))
		ret = sov_fs_write_atomic(path.ptr, text.ptr, text.len, 0600);
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&old);
	return ret;
}

static json_t *record_object(struct installer *in, const char *key)
{
	json_t *o = json_object_get(in->record, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(in->record, key, o);
	}
	return o;
}

/* ---- config ---- */

static int set_config(struct installer *in, const char *key, const char *value)
{
	json_t *config = record_object(in, "config");
	git_buf old = GIT_BUF_INIT;
	int err = git_config_get_string_buf(&old, in->local, key);

	if (err < 0 && err != GIT_ENOTFOUND)
		return sov_error_git("config %s", key);
	if (err == 0 && !strcmp(old.ptr, value)) {
		git_buf_dispose(&old);
		return 0;
	}
	/* Remember the value from before the first install only. */
	if (!json_object_get(config, key))
		json_object_set_new(config, key, err == 0 ? json_string(old.ptr) : json_null());
	git_buf_dispose(&old);
	if (git_config_set_string(in->local, key, value) < 0)
		return sov_error_git("%sconfig: cannot set %s",
				     git_repository_commondir(in->repo), key);
	sov_buf_addf(in->log, "set %s\n", key);
	return 0;
}

/*
 * The git config install writes: programs (the binary's quoted absolute
 * path, then the suffix) and fixed values; the merge drivers' come from
 * their table (drivers.h).  sov_install_check_config() compares a clone's
 * config with the same tables, so an install made by an older sovsync
 * (merge.sovsync-derived.driver = true) is found.
 */
static const struct { const char *key, *suffix; } config_programs[] = {
	{ "filter.sovsync.process", " filter-process" },
	{ "filter.sovsync.clean", " clean %f" },
	{ "filter.sovsync.smudge", " smudge %f" },
	{ "diff.sovsync.textconv", " cat" },
};

static const struct { const char *key, *value; } config_fixed[] = {
	{ "filter.sovsync.required", "true" },
};

/* A driver's merge.<attr>.driver suffix and merge.<attr>.name, with their keys. */
static void driver_config(const struct sov_driver *d, struct sov_buf *key_driver,
			  struct sov_buf *suffix, struct sov_buf *key_name)
{
	sov_buf_reset(key_driver);
	sov_buf_reset(suffix);
	sov_buf_reset(key_name);
	sov_buf_addf(key_driver, "merge.%s.driver", d->attr);
	sov_buf_addf(suffix, " %s%s", d->command, d->args);
	sov_buf_addf(key_name, "merge.%s.name", d->attr);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int install_config(struct installer *in, const char *exe)
{
	struct sov_buf q = SOV_BUF_INIT, value = SOV_BUF_INIT;
	struct sov_buf key = SOV_BUF_INIT, suffix = SOV_BUF_INIT, name_key = SOV_BUF_INIT;
	const struct sov_driver *d;
	size_t i;
	int ret = 0;

	sov_hookinst_shell_quote(exe, &q);
	for (i = 0; !ret && i < COUNT(config_programs); i++) {
		sov_buf_reset(&value);
		sov_buf_addf(&value, "%s%s", q.ptr, config_programs[i].suffix);
		ret = set_config(in, config_programs[i].key, value.ptr);
	}
	for (i = 0; !ret && i < COUNT(config_fixed); i++)
		ret = set_config(in, config_fixed[i].key, config_fixed[i].value);
	for (d = sov_drivers; !ret && d->attr; d++) {
		driver_config(d, &key, &suffix, &name_key);
		sov_buf_reset(&value);
		sov_buf_addf(&value, "%s%s", q.ptr, suffix.ptr);
		ret = set_config(in, key.ptr, value.ptr);
		if (!ret)
			ret = set_config(in, name_key.ptr, d->name);
	}
	sov_buf_release(&q);
	sov_buf_release(&value);
	sov_buf_release(&key);
	sov_buf_release(&suffix);
	sov_buf_release(&name_key);
	return ret;
}

/* sovsync.branch defaults to the branch checked out at install. */
static int install_branch(struct installer *in)
{
	git_reference *head = NULL;
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	const char *target;
	int ret = 0, err;

	if (git_repository_config_snapshot(&cfg, in->repo) < 0)
		return sov_error_git("config");
	err = git_config_get_string_buf(&value, cfg, "sovsync.branch");
	git_buf_dispose(&value);
	git_config_free(cfg);
	if (err == 0)
		return 0;
	if (git_reference_lookup(&head, in->repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    (target = git_reference_symbolic_target(head)) &&
	    !strncmp(target, "refs/heads/", 11))
		ret = set_config(in, "sovsync.branch", target + 11);
	git_reference_free(head);
	return ret;
}

/*
 * `git pull` of diverged histories stops with "Need to specify how to
 * reconcile divergent branches" (Git 2.27 and later) unless pull.rebase or
 * pull.ff is set: no driver runs, and VS Code's Sync button fails on it.
 * Where the user set neither, at any level, pull merges (pull.rebase =
 * false, Git's own hint).  A choice the user made stands: the drivers give
 * the same result under a rebase.
 */
static int install_pull(struct installer *in)
{
	static const char *const keys[] = { "pull.rebase", "pull.ff" };
	git_config *cfg = NULL;
	size_t i;

	if (git_repository_config_snapshot(&cfg, in->repo) < 0)
		return sov_error_git("config");
	for (i = 0; i < COUNT(keys); i++) {
		git_config_entry *e = NULL;

		if (git_config_get_entry(&e, cfg, keys[i]) == 0) {
			git_config_entry_free(e);
			git_config_free(cfg);
			return 0;
		}
	}
	git_error_clear();
	git_config_free(cfg);
	return set_config(in, "pull.rebase", "false");
}

/*
 * The chunk blobs of large files (chunkstore.h) come with every fetch from
 * sovsync.remote: its refspec is added (recorded, for uninstall) when the
 * remote exists; pre-push adds it to any remote pushed to later.
 */
static int install_fetch_refspec(struct installer *in)
{
	struct sov_buf remote = SOV_BUF_INIT, spec = SOV_BUF_INIT;
	json_t *list;
	int ret = sov_ctx_load(&in->ctx, SOV_SET_CORE);

	if (ret >= 0) {
		sov_buf_addstr(&remote, in->ctx.set.remote.ptr);
		ret = sov_chunks_add_refspec(in->repo, remote.ptr);
	}
	if (ret == 1) {
		sov_chunks_refspec(remote.ptr, &spec);
		list = json_object_get(in->record, "fetch_refspecs");
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(in->record, "fetch_refspecs", list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "remote", remote.ptr,
						      "refspec", spec.ptr));
		sov_buf_addf(in->log, "added remote.%s.fetch %s\n", remote.ptr, spec.ptr);
	}
	/* Chunks a clone fetched are kept by its own ref from the start. */
	if (ret >= 0 && sov_chunks_absorb(in->repo) < 0)
		ret = -1;
	sov_buf_release(&remote);
	sov_buf_release(&spec);
	return ret < 0 ? -1 : 0;
}

static int uninstall_fetch_refspecs(struct installer *in)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(in->record, "fetch_refspecs"), i, e) {
		const char *remote = json_string_value(json_object_get(e, "remote"));
		const char *spec = json_string_value(json_object_get(e, "refspec"));
		struct sov_buf key = SOV_BUF_INIT, re = SOV_BUF_INIT;
		const char *p;
		int err;

		if (!remote || !spec)
			continue;
		sov_buf_addf(&key, "remote.%s.fetch", remote);
		sov_buf_addch(&re, '^');
		for (p = spec; *p; p++) {
			if (strchr(".^$*+?()[]{}|\\", *p))
				sov_buf_addch(&re, '\\');
			sov_buf_addch(&re, *p);
		}
		sov_buf_addch(&re, '$');
		err = git_config_delete_multivar(in->local, key.ptr, re.ptr);
		if (err == 0)
			sov_buf_addf(in->log, "removed %s %s\n", key.ptr, spec);
		sov_buf_release(&key);
		sov_buf_release(&re);
		if (err < 0 && err != GIT_ENOTFOUND)
			return sov_error_git("cannot remove %s from remote %s", spec, remote);
		git_error_clear();
	}
	return 0;
}

static int uninstall_config(struct installer *in)
{
	json_t *config = json_object_get(in->record, "config"), *prev;
	const char *key;

	json_object_foreach(config, key, prev) {
		int err;

		if (json_is_string(prev))
			err = git_config_set_string(in->local, key, json_string_value(prev));
		else
			err = git_config_delete_entry(in->local, key);
		if (err < 0 && err != GIT_ENOTFOUND)
			return sov_error_git("cannot restore %s", key);
		sov_buf_addf(in->log, "%s %s\n", json_is_string(prev) ? "restored" : "unset", key);
	}
	return 0;
}

/* ---- .gitattributes ---- */

/* Where `text` has `line` (without its newline) as a whole line, or NULL. */
static const char *find_line(const char *text, const char *line, size_t len)
{
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			return p;
		p++;
	}
	return NULL;
}

/* Write .gitattributes (`path`) with `text`, and say so in the log. */
static int write_attributes(struct installer *in, const struct sov_buf *text, const char *path)
{
	int ret = sov_fs_replace_under(in->workdir, ".gitattributes", text->ptr, text->len, -1,
				       SOV_FS_DURABLE);

	sov_buf_addf(in->log, "updated %s\n", path);
	return ret;
}

/*
 * Whether HEAD's tree has `rel`.  A path HEAD has but the work tree lacks
 * (a clone made with --no-checkout, or a file the user deleted) is left to
 * Git: written here, it would be an untracked file that the checkout
 * refuses to overwrite.  No HEAD (an unborn branch): 0.
 */
static int head_has(struct installer *in, const char *rel)
{
	git_object *tree = NULL;
	git_tree_entry *e = NULL;
	int has;

	if (git_revparse_single(&tree, in->repo, "HEAD^{tree}") < 0) {
		git_error_clear();
		return 0;
	}
	has = git_tree_entry_bypath(&e, (git_tree *)tree, rel) == 0;
	git_error_clear();
	git_tree_entry_free(e);
	git_object_free(tree);
	return has;
}

static int install_attributes(struct installer *in)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, want = SOV_BUF_INIT;
	json_t *attrs = record_object(in, "attributes"), *added;
	size_t orig_len;
	char *line, *nl;
	int ret = -1, existed;

	sov_buf_addf(&path, "%s.gitattributes", in->workdir);
	/* Never through a link: its target would be copied into the repository. */
	if ((existed = sov_fs_read_under(in->workdir, ".gitattributes", &text)) < 0)
		goto out;
	existed = !existed;
	if (!existed && head_has(in, ".gitattributes")) {
		sov_buf_addf(in->log, "left %s to the checkout (HEAD has it)\n", path.ptr);
		ret = 0;
		goto out;
	}
	if (!json_object_get(attrs, "created"))
		json_object_set_new(attrs, "created", json_boolean(!existed));
	added = json_object_get(attrs, "lines");
	if (!json_is_array(added)) {
		added = json_array();
		json_object_set_new(attrs, "lines", added);
	}
	orig_len = text.len;
	/*
	 * The catch-all line goes first in the file (later lines win in
	 * gitattributes), so every line below it, the user's own included,
	 * keeps its driver; the other lines are appended.
	 */
	sov_drivers_first_lines(in->root, &want);
	for (line = want.ptr; (nl = strchr(line, '\n')); line = nl + 1) {
		struct sov_buf first = SOV_BUF_INIT;

		*nl = '\0';
		if (find_line(text.ptr, line, (size_t)(nl - line)))
			continue;
		sov_buf_addf(&first, "%s\n", line);
		sov_buf_add(&first, text.ptr, text.len);
		sov_buf_reset(&text);
		sov_buf_add(&text, first.ptr, first.len);
		sov_buf_release(&first);
		json_array_append_new(added, json_string(line));
	}
	sov_buf_reset(&want);
	sov_drivers_attributes(in->root, &want);
	for (line = want.ptr; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (find_line(text.ptr, line, (size_t)(nl - line)))
			continue;
		if (text.len && text.ptr[text.len - 1] != '\n')
			sov_buf_addch(&text, '\n');
		sov_buf_addf(&text, "%s\n", line);
		json_array_append_new(added, json_string(line));
	}
	ret = 0;
	if (text.len != orig_len)
		ret = write_attributes(in, &text, path.ptr);
out:
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&want);
	return ret;
}

static int uninstall_attributes(struct installer *in)
{
	json_t *attrs = json_object_get(in->record, "attributes"), *line;
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT;
	size_t i, orig_len;
	int ret = 0;

	sov_buf_addf(&path, "%s.gitattributes", in->workdir);
	if (!attrs)
		goto out;
	if ((ret = sov_fs_read_under(in->workdir, ".gitattributes", &text)) != 0) {
		ret = ret < 0 ? -1 : 0;
		goto out;
	}
	orig_len = text.len;
	json_array_foreach(json_object_get(attrs, "lines"), i, line) {
		const char *s = json_string_value(line), *p;
		size_t len = s ? strlen(s) : 0;

		if (s && (p = find_line(text.ptr, s, len)))
			sov_buf_remove(&text, (size_t)(p - text.ptr), len + (p[len] == '\n'));
	}
	if (json_is_true(json_object_get(attrs, "created")) && !text.len) {
		if (sov_os_unlink(path.ptr) < 0)
			ret = sov_error_errno("%s: cannot remove", path.ptr);
		sov_buf_addf(in->log, "removed %s\n", path.ptr);
	} else if (text.len != orig_len) {
		ret = write_attributes(in, &text, path.ptr);
	}
out:
	sov_buf_release(&path);
	sov_buf_release(&text);
	return ret;
}

/* ---- layout, workflow ---- */

/* Write the file `rel` of the work tree, its directories too, never through a link. */
static int write_new_file(struct installer *in, const char *rel, const char *data,
			  size_t len)
{
	return sov_fs_replace_under(in->workdir, rel, data, len, -1,
				    SOV_FS_MKDIRS | SOV_FS_DURABLE);
}

/* The layout file `t` as a path relative to the top of the work tree. */
static void layout_path(struct installer *in, const struct sov_template_file *t,
			struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_buf_addf(out, "%s/%s", in->root, t->path);
}

static int install_layout(struct installer *in)
{
	struct sov_buf rel = SOV_BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < sov_template_nfiles; i++) {
		const struct sov_template_file *t = &sov_template_files[i];
		int exists;

		layout_path(in, t, &rel);
		if ((exists = sov_fs_check_under(in->workdir, rel.ptr, SOV_FS_ANY)) != 0) {
			ret = exists < 0 ? -1 : 0;
			continue;
		}
		if (head_has(in, rel.ptr))
			continue;	/* the checkout writes it */
		ret = write_new_file(in, rel.ptr, t->data, t->len);
		sov_buf_addf(in->log, "created %s%s\n", in->workdir, rel.ptr);
	}
	sov_buf_release(&rel);
	return ret;
}

static int workflow_text(struct installer *in, struct sov_buf *out)
{
	git_config *cfg = NULL;
	git_buf branch = GIT_BUF_INIT, url = GIT_BUF_INIT;

	if (git_repository_config_snapshot(&cfg, in->repo) < 0)
		return sov_error_git("config");
	if (git_config_get_string_buf(&branch, cfg, "sovsync.branch") < 0)
		git_buf_set(&branch, "main", 5);
	sov_buf_addf(out,
		"# Written by 'sovsync install --github-actions' (Auto Sync): on a push to\n"
		"# the sync branch that touches %1$s/, POST to the sovsync webhook with a\n"
		"# bearer token.  Repository secrets: SOVSYNC_WEBHOOK_URL, SOVSYNC_WEBHOOK_TOKEN.\n"
		"name: sovsync auto sync\n"
		"on:\n"
		"  push:\n"
		"    branches: [\"%2$s\"]\n"
		"    paths: [\"%1$s/**\"]\n"
		"jobs:\n"
		"  notify:\n"
		"    runs-on: ubuntu-latest\n"
		"    timeout-minutes: 5\n"
		"    steps:\n"
		"      - name: POST the push to the sovsync webhook\n"
		"        env:\n"
		"          URL: ${{ secrets.SOVSYNC_WEBHOOK_URL }}\n"
		"          TOKEN: ${{ secrets.SOVSYNC_WEBHOOK_TOKEN }}\n"
		"          BEFORE: ${{ github.event.before }}\n"
		"        run: |\n"
		"          body=$(printf '{\"event\":\"push\",\"source\":\"github\",\"repository\":\"%%s\",\"ref\":\"%%s\",\"before\":\"%%s\",\"after\":\"%%s\"}' \\\n"
		"            \"$GITHUB_REPOSITORY\" \"$GITHUB_REF\" \"$BEFORE\" \"$GITHUB_SHA\")\n"
		"          curl --fail --silent --show-error --max-time 30 \\\n"
		"            --retry 5 --retry-delay 5 --retry-all-errors \\\n"
		"            -H \"Authorization: Bearer $TOKEN\" \\\n"
		"            -H \"Content-Type: application/json\" \\\n"
		"            -H \"webhook-id: $GITHUB_SHA\" \\\n"
		"            --data \"$body\" \"$URL\"\n",
		in->root, branch.ptr);
	git_buf_dispose(&branch);
	git_buf_dispose(&url);
	git_config_free(cfg);
	return 0;
}

static int install_workflow(struct installer *in)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, old = SOV_BUF_INIT;
	char hex[SOV_SHA256_HEXLEN + 1];
	int ret = -1, exists;

	sov_buf_addf(&path, "%s" WORKFLOW_PATH, in->workdir);
	if (workflow_text(in, &text) < 0)
		goto out;
	sov_sha256_hex(text.ptr, text.len, hex);
	if ((exists = sov_fs_read_under(in->workdir, WORKFLOW_PATH, &old)) < 0)
		goto out;
	if (!exists) {
		if (old.len == text.len && !memcmp(old.ptr, text.ptr, text.len)) {
			ret = 0;
			goto out;
		}
		if (!json_object_get(in->record, "workflow")) {
			ret = sov_error("%s exists and was not written by sovsync; not replaced",
					path.ptr);
			goto out;
		}
	}
	if (write_new_file(in, WORKFLOW_PATH, text.ptr, text.len) < 0)
		goto out;
	json_object_set_new(in->record, "workflow", json_pack("{s:s, s:s}",
			    "path", WORKFLOW_PATH, "sha256", hex));
	sov_buf_addf(in->log, "wrote %s\n", path.ptr);
	ret = 0;
out:
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&old);
	return ret;
}

static int uninstall_workflow(struct installer *in)
{
	json_t *wf = json_object_get(in->record, "workflow");
	struct sov_buf path = SOV_BUF_INIT, data = SOV_BUF_INIT;
	char hex[SOV_SHA256_HEXLEN + 1];
	const char *want = json_string_value(json_object_get(wf, "sha256"));

	if (!want)
		return 0;
	sov_buf_addf(&path, "%s" WORKFLOW_PATH, in->workdir);
	if (sov_fs_read_under(in->workdir, WORKFLOW_PATH, &data) == 0) {
		sov_sha256_hex(data.ptr, data.len, hex);
		if (!strcmp(hex, want)) {
			sov_os_unlink(path.ptr);
			sov_buf_addf(in->log, "removed %s\n", path.ptr);
			/* The directories go too when nothing else is in them. */
			sov_buf_setlen(&path, (size_t)(strrchr(path.ptr, '/') - path.ptr));
			if (rmdir(path.ptr) == 0) {
				sov_buf_setlen(&path, (size_t)(strrchr(path.ptr, '/') - path.ptr));
				rmdir(path.ptr);
			}
		} else {
			sov_buf_addf(in->log, "kept %s (changed since install)\n", path.ptr);
		}
	}
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&data);
	return 0;
}

/* ---- checks before anything is written ---- */

/* realpath(3) of `path`, or of its parent plus its last name when it is missing. */
static char *real_path_of(const char *path)
{
	struct sov_buf dir = SOV_BUF_INIT;
	char *real = sov_os_realpath(path), *parent;

	if (real)
		return real;
	sov_fs_dirname(path, &dir);
	parent = sov_os_realpath(dir.ptr);
	sov_buf_reset(&dir);
	if (parent)
		sov_buf_addf(&dir, "%s/%s", parent, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	free(parent);
	return dir.len ? sov_buf_detach(&dir, NULL) : NULL;
}

/*
 * Hooks outside the repository's git directory (core.hooksPath naming a
 * global directory, husky's .husky, a path shared by many repositories)
 * would run sovsync wherever that directory is used: only an explicit
 * --hooks-path puts them there.
 */
static int check_hooks_dir(struct installer *in, const char *hooks, int allow_shared)
{
	char *real_hooks = real_path_of(hooks);
	char *real_git = sov_os_realpath(git_repository_commondir(in->repo));
	size_t n = real_git ? strlen(real_git) : 0;
	int inside = real_hooks && real_git && !strncmp(real_hooks, real_git, n) &&
		real_hooks[n] == '/';
	int ret = 0;

	if (!inside && !allow_shared)
		ret = sov_error("%s: core.hooksPath points outside this repository's git "
				"directory, so hooks there may run for other repositories too; "
				"install there with 'sovsync install --hooks-path', or unset "
				"core.hooksPath", hooks);
	free(real_hooks);
	free(real_git);
	return ret;
}

/*
 * Every path install would write or read in the work tree, checked before
 * the first write: a refused install changes nothing.  The root, the
 * layout's directories (a link deeper down, shared/documents -> /tmp/x,
 * counts as much as the root itself), .gitattributes (a link would copy its
 * target into the repository; a directory cannot hold attributes) and the
 * workflow.
 */
static int check_worktree_paths(struct installer *in, int github_actions)
{
	struct sov_buf rel = SOV_BUF_INIT;
	size_t i;
	int ret = 0;

	if (sov_ctx_load(&in->ctx, SOV_SET_ROOT) < 0)
		return -1;
	in->root = in->ctx.set.root.ptr;
	for (i = 0; !ret && i < sov_template_nfiles; i++) {
		layout_path(in, &sov_template_files[i], &rel);
		ret = sov_fs_check_under(in->workdir, rel.ptr, SOV_FS_ANY) < 0 ? -1 : 0;
	}
	if (!ret && sov_fs_check_under(in->workdir, ".gitattributes", SOV_FS_FILE) < 0)
		ret = -1;
	if (!ret && github_actions &&
	    sov_fs_check_under(in->workdir, WORKFLOW_PATH, SOV_FS_FILE) < 0)
		ret = -1;
	sov_buf_release(&rel);
	return ret;
}

/* ---- the commands ---- */

/*
 * A clone made before the filter was configured holds its large files in
 * their stored form: give them their real content now that the filter is
 * set up (storedform.h), as `git lfs install` does with its checkout.
 */
static int checkout_real(struct installer *in)
{
	struct sov_buf fixed = SOV_BUF_INIT;
	const char *line, *eol;
	int ret = sov_storedform_checkout_real(in->repo, &fixed);

	for (line = fixed.ptr; (eol = strchr(line, '\n')); line = eol + 1)
		sov_buf_addf(in->log, "checked out %.*s in its real form\n",
			     (int)(eol - line), line);
	sov_buf_release(&fixed);
	return ret;
}

int sov_install(const struct sov_install_opts *opts, struct sov_buf *log)
{
	struct installer in;
	struct sov_buf hooks = SOV_BUF_INIT;
	int ret = -1;

	if (installer_open(&in, opts->repo_dir, log) < 0 ||
	    sov_hookinst_dir(in.workdir, &hooks) < 0 ||
	    check_hooks_dir(&in, hooks.ptr, opts->hooks_path) < 0 ||
	    check_worktree_paths(&in, opts->github_actions) < 0 || record_load(&in, 0) < 0)
		goto out;
	/*
	 * Every hooks directory sovsync wrote to: core.hooksPath may change
	 * between two installs, and uninstall must clean both.
	 */
	{
		json_t *dirs = json_object_get(in.record, "hooks_dirs"), *d;
		size_t i;
		int known = 0;

		if (!json_is_array(dirs)) {
			dirs = json_array();
			json_object_set_new(in.record, "hooks_dirs", dirs);
		}
		json_array_foreach(dirs, i, d)
			known |= json_is_string(d) && !strcmp(json_string_value(d), hooks.ptr);
		if (!known)
			json_array_append_new(dirs, json_string(hooks.ptr));
	}
	if (install_config(&in, opts->exe) < 0 || install_branch(&in) < 0 ||
	    install_pull(&in) < 0 || install_fetch_refspec(&in) < 0 ||
	    install_attributes(&in) < 0 || install_layout(&in) < 0 ||
	    sov_hookinst_install(hooks.ptr, opts->exe, log) < 0 ||
	    (opts->github_actions && install_workflow(&in) < 0) ||
	    checkout_real(&in) < 0)
		goto save;
	ret = 0;
save:
	/*
	 * Record what was done even after a partial failure, for uninstall.
	 * After a failure, report the first one: the record's own failure
	 * (the same full disk, say) would replace its message.
	 */
	if (ret < 0) {
		struct sov_buf first = SOV_BUF_INIT;

		sov_buf_addstr(&first, sov_error_last());
		if (record_save(&in) < 0)
			sov_warn("%s", sov_error_last());
		sov_error("%s", first.ptr);
		sov_buf_release(&first);
	} else if (record_save(&in) < 0) {
		ret = -1;
	}
out:
	sov_buf_release(&hooks);
	installer_close(&in);
	return ret;
}

int sov_install_is_installed(git_repository *repo)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret;

	/* Not sov_repo_state_path(): that creates the directory. */
	sov_buf_addstr(&path, git_repository_commondir(repo));
	if (path.len && path.ptr[path.len - 1] != '/')
		sov_buf_addch(&path, '/');
	sov_buf_addstr(&path, "sovsync/install.json");
	ret = sov_fs_exists(path.ptr);
	sov_buf_release(&path);
	return ret;
}

int sov_uninstall(const char *repo_dir, struct sov_buf *log)
{
	struct installer in;
	struct sov_buf path = SOV_BUF_INIT;
	json_t *dir;
	size_t i;
	int ret = -1;

	if (installer_open(&in, repo_dir, log) < 0 || record_load(&in, 1) < 0)
		goto out;
	json_array_foreach(json_object_get(in.record, "hooks_dirs"), i, dir)
		if (json_is_string(dir) &&
		    sov_hookinst_uninstall(json_string_value(dir), log) < 0)
			goto out;
	if (uninstall_config(&in) < 0 || uninstall_fetch_refspecs(&in) < 0 ||
	    uninstall_attributes(&in) < 0 ||
	    uninstall_workflow(&in) < 0 || record_path(&in, &path) < 0)
		goto out;
	if (sov_os_unlink(path.ptr) < 0) {
		sov_error_errno("%s: cannot remove", path.ptr);
		goto out;
	}
	ret = 0;
out:
	sov_buf_release(&path);
	installer_close(&in);
	return ret;
}

static void check_value(git_config *cfg, const char *key, const char *want,
			int is_suffix, struct sov_buf *problems)
{
	git_buf have = GIT_BUF_INIT;
	size_t hl, wl = strlen(want);

	if (git_config_get_string_buf(&have, cfg, key) < 0) {
		git_error_clear();
		sov_buf_addf(problems, "%s: not set\n", key);
		return;
	}
	hl = strlen(have.ptr);
	if (is_suffix ? hl <= wl || strcmp(have.ptr + hl - wl, want) != 0 : strcmp(have.ptr, want) != 0)
		sov_buf_addf(problems, "%s is '%s'; sovsync install writes '%s%s'\n",
			     key, have.ptr, is_suffix ? "<sovsync>" : "", want);
	git_buf_dispose(&have);
}

int sov_install_check_config(git_repository *repo, struct sov_buf *problems)
{
	struct sov_buf key = SOV_BUF_INIT, suffix = SOV_BUF_INIT, name_key = SOV_BUF_INIT;
	const struct sov_driver *d;
	git_config *cfg = NULL;
	size_t i, start = problems->len;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return sov_error_git("%s: cannot read the config", git_repository_path(repo));
	for (i = 0; i < COUNT(config_programs); i++)
		check_value(cfg, config_programs[i].key, config_programs[i].suffix, 1, problems);
	for (i = 0; i < COUNT(config_fixed); i++)
		check_value(cfg, config_fixed[i].key, config_fixed[i].value, 0, problems);
	for (d = sov_drivers; d->attr; d++) {
		driver_config(d, &key, &suffix, &name_key);
		check_value(cfg, key.ptr, suffix.ptr, 1, problems);
		check_value(cfg, name_key.ptr, d->name, 0, problems);
	}
	sov_buf_release(&key);
	sov_buf_release(&suffix);
	sov_buf_release(&name_key);
	git_config_free(cfg);
	return problems->len == start;
}

/*
 * The directory `git clone <url>` makes without one given (Git's own
 * guess): the last path component, without a trailing "/", "/.git" or
 * ".git".
 */
static void clone_dir_name(const char *url, struct sov_buf *out)
{
	struct sov_buf u = SOV_BUF_INIT;
	const char *base;

	sov_buf_addstr(&u, url);
	while (u.len > 1 && u.ptr[u.len - 1] == '/')
		sov_buf_setlen(&u, u.len - 1);
	if (u.len > 5 && !strcmp(u.ptr + u.len - 5, "/.git"))
		sov_buf_setlen(&u, u.len - 5);
	if (u.len > 4 && !strcmp(u.ptr + u.len - 4, ".git"))
		sov_buf_setlen(&u, u.len - 4);
	base = strrchr(u.ptr, '/');
	if (!base)
		base = strrchr(u.ptr, ':');
	sov_buf_addstr(out, base ? base + 1 : u.ptr);
	sov_buf_release(&u);
}

int sov_install_clone(const char *url, const char *dir, const struct sov_install_opts *opts,
		      struct sov_buf *log)
{
	struct sov_buf name = SOV_BUF_INIT, quoted = SOV_BUF_INIT, process = SOV_BUF_INIT;
	struct sov_buf fetch = SOV_BUF_INIT;
	struct sov_argv args = SOV_ARGV_INIT;
	struct sov_install_opts in = *opts;
	int ret = -1;

	if (!dir) {
		clone_dir_name(url, &name);
		if (!name.len) {
			sov_error("%s: cannot tell a directory name from it; give one", url);
			goto out;
		}
		dir = name.ptr;
	}
	/*
	 * The filter is set in the new repository before Git checks anything
	 * out (`clone -c`), so the stored form never reaches the work tree.
	 */
	sov_hookinst_shell_quote(opts->exe, &quoted);
	sov_buf_addf(&process, "filter.sovsync.process=%s filter-process", quoted.ptr);
	/* And the chunks of large files arrive with the first fetch (chunkstore.h). */
	sov_buf_addstr(&fetch, "remote.origin.fetch=");
	sov_chunks_refspec("origin", &fetch);
	sov_argv_pushl(&args, "git", "clone", "-c", process.ptr, "-c",
		       "filter.sovsync.required=true", "-c", fetch.ptr, "--", url, dir, NULL);
	if (sov_run_git_argv(NULL, NULL, NULL, args.v) < 0)
		goto out;
	sov_buf_addf(log, "cloned %s into %s\n", url, dir);
	/* Install sets them again, recorded as its own for uninstall. */
	if (sov_run_git(NULL, dir, "config", "--unset", "filter.sovsync.process", NULL) < 0 ||
	    sov_run_git(NULL, dir, "config", "--unset", "filter.sovsync.required", NULL) < 0)
		goto out;
	in.repo_dir = dir;
	ret = sov_install(&in, log);
out:
	sov_argv_release(&args);
	sov_buf_release(&name);
	sov_buf_release(&quoted);
	sov_buf_release(&process);
	sov_buf_release(&fetch);
	return ret;
}
