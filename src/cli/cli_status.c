/*
 * cli_status.c - `sovsync status [--json]`: branch, sync state, health.
 */
#include "cli.h"
#include "error.h"
#include "hookinst.h"
#include "hookrun.h"
#include "install.h"
#include "json.h"
#include "metrics.h"
#include "onpull.h"
#include "outbox.h"
#include "repo.h"
#include "syncstop.h"
#include "timestamp.h"

#include <stdio.h>
#include <string.h>

static json_t *webhook_queue(git_repository *repo)
{
	size_t pending = 0, failed = 0;

	if (sov_outbox_count(repo, &pending, &failed) < 0)
		sov_error_clear();	/* no queue is an empty queue here */
	return json_pack("{s:I, s:I}", "pending", (json_int_t)pending,
			 "failed", (json_int_t)failed);
}

/* Add each path of `list` (a libgit2 status list) to the set `paths`. */
static void add_status_paths(git_status_list *list, json_t *paths)
{
	size_t i, n = git_status_list_entrycount(list);

	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir :
					  e->head_to_index;

		if (d)
			json_object_set_new(paths, d->new_file.path ? d->new_file.path :
					    d->old_file.path, json_true());
	}
}

/*
 * The files under the root that differ between what the remote has and
 * HEAD: the tree of the merge base of HEAD and <remote>/<branch> (of
 * nothing, when the remote branch is unknown) against HEAD's.  Each is
 * added to `paths`; returns their number, or -1.
 */
static json_int_t unpushed_paths(git_repository *repo, const char *root, const char *tracking,
				 json_t *paths)
{
	git_diff_options o;
	git_oid head, theirs, base;
	git_commit *head_c = NULL, *base_c = NULL;
	git_tree *head_t = NULL, *base_t = NULL;
	git_diff *diff = NULL;
	char *spec[1];
	json_int_t n = -1;
	size_t i;

	if (git_reference_name_to_id(&head, repo, "HEAD") < 0) {
		git_error_clear();
		return 0;	/* nothing committed */
	}
	if (git_commit_lookup(&head_c, repo, &head) < 0 || git_commit_tree(&head_t, head_c) < 0)
		goto out;
	if (git_reference_name_to_id(&theirs, repo, tracking) == 0) {
		if (git_merge_base(&base, repo, &head, &theirs) == 0 &&
		    (git_commit_lookup(&base_c, repo, &base) < 0 ||
		     git_commit_tree(&base_t, base_c) < 0))
			goto out;
	}
	git_error_clear();
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	spec[0] = (char *)root;
	o.pathspec.strings = spec;
	o.pathspec.count = 1;
	if (git_diff_tree_to_tree(&diff, repo, base_t, head_t, &o) < 0)
		goto out;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		json_object_set_new(paths, d->new_file.path ? d->new_file.path :
				    d->old_file.path, json_true());
	}
	n = (json_int_t)git_diff_num_deltas(diff);
out:
	git_error_clear();
	git_diff_free(diff);
	git_tree_free(head_t);
	git_tree_free(base_t);
	git_commit_free(head_c);
	git_commit_free(base_c);
	return n;
}

/*
 * Changes under the root not yet on the remote: "pendingChanges" counts
 * the files that are uncommitted (staged, unstaged, untracked) or
 * committed and not pushed, each once; "pending" has the two parts and
 * the commits ahead of <remote>/<branch>.
 */
static void pending_changes(git_repository *repo, const char *root, json_t *st)
{
	git_status_options o;
	git_status_list *list = NULL;
	struct sov_buf tracking = SOV_BUF_INIT;
	json_t *paths = json_object();
	json_int_t uncommitted = -1, unpushed;
	char *spec[1];

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	spec[0] = (char *)root;
	o.pathspec.strings = spec;
	o.pathspec.count = 1;
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&list, repo, &o) == 0) {
		uncommitted = (json_int_t)git_status_list_entrycount(list);
		add_status_paths(list, paths);
	}
	git_error_clear();
	sov_buf_addf(&tracking, "refs/remotes/%s/%s",
		     json_string_value(json_object_get(st, "remote")),
		     json_string_value(json_object_get(st, "syncBranch")));
	unpushed = unpushed_paths(repo, root, tracking.ptr, paths);
	json_object_set_new(st, "pendingChanges",
			    json_integer(uncommitted < 0 || unpushed < 0 ? -1 :
					 (json_int_t)json_object_size(paths)));
	json_object_set_new(st, "pending", json_pack("{s:I, s:I, s:O}",
			    "uncommitted", uncommitted, "unpushed", unpushed,
			    "unpushedCommits", json_is_integer(json_object_get(st, "ahead")) ?
			    json_object_get(st, "ahead") : json_null()));
	git_status_list_free(list);
	json_decref(paths);
	sov_buf_release(&tracking);
}

static json_t *pending_conflicts(const char *queue)
{
	json_t *doc = NULL, *out = json_array(), *item;
	size_t i;

	if (sov_json_load_file(&doc, queue) == 0) {
		json_array_foreach(json_object_get(doc, "conflicts"), i, item)
			if (json_is_string(json_object_get(item, "path")))
				json_array_append(out, json_object_get(item, "path"));
	}
	sov_error_clear();
	json_decref(doc);
	return out;
}

/* Branch, sync branch, ahead/behind <remote>/<branch>. */
static void branch_info(struct sov_hookrun *h, json_t *st)
{
	struct sov_buf remote = SOV_BUF_INIT, branch = SOV_BUF_INIT, ref = SOV_BUF_INIT;
	git_reference *head = NULL;
	git_oid local, upstream;
	size_t ahead, behind;

	if (git_repository_head(&head, h->repo) == 0 && git_reference_is_branch(head))
		json_object_set_new(st, "branch", json_string(git_reference_shorthand(head)));
	else
		json_object_set_new(st, "branch", json_null());
	sov_buf_addstr(&remote, h->ctx->set.remote.ptr);
	sov_buf_addstr(&branch, h->ctx->set.branch.len ? h->ctx->set.branch.ptr :
		       head && git_reference_is_branch(head) ?
		       git_reference_shorthand(head) : "main");
	sov_buf_addf(&ref, "refs/remotes/%s/%s", remote.ptr, branch.ptr);
	json_object_set_new(st, "syncBranch", json_string(branch.ptr));
	json_object_set_new(st, "remote", json_string(remote.ptr));
	if (head && git_reference_name_to_id(&upstream, h->repo, ref.ptr) == 0 &&
	    git_reference_name_to_id(&local, h->repo, "HEAD") == 0 &&
	    git_graph_ahead_behind(&ahead, &behind, h->repo, &local, &upstream) == 0) {
		json_object_set_new(st, "upstream", json_string(ref.ptr + 13));
		json_object_set_new(st, "ahead", json_integer((json_int_t)ahead));
		json_object_set_new(st, "behind", json_integer((json_int_t)behind));
	} else {
		json_object_set_new(st, "upstream", json_null());
		json_object_set_new(st, "ahead", json_null());
		json_object_set_new(st, "behind", json_null());
	}
	sov_error_clear();
	git_reference_free(head);
	sov_buf_release(&remote);
	sov_buf_release(&branch);
	sov_buf_release(&ref);
}

/*
 * The newest entry of `ref`'s reflog whose message starts with one of
 * `prefixes`, as an ISO-8601 string, or NULL.  This clone's own record of
 * its pushes ("update by push") and pulls ("fetch", "pull").
 */
static json_t *reflog_time(git_repository *repo, const char *ref,
			   const char *const *prefixes)
{
	git_reflog *log = NULL;
	json_t *out = NULL;
	size_t i, n;

	if (git_reflog_read(&log, repo, ref) < 0) {
		sov_error_clear();
		return NULL;
	}
	n = git_reflog_entrycount(log);
	for (i = 0; i < n && !out; i++) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);
		const char *msg = git_reflog_entry_message(e);
		const char *const *p;

		for (p = prefixes; msg && *p && !out; p++) {
			if (!strncmp(msg, *p, strlen(*p))) {
				struct sov_buf when = SOV_BUF_INIT;

				sov_time_format((int64_t)git_reflog_entry_committer(e)->when.time *
						1000000, &when);
				out = json_string(when.ptr);
				sov_buf_release(&when);
			}
		}
	}
	git_reflog_free(log);
	return out;
}

/*
 * last_sync of the committed state.json; where it says nothing, this
 * clone's reflog of the remote-tracking branch tells when it last pushed
 * and pulled.
 */
static json_t *last_sync(struct sov_hookrun *h, json_t *st)
{
	static const char *const pushed[] = { "update by push", NULL };
	static const char *const pulled[] = { "fetch", "pull", NULL };
	struct sov_buf spec = SOV_BUF_INIT, ref = SOV_BUF_INIT;
	git_object *obj = NULL;
	json_t *state = NULL, *ls, *out, *v;
	const char *remote, *branch;

	sov_buf_addf(&spec, "HEAD:%s/state.json", h->ctx->set.root.ptr);
	if (git_revparse_single(&obj, h->repo, spec.ptr) == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB)
		sov_json_load(&state, git_blob_rawcontent((git_blob *)obj),
			      (size_t)git_blob_rawsize((git_blob *)obj), spec.ptr);
	sov_error_clear();
	ls = json_object_get(state, "last_sync");
	out = json_pack("{s:O?, s:O?}",
			"localToRemote", json_object_get(ls, "local_to_remote"),
			"remoteToLocal", json_object_get(ls, "remote_to_local"));
	remote = json_string_value(json_object_get(st, "remote"));
	branch = json_string_value(json_object_get(st, "syncBranch"));
	sov_buf_addf(&ref, "refs/remotes/%s/%s", remote ? remote : "origin",
		     branch ? branch : "main");
	if (json_is_null(json_object_get(out, "localToRemote")) &&
	    (v = reflog_time(h->repo, ref.ptr, pushed)))
		json_object_set_new(out, "localToRemote", v);
	if (json_is_null(json_object_get(out, "remoteToLocal")) &&
	    (v = reflog_time(h->repo, ref.ptr, pulled)))
		json_object_set_new(out, "remoteToLocal", v);
	json_decref(state);
	git_object_free(obj);
	sov_buf_release(&spec);
	sov_buf_release(&ref);
	return out;
}

/* A JSON array of the lines of `text`. */
static json_t *lines_json(const char *text)
{
	json_t *list = json_array();
	const char *line, *eol;

	for (line = text; (eol = strchr(line, '\n')); line = eol + 1)
		json_array_append_new(list, json_stringn(line, (size_t)(eol - line)));
	return list;
}

/* Health is at best "degraded" when `ok` is false. */
static void degrade(json_t *health, int ok)
{
	if (!ok && !strcmp(json_string_value(json_object_get(health, "status")), "healthy"))
		json_object_set_new(health, "status", json_string("degraded"));
}

/*
 * Whether the hooks Git runs are sovsync's (hookinst.h): {"active", "dir",
 * "problems"}.  Bypassed hooks leave every commit's manifest stale, so
 * health is not "healthy" then.
 */
static json_t *hooks_json(struct sov_hookrun *h, json_t *health)
{
	struct sov_buf dir = SOV_BUF_INIT, problems = SOV_BUF_INIT;
	const char *wd = git_repository_workdir(h->repo);
	json_t *out;
	int installed = h->is_installed;
	int active = wd ? sov_hookinst_check(wd, &dir, &problems) : 1;

	if (active < 0) {
		sov_buf_addf(&problems, "%s\n", sov_error_last());
		sov_error_clear();
		active = 0;
	}
	out = json_pack("{s:b, s:b, s:s?, s:o}", "installed", installed, "active", active,
			"dir", dir.len ? dir.ptr : NULL, "problems", lines_json(problems.ptr));
	/* Never installed: nothing was bypassed (the sync commits without a manifest). */
	degrade(health, !installed || active);
	sov_buf_release(&dir);
	sov_buf_release(&problems);
	return out;
}

/*
 * Whether the filter and driver config is what this sovsync installs
 * (install.h): {"current", "problems"}.  An install by an older version
 * runs old driver commands (or none) until `sovsync install` is run again.
 */
static json_t *config_json(struct sov_hookrun *h, json_t *health)
{
	struct sov_buf problems = SOV_BUF_INIT;
	int current = 1;
	json_t *out;

	if (h->is_installed) {
		current = sov_install_check_config(h->repo, &problems);
		if (current < 0) {
			sov_buf_addf(&problems, "%s\n", sov_error_last());
			sov_error_clear();
			current = 0;
		}
	}
	out = json_pack("{s:b, s:o}", "current", current, "problems", lines_json(problems.ptr));
	degrade(health, current);
	sov_buf_release(&problems);
	return out;
}

/*
 * Why the sync stands still (syncstop.h), or null.  Nothing is merged or
 * pushed meanwhile, so health is not "healthy" then.
 */
static json_t *sync_stopped(struct sov_hookrun *h, json_t *health)
{
	json_t *stop = NULL;

	if (sov_syncstop_load(h->repo, &stop) < 0)
		sov_error_clear();
	degrade(health, !stop);
	return stop ? stop : json_null();
}

/*
 * sovsync.onPull and its last run (onpull.h).  A failed run left the local
 * stack behind what was pulled: health is at best "degraded" then.
 */
static json_t *on_pull(struct sov_hookrun *h, json_t *health)
{
	int failed;
	json_t *out = sov_onpull_status(h->ctx, &failed);

	degrade(health, !failed);
	return out;
}

static json_t *status_json(struct sov_hookrun *h)
{
	struct sov_metrics m = SOV_METRICS_INIT;
	json_t *st = json_object(), *metrics, *v;
	const char *key;

	branch_info(h, st);
	json_object_set_new(st, "root", json_string(h->ctx->set.root.ptr));
	json_object_set_new(st, "lastSync", last_sync(h, st));
	json_object_set_new(st, "pendingConflicts", pending_conflicts(h->conflicts.ptr));
	json_object_set_new(st, "webhookQueue", webhook_queue(h->repo));
	if (sov_metrics_load(h->repo, &m) < 0) {
		json_object_set_new(st, "metricsError", json_string(sov_error_last()));
		sov_error_clear();
	}
	metrics = sov_metrics_to_json(&m);
	json_object_foreach(metrics, key, v)
		json_object_set(st, key, v);
	pending_changes(h->repo, h->ctx->set.root.ptr, st);
	json_object_set_new(st, "syncStopped", sync_stopped(h, json_object_get(st, "health")));
	json_object_set_new(st, "onPull", on_pull(h, json_object_get(st, "health")));
	json_object_set_new(st, "hooks", hooks_json(h, json_object_get(st, "health")));
	json_object_set_new(st, "config", config_json(h, json_object_get(st, "health")));
	sov_error_clear();
	json_decref(metrics);
	sov_metrics_release(&m);
	return st;
}

static const char *str_or(json_t *v, const char *def)
{
	return json_is_string(v) ? json_string_value(v) : def;
}

static void print_human(json_t *st)
{
	json_t *health = json_object_get(st, "health"), *q = json_object_get(st, "webhookQueue");
	json_t *hooks = json_object_get(st, "hooks"), *config = json_object_get(st, "config");
	json_t *conflicts = json_object_get(st, "pendingConflicts"), *c;
	json_t *pending = json_object_get(st, "pending"), *stop = json_object_get(st, "syncStopped");
	json_t *onpull = json_object_get(st, "onPull"), *last = json_object_get(onpull, "last");
	size_t i;

	printf("branch:              %s (sync branch %s)\n",
	       str_or(json_object_get(st, "branch"), "(detached)"),
	       str_or(json_object_get(st, "syncBranch"), "?"));
	if (json_is_string(json_object_get(st, "upstream")))
		printf("upstream:            %s, ahead %" SOV_JSON_INT_FMT ", behind %"
		       SOV_JSON_INT_FMT "\n", str_or(json_object_get(st, "upstream"), ""),
		       json_integer_value(json_object_get(st, "ahead")),
		       json_integer_value(json_object_get(st, "behind")));
	else
		printf("upstream:            none (%s/%s not fetched)\n",
		       str_or(json_object_get(st, "remote"), "origin"),
		       str_or(json_object_get(st, "syncBranch"), "?"));
	printf("last push:           %s\n", str_or(json_object_get(json_object_get(st,
	       "lastSync"), "localToRemote"), "never"));
	printf("last pull:           %s\n", str_or(json_object_get(json_object_get(st,
	       "lastSync"), "remoteToLocal"), "never"));
	printf("pending changes:     %" SOV_JSON_INT_FMT " under %s/ not on the remote yet "
	       "(%" SOV_JSON_INT_FMT " uncommitted, %" SOV_JSON_INT_FMT
	       " committed, not pushed)\n",
	       json_integer_value(json_object_get(st, "pendingChanges")),
	       str_or(json_object_get(st, "root"), "shared"),
	       json_integer_value(json_object_get(pending, "uncommitted")),
	       json_integer_value(json_object_get(pending, "unpushed")));
	if (json_is_object(stop)) {
		printf("SYNC STOPPED:        %s\n",
		       str_or(json_object_get(stop, "message"), "?"));
		printf("next step:           %s\n",
		       str_or(json_object_get(stop, "nextStep"), "?"));
	}
	printf("pending conflicts:   %zu\n", json_array_size(conflicts));
	json_array_foreach(conflicts, i, c)
		printf("                     %s\n", json_string_value(c));
	printf("webhook queue:       %" SOV_JSON_INT_FMT " pending, %" SOV_JSON_INT_FMT
	       " failed\n", json_integer_value(json_object_get(q, "pending")),
	       json_integer_value(json_object_get(q, "failed")));
	if (json_is_true(json_object_get(hooks, "active"))) {
		printf("hooks:               active (%s)\n",
		       str_or(json_object_get(hooks, "dir"), "?"));
	} else if (!json_is_true(json_object_get(hooks, "installed"))) {
		printf("hooks:               none (sovsync is not installed here)\n");
	} else {
		printf("hooks:               BYPASSED: commits get no manifest; run "
		       "'sovsync install'\n");
		json_array_foreach(json_object_get(hooks, "problems"), i, c)
			printf("                     %s\n", json_string_value(c));
	}
	if (!json_is_true(json_object_get(config, "current"))) {
		printf("config:              OUTDATED: drivers of an older install; run "
		       "'sovsync install'\n");
		json_array_foreach(json_object_get(config, "problems"), i, c)
			printf("                     %s\n", json_string_value(c));
	}
	if (json_is_string(json_object_get(onpull, "command")) || json_is_object(last)) {
		printf("onPull:              %s\n",
		       str_or(json_object_get(onpull, "command"), "(not set)"));
		if (json_is_true(json_object_get(last, "ok")))
			printf("                     last run %s ok (%s)\n",
			       str_or(json_object_get(last, "ranAt"), "?"),
			       str_or(json_object_get(last, "trigger"), "?"));
		else if (json_is_object(last))
			printf("                     last run %s FAILED: %s\n",
			       str_or(json_object_get(last, "ranAt"), "?"),
			       str_or(json_object_get(last, "error"), "?"));
	}
	printf("health:              %s", str_or(json_object_get(health, "status"), "?"));
	if (json_is_true(json_object_get(hooks, "installed")) &&
	    !json_is_true(json_object_get(hooks, "active")))
		printf(" (hooks bypassed)");
	if (json_is_object(stop))
		printf(" (sync stopped: %s)", str_or(json_object_get(stop, "reason"), "?"));
	if (json_is_object(last) && !json_is_true(json_object_get(last, "ok")))
		printf(" (onPull failed)");
	if (json_is_string(json_object_get(health, "lastError")))
		printf(" (%" SOV_JSON_INT_FMT " consecutive failures; last error: %s)",
		       json_integer_value(json_object_get(health, "consecutiveFailures")),
		       json_string_value(json_object_get(health, "lastError")));
	printf("\n");
	printf("totalSyncs:          %" SOV_JSON_INT_FMT "\n",
	       json_integer_value(json_object_get(st, "totalSyncs")));
	printf("successfulSyncs:     %" SOV_JSON_INT_FMT "\n",
	       json_integer_value(json_object_get(st, "successfulSyncs")));
	printf("  changedSyncs:      %" SOV_JSON_INT_FMT " (moved data)\n",
	       json_integer_value(json_object_get(st, "changedSyncs")));
	printf("  idleSyncs:         %" SOV_JSON_INT_FMT " (found nothing to do)\n",
	       json_integer_value(json_object_get(st, "idleSyncs")));
	printf("failedSyncs:         %" SOV_JSON_INT_FMT "\n",
	       json_integer_value(json_object_get(st, "failedSyncs")));
	printf("averageSyncDuration: %.1f ms\n",
	       json_number_value(json_object_get(st, "averageSyncDuration")));
	printf("lastSyncTimestamp:   %s\n",
	       str_or(json_object_get(st, "lastSyncTimestamp"), "never"));
	printf("pendingChanges:      %" SOV_JSON_INT_FMT "\n",
	       json_integer_value(json_object_get(st, "pendingChanges")));
	printf("conflictsResolved:   %" SOV_JSON_INT_FMT "\n",
	       json_integer_value(json_object_get(st, "conflictsResolved")));
}

static int cmd_status(int argc, char **argv)
{
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	int as_json = 0, i;
	json_t *st;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else
			return sov_cli_usage_error(&sov_cmd_status, "unknown argument '%s'",
						   argv[i]);
	}
	if (sov_ctx_open(&ctx, NULL, SOV_CTX_REPO) < 0 || sov_hookrun_open(&h, &ctx) < 0) {
		sov_hookrun_release(&h);
		sov_ctx_release(&ctx);
		return sov_cli_fail();
	}
	st = status_json(&h);
	if (as_json) {
		struct sov_buf out = SOV_BUF_INIT;

		sov_json_dump(st, &out);
		fputs(out.ptr, stdout);
		sov_buf_release(&out);
	} else {
		print_human(st);
	}
	json_decref(st);
	sov_hookrun_release(&h);
	sov_ctx_release(&ctx);
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_status = {
	"status", cmd_status,
	"Show the sync state of the repository",
	"sovsync status [--json]",
	"Shows the branch and the sync branch, ahead/behind <sovsync.remote>/\n"
	"<sovsync.branch>, the last sync times (from state.json), the changes\n"
	"under the synced root not on the remote yet (pendingChanges: files\n"
	"uncommitted or committed and not pushed, each counted once), a sync that\n"
	"stands still (stopped on a conflict, a rewritten remote, a killed merge)\n"
	"with the next step to take (health then at best degraded), sovsync.onPull\n"
	"and its last run (failed: degraded), pending\n"
	"document conflicts, the webhook queue, whether the hooks Git runs are sovsync's (deleted, not\n"
	"executable, replaced or bypassed by core.hooksPath: health is then at\n"
	"best degraded), whether the filter and merge driver config is what this\n"
	"sovsync installs (an install by an older version: degraded, run\n"
	"'sovsync install' again), health (healthy/degraded/failing, last error,\n"
	"consecutive failures) and the metrics totalSyncs, successfulSyncs (of\n"
	"them changedSyncs, which moved data, and idleSyncs, which found nothing to\n"
	"do), failedSyncs,\n"
	"averageSyncDuration (ms), lastSyncTimestamp, pendingChanges and\n"
	"conflictsResolved.\n"
	"\n"
	"   --json     print the same as one JSON object\n",
	0,
};

/* For `sovsync ui` (cli_ui.c): the object `status --json` prints. */
json_t *sov_cli_status_json(struct sov_hookrun *h)
{
	return status_json(h);
}
