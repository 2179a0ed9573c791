/*
 * settings.c - the sovsync.* settings table; see settings.h.
 */
#include "settings.h"
#include "error.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum type { T_ROOT, T_STRING, T_ON_CONFLICT, T_DURATION, T_INT, T_BOOL };

static const char *const type_names[] = {
	[T_ROOT] = "root", [T_STRING] = "string", [T_ON_CONFLICT] = "flag|stop",
	[T_DURATION] = "duration", [T_INT] = "int", [T_BOOL] = "bool",
};

/* Checks beyond the type. */
enum check {
	C_NONE,
	C_POSITIVE,		/* > 0 */
	C_AT_LEAST_1,		/* >= 1 */
	C_ZERO_OR_100MS,	/* 0 stays 0 (no limit), else raised to 100 ms */
	C_MIN_SIZE,		/* 0 .. SOV_SETTINGS_MIN_SIZE_MAX */
};

struct row {
	const char *key;
	const char *old_key;	/* read where key is not set, or NULL */
	enum type type;
	const char *def;	/* in the key's own syntax */
	size_t field;		/* offsetof(struct sov_settings, ...) */
	unsigned group;
	enum check check;
};

#define F(name) offsetof(struct sov_settings, name)

static const struct row rows[] = {
	{ "sovsync.root", NULL, T_ROOT, "shared", F(root), SOV_SET_ROOT, C_NONE },
	{ "sovsync.remote", NULL, T_STRING, "origin", F(remote), SOV_SET_CORE, C_NONE },
	{ "sovsync.branch", NULL, T_STRING, "", F(branch), SOV_SET_CORE, C_NONE },
	{ "sovsync.source", NULL, T_STRING, "local", F(source), SOV_SET_CORE, C_NONE },
	{ "sovsync.documents.onConflict", NULL, T_ON_CONFLICT, "flag", F(on_conflict),
	  SOV_SET_DOC, C_NONE },
	{ "sovsync.sync.lockTimeout", NULL, T_DURATION, "30", F(lock_timeout_ms),
	  SOV_SET_SYNC, C_NONE },
	{ "sovsync.networkTimeout", "sovsync.sync.networkTimeout", T_DURATION, "120",
	  F(network_timeout_ms), SOV_SET_SYNC, C_ZERO_OR_100MS },
	{ "sovsync.watch.debounce", NULL, T_DURATION, "2", F(debounce_ms),
	  SOV_SET_WATCH, C_NONE },
	{ "sovsync.watch.scanInterval", NULL, T_DURATION, "900", F(scan_interval_ms),
	  SOV_SET_WATCH, C_NONE },
	{ "sovsync.watch.pullInterval", NULL, T_DURATION, "60", F(pull_interval_ms),
	  SOV_SET_WATCH, C_NONE },
	{ "sovsync.watch.backoffMax", NULL, T_DURATION, "300", F(backoff_max_ms),
	  SOV_SET_WATCH, C_NONE },
	{ "sovsync.webhook.url", NULL, T_STRING, "", F(webhook_url), SOV_SET_WEBHOOK,
	  C_NONE },
	{ "sovsync.webhook.events", NULL, T_STRING, "commit,merge,push",
	  F(webhook_events), SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.allowInsecure", NULL, T_BOOL, "false",
	  F(webhook_allow_insecure), SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.maxAttempts", NULL, T_INT, "15", F(webhook_max_attempts),
	  SOV_SET_WEBHOOK, C_AT_LEAST_1 },
	{ "sovsync.webhook.timeout", NULL, T_DURATION, "30", F(webhook_timeout_ms),
	  SOV_SET_WEBHOOK, C_POSITIVE },
	{ "sovsync.webhook.connectTimeout", NULL, T_DURATION, "10",
	  F(webhook_connect_timeout_ms), SOV_SET_WEBHOOK, C_POSITIVE },
	{ "sovsync.webhook.retryDelay", "sovsync.webhook.retryDelayMs", T_DURATION, "5",
	  F(webhook_retry_delay_ms), SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.maxRetryDelay", "sovsync.webhook.maxRetryDelayMs", T_DURATION,
	  "10h", F(webhook_max_retry_delay_ms), SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.linger", "sovsync.webhook.lingerMs", T_DURATION, "15m",
	  F(webhook_linger_ms), SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.tokenFile", NULL, T_STRING, "", F(webhook_token_file),
	  SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.webhook.secretFile", NULL, T_STRING, "", F(webhook_secret_file),
	  SOV_SET_WEBHOOK, C_NONE },
	{ "sovsync.onPull", NULL, T_STRING, "", F(on_pull), SOV_SET_ONPULL, C_NONE },
	{ "sovsync.onPullTimeout", NULL, T_DURATION, "60", F(on_pull_timeout_ms),
	  SOV_SET_ONPULL, C_NONE },
	{ "sovsync.filter.minSize", NULL, T_INT, "1048576", F(filter_min_size),
	  SOV_SET_FILTER, C_MIN_SIZE },
	{ "sovsync.maxObjectSize", NULL, T_INT, "99614720", F(max_object_size),
	  SOV_SET_FILTER, C_POSITIVE },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

int sov_duration_parse(const char *text, int64_t unit_ms, int64_t *ms)
{
	char *end;
	double v, unit = (double)unit_ms;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || errno || v < 0 || !isfinite(v))
		return sov_error("'%s': not a duration (e.g. 2, 1.5s, 500ms, 15m)", text);
	if (!strcmp(end, "ms"))
		unit = 1.0;
	else if (!strcmp(end, "s"))
		unit = 1000.0;
	else if (!strcmp(end, "m"))
		unit = 60000.0;
	else if (!strcmp(end, "h"))
		unit = 3600000.0;
	else if (*end)
		return sov_error("'%s': unknown unit '%s' (ms, s, m or h)", text, end);
	if (v * unit > 1e15)
		return sov_error("'%s': duration too long", text);
	*ms = (int64_t)(v * unit + 0.5);
	return 0;
}

/* The older key's unit: integer milliseconds when its name says so. */
static int64_t old_unit_ms(const char *old_key)
{
	size_t n = strlen(old_key);

	return n > 2 && !strcmp(old_key + n - 2, "Ms") ? 1 : 1000;
}

static int parse_on_conflict(const char *text, enum sov_on_conflict *out)
{
	if (!strcmp(text, "flag"))
		*out = SOV_ON_CONFLICT_FLAG;
	else if (!strcmp(text, "stop"))
		*out = SOV_ON_CONFLICT_STOP;
	else
		return sov_error("'%s' is not 'flag' or 'stop'", text);
	return 0;
}

static int check_value(const struct row *r, int64_t *v)
{
	switch (r->check) {
	case C_POSITIVE:
		if (*v <= 0)
			return sov_error("must be more than 0");
		break;
	case C_AT_LEAST_1:
		if (*v < 1)
			return sov_error("must be at least 1");
		break;
	case C_ZERO_OR_100MS:
		if (*v && *v < 100)
			*v = 100;
		break;
	case C_MIN_SIZE:
		if (*v < 0 || *v > SOV_SETTINGS_MIN_SIZE_MAX)
			return sov_error("%lld is not a size from 0 (every file in frames) to 64m",
					 (long long)*v);
		break;
	case C_NONE:
		break;
	}
	return 0;
}

static int load_row(struct sov_settings *s, struct sov_config *cfg, const struct row *r)
{
	struct sov_buf text = SOV_BUF_INIT;
	const char *key = r->key;
	char *field = (char *)s + r->field;
	int64_t unit = 1000, *i64 = (int64_t *)field;
	int ret, set;

	if (r->type == T_ROOT) {
		/* Its own message names the key. */
		return sov_config_root(cfg, (struct sov_buf *)field);
	}
	if (r->type == T_BOOL) {
		int def = !strcmp(r->def, "true");

		return sov_config_get_bool(cfg, key, def, (int *)field) < 0 ? -1 : 0;
	}
	if (r->type == T_INT) {
		ret = sov_config_get_int(cfg, key, strtoll(r->def, NULL, 10), i64);
		if (ret >= 0 && check_value(r, i64) < 0)
			ret = sov_error_prefix("config %s", key);
		return ret < 0 ? -1 : 0;
	}
	set = sov_config_get_string(cfg, key, NULL, &text);
	if (set == 0 && r->old_key) {
		set = sov_config_get_string(cfg, r->old_key, NULL, &text);
		if (set > 0) {
			key = r->old_key;
			unit = old_unit_ms(r->old_key);
		}
	}
	if (set == 0)
		sov_buf_addstr(&text, r->def);
	ret = set < 0 ? -1 : 0;
	if (!ret) {
		switch (r->type) {
		case T_STRING:
			sov_buf_reset((struct sov_buf *)field);
			sov_buf_add((struct sov_buf *)field, text.ptr, text.len);
			break;
		case T_ON_CONFLICT:
			ret = parse_on_conflict(text.ptr, (enum sov_on_conflict *)field);
			break;
		case T_DURATION:
			ret = sov_duration_parse(text.ptr, unit, i64);
			if (!ret)
				ret = check_value(r, i64);
			break;
		default:
			break;
		}
		if (ret < 0)
			sov_error_prefix("config %s", key);
	}
	sov_buf_release(&text);
	return ret;
}

int sov_settings_load(struct sov_settings *s, struct sov_config *cfg, unsigned groups)
{
	size_t i;

	groups &= ~s->loaded;
	for (i = 0; i < NROWS; i++)
		if ((rows[i].group & groups) && load_row(s, cfg, &rows[i]) < 0)
			return -1;
	s->loaded |= groups;
	return 0;
}

void sov_settings_release(struct sov_settings *s)
{
	sov_buf_release(&s->root);
	sov_buf_release(&s->remote);
	sov_buf_release(&s->branch);
	sov_buf_release(&s->source);
	sov_buf_release(&s->webhook_url);
	sov_buf_release(&s->webhook_events);
	sov_buf_release(&s->webhook_token_file);
	sov_buf_release(&s->webhook_secret_file);
	sov_buf_release(&s->on_pull);
	*s = (struct sov_settings)SOV_SETTINGS_INIT;
}

void sov_settings_each(void (*fn)(void *data, const char *key, const char *old_key,
				  const char *type, const char *def), void *data)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		fn(data, rows[i].key, rows[i].old_key, type_names[rows[i].type], rows[i].def);
}
