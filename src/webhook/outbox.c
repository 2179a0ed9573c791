/*
 * outbox.c - the durable queue of webhook events; see outbox.h.
 */
#include "outbox.h"
#include "error.h"
#include "fs.h"
#include "json.h"
#include "repo.h"
#include "timestamp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

#define OUTBOX_FORMAT 1
#define SEQ_DIGITS 20

void sov_outbox_event_release(struct sov_outbox_event *ev)
{
	sov_buf_release(&ev->path);
	sov_buf_release(&ev->id);
	sov_buf_release(&ev->event);
	sov_buf_release(&ev->body);
	sov_buf_release(&ev->last_error);
	ev->seq = 0;
	ev->created_at = ev->next_attempt = ev->attempts = 0;
}

void sov_outbox_list_release(struct sov_outbox_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->nr = list->alloc = 0;
}

int sov_outbox_open(struct sov_outbox *ob, git_repository *repo)
{
	ob->repo = repo;
	if (sov_repo_state_path(repo, "outbox", &ob->dir) < 0)
		return -1;
	sov_buf_reset(&ob->failed_dir);
	sov_buf_addf(&ob->failed_dir, "%s/failed", ob->dir.ptr);
	return sov_fs_mkdirs(ob->failed_dir.ptr, 0700);
}

void sov_outbox_release(struct sov_outbox *ob)
{
	sov_buf_release(&ob->dir);
	sov_buf_release(&ob->failed_dir);
	ob->repo = NULL;
}

/* The largest sequence number among the event files in `dir` (0: none). */
static uint64_t max_seq_in(const char *dir)
{
	const struct sov_os_dirent *de;
	uint64_t max = 0;
	struct sov_os_dir *d = sov_os_opendir(dir);

	if (!d)
		return 0;
	while ((de = sov_os_readdir(d))) {
		uint64_t seq;

		if (de->name[0] < '0' || de->name[0] > '9')
			continue;
		seq = strtoull(de->name, NULL, 10);
		if (seq > max)
			max = seq;
	}
	sov_os_closedir(d);
	return max;
}

/*
 * Take the next sequence number, under the "outbox" lock: one more than
 * both the last one handed out (outbox.seq) and any event file present.
 * outbox.seq is a hint written without fsync, to keep the hook fast: after
 * a crash that loses it, the files themselves still order what is queued.
 * It is still replaced atomically (never truncated in place), so that a
 * full disk or a crash leaves the old number rather than none.
 */
static int next_seq(struct sov_outbox *ob, uint64_t *seq)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT;
	uint64_t last = 0, in_dirs;
	int fd, ret = -1;

	fd = sov_repo_lock(ob->repo, "outbox", 1);
	if (fd < 0)
		return -1;
	if (sov_repo_state_path(ob->repo, "outbox.seq", &path) < 0)
		goto out;
	if (sov_fs_exists(path.ptr) && sov_buf_read_file(&text, path.ptr) == 0)
		last = strtoull(text.ptr, NULL, 10);	/* damaged: 0, the files decide */
	in_dirs = max_seq_in(ob->dir.ptr);
	if (in_dirs > last)
		last = in_dirs;
	in_dirs = max_seq_in(ob->failed_dir.ptr);
	if (in_dirs > last)
		last = in_dirs;
	sov_buf_reset(&text);
	sov_buf_addf(&text, "%" PRIu64 "\n", last + 1);
	if (sov_fs_replace(path.ptr, text.ptr, text.len, 0600) < 0)
		goto out;
	*seq = last + 1;
	ret = 0;
out:
	sov_repo_unlock(fd);
	sov_buf_release(&path);
	sov_buf_release(&text);
	return ret;
}

void sov_outbox_format(const struct sov_outbox_event *ev, struct sov_buf *out)
{
	json_t *obj = json_object();
	struct sov_buf t = SOV_BUF_INIT;

	json_object_set_new(obj, "version", json_integer(OUTBOX_FORMAT));
	json_object_set_new(obj, "seq", json_integer((json_int_t)ev->seq));
	json_object_set_new(obj, "id", json_stringn(ev->id.ptr, ev->id.len));
	json_object_set_new(obj, "event", json_stringn(ev->event.ptr, ev->event.len));
	sov_time_format(ev->created_at, &t);
	json_object_set_new(obj, "created_at", json_string(t.ptr));
	json_object_set_new(obj, "attempts", json_integer(ev->attempts));
	sov_buf_reset(&t);
	sov_time_format(ev->next_attempt, &t);
	json_object_set_new(obj, "next_attempt", json_string(t.ptr));
	json_object_set_new(obj, "last_error", ev->last_error.len ?
			    json_stringn(ev->last_error.ptr, ev->last_error.len) :
			    json_null());
	json_object_set_new(obj, "body", json_stringn(ev->body.ptr, ev->body.len));
	sov_json_dump(obj, out);
	json_decref(obj);
	sov_buf_release(&t);
}

int sov_outbox_save(const struct sov_outbox_event *ev)
{
	struct sov_buf text = SOV_BUF_INIT;
	int ret;

	sov_outbox_format(ev, &text);
	ret = sov_fs_write_atomic(ev->path.ptr, text.ptr, text.len, -1);
	sov_buf_release(&text);
	return ret;
}

int sov_outbox_enqueue(struct sov_outbox *ob, const char *id, const char *event,
		       const char *body, size_t body_len, int64_t now,
		       struct sov_outbox_event *out)
{
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	int ret = -1;

	if (!*id || strchr(id, '/') || id[0] == '.')
		return sov_error("webhook event id '%s' is not a valid file name", id);
	if (next_seq(ob, &ev.seq) < 0)
		goto out;
	sov_buf_addf(&ev.path, "%s/%0*" PRIu64 "-%s.json", ob->dir.ptr, SEQ_DIGITS,
		     ev.seq, id);
	sov_buf_addstr(&ev.id, id);
	sov_buf_addstr(&ev.event, event);
	sov_buf_add(&ev.body, body, body_len);
	ev.created_at = ev.next_attempt = now;
	if (sov_outbox_save(&ev) < 0)
		goto out;
	ret = 0;
	if (out) {
		sov_outbox_event_release(out);
		*out = ev;
		return 0;
	}
out:
	sov_outbox_event_release(&ev);
	return ret;
}

static int is_event_name(const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < SEQ_DIGITS; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return name[SEQ_DIGITS] == '-' && n > SEQ_DIGITS + 6 &&
	       !strcmp(name + n - 5, ".json");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sov_outbox_list(struct sov_outbox *ob, int failed, struct sov_outbox_list *out)
{
	const char *dirname = failed ? ob->failed_dir.ptr : ob->dir.ptr;
	struct sov_buf path = SOV_BUF_INIT;
	const struct sov_os_dirent *de;
	struct sov_os_dir *dir;

	sov_outbox_list_release(out);
	dir = sov_os_opendir(dirname);
	if (!dir)
		return sov_error_errno("%s: cannot read the outbox", dirname);
	while ((de = sov_os_readdir(dir))) {
		if (!is_event_name(de->name))
			continue;
		sov_buf_reset(&path);
		sov_buf_addf(&path, "%s/%s", dirname, de->name);
		SOV_ALLOC_GROW(out->paths, out->nr + 1, out->alloc);
		out->paths[out->nr++] = sov_strdup(path.ptr);
	}
	sov_os_closedir(dir);
	sov_buf_release(&path);
	/* Same directory, fixed-width sequence first: path order is queue order. */
	if (out->nr)
		qsort(out->paths, out->nr, sizeof(*out->paths), cmp_str);
	return 0;
}

static int get_string(json_t *obj, const char *key, int nullable, struct sov_buf *out,
		      const char *path)
{
	json_t *v = json_object_get(obj, key);

	sov_buf_reset(out);
	if (nullable && (!v || json_is_null(v)))
		return 0;
	if (!json_is_string(v))
		return sov_error("%s: \"%s\" is missing or not a string", path, key);
	sov_buf_add(out, json_string_value(v), json_string_length(v));
	return 0;
}

static int get_time(json_t *obj, const char *key, int64_t *out, const char *path)
{
	struct sov_buf again = SOV_BUF_INIT;
	json_t *v = json_object_get(obj, key);
	int64_t check;
	int ok;

	if (!json_is_string(v))
		return sov_error("%s: \"%s\" is missing or not a string", path, key);
	if (sov_time_parse_str(json_string_value(v), out) < 0)
		return sov_error_prefix("%s: \"%s\"", path, key);
	/* Only instants that write back as a readable timestamp (years 0-9999). */
	sov_time_format(*out, &again);
	ok = sov_time_parse_str(again.ptr, &check) == 0 && check == *out;
	sov_buf_release(&again);
	if (!ok)
		return sov_error("%s: \"%s\" is out of range", path, key);
	return 0;
}

int sov_outbox_parse(struct sov_outbox_event *ev, const void *data, size_t len,
		     const char *path)
{
	json_t *obj = NULL, *v;
	int ret = -1;

	sov_outbox_event_release(ev);
	if (sov_json_load(&obj, data, len, path) < 0)
		return -1;
	if (!json_is_object(obj)) {
		sov_error("%s: not a JSON object", path);
		goto out;
	}
	v = json_object_get(obj, "version");
	if (!json_is_integer(v) || json_integer_value(v) > OUTBOX_FORMAT) {
		sov_error("%s: unsupported outbox format version", path);
		goto out;
	}
	v = json_object_get(obj, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		sov_error("%s: \"seq\" is missing or not a positive integer", path);
		goto out;
	}
	ev->seq = (uint64_t)json_integer_value(v);
	v = json_object_get(obj, "attempts");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		sov_error("%s: \"attempts\" is missing or negative", path);
		goto out;
	}
	ev->attempts = json_integer_value(v);
	if (get_string(obj, "id", 0, &ev->id, path) < 0 ||
	    get_string(obj, "event", 0, &ev->event, path) < 0 ||
	    get_string(obj, "body", 0, &ev->body, path) < 0 ||
	    get_string(obj, "last_error", 1, &ev->last_error, path) < 0 ||
	    get_time(obj, "created_at", &ev->created_at, path) < 0 ||
	    get_time(obj, "next_attempt", &ev->next_attempt, path) < 0)
		goto out;
	ret = 0;
out:
	json_decref(obj);
	if (ret < 0)
		sov_outbox_event_release(ev);
	return ret;
}

int sov_outbox_load(const char *path, struct sov_outbox_event *ev)
{
	struct sov_buf data = SOV_BUF_INIT;
	int ret = -1;

	sov_outbox_event_release(ev);
	if (sov_buf_read_file(&data, path) == 0 &&
	    sov_outbox_parse(ev, data.ptr, data.len, path) == 0) {
		sov_buf_addstr(&ev->path, path);
		ret = 0;
	}
	sov_buf_release(&data);
	return ret;
}

int sov_outbox_remove(const struct sov_outbox_event *ev)
{
	if (sov_os_unlink(ev->path.ptr) < 0 && errno != ENOENT)
		return sov_error_errno("%s: cannot remove delivered event", ev->path.ptr);
	return 0;
}

int sov_outbox_sync(struct sov_outbox *ob)
{
	int fd = sov_os_open(ob->dir.ptr, O_RDONLY | O_DIRECTORY, 0);

	if (fd < 0)
		return sov_error_errno("%s: cannot open the outbox", ob->dir.ptr);
	/* Some file systems refuse fsync on a directory: nothing more to do. */
	if (sov_os_fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
		sov_error_errno("%s: fsync failed", ob->dir.ptr);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Move the file at ev->path into `dir` under the same name. */
static int move_to(struct sov_outbox_event *ev, const char *dir)
{
	struct sov_buf dest = SOV_BUF_INIT;
	const char *base = strrchr(ev->path.ptr, '/');

	sov_buf_addf(&dest, "%s/%s", dir, base ? base + 1 : ev->path.ptr);
	if (sov_os_replace(ev->path.ptr, dest.ptr) < 0) {
		sov_error_errno("%s: cannot move to %s", ev->path.ptr, dir);
		sov_buf_release(&dest);
		return -1;
	}
	sov_buf_release(&ev->path);
	ev->path = dest;
	return 0;
}

int sov_outbox_fail(struct sov_outbox *ob, struct sov_outbox_event *ev)
{
	/* Save first: a crash between the two steps leaves it pending, not lost. */
	if (sov_outbox_save(ev) < 0)
		return -1;
	return move_to(ev, ob->failed_dir.ptr);
}

int sov_outbox_set_aside(struct sov_outbox *ob, const char *path)
{
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	int ret;

	sov_buf_addstr(&ev.path, path);
	ret = move_to(&ev, ob->failed_dir.ptr);
	sov_outbox_event_release(&ev);
	return ret;
}

int sov_outbox_requeue(struct sov_outbox *ob, const char *id, int64_t now, size_t *count)
{
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	int ret = -1;
	size_t i;

	*count = 0;
	if (sov_outbox_list(ob, 1, &list) < 0)
		return -1;
	for (i = 0; i < list.nr; i++) {
		if (sov_outbox_load(list.paths[i], &ev) < 0)
			goto out;
		if (id && strcmp(ev.id.ptr, id))
			continue;
		ev.attempts = 0;
		ev.next_attempt = now;
		sov_buf_reset(&ev.last_error);
		if (sov_outbox_save(&ev) < 0 || move_to(&ev, ob->dir.ptr) < 0)
			goto out;
		(*count)++;
	}
	if (id && !*count) {
		sov_error("no failed webhook event with id '%s'", id);
		goto out;
	}
	ret = 0;
out:
	sov_outbox_event_release(&ev);
	sov_outbox_list_release(&list);
	return ret;
}

int sov_outbox_count(git_repository *repo, size_t *pending, size_t *failed)
{
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	int ret = -1;

	if (sov_outbox_open(&ob, repo) < 0 || sov_outbox_list(&ob, 0, &list) < 0)
		goto out;
	*pending = list.nr;
	if (sov_outbox_list(&ob, 1, &list) < 0)
		goto out;
	*failed = list.nr;
	ret = 0;
out:
	sov_outbox_list_release(&list);
	sov_outbox_release(&ob);
	return ret;
}
