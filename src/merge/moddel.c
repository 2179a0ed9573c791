/*
 * moddel.c - which unmerged paths a sync cycle may settle; see moddel.h.
 */
#include "moddel.h"
#include "buf.h"
#include "drivers.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

void sov_moddel_list_release(struct sov_moddel_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->items[i].path);
	free(l->items);
	*l = (struct sov_moddel_list)SOV_MODDEL_LIST_INIT;
}

/* "<octal mode> <hex id> <stage>\t<path>" */
static int parse_record(const char *rec, unsigned *mode, git_oid *oid,
			unsigned *stage, const char **path)
{
	char *end;
	unsigned long m = strtoul(rec, &end, 8);
	char hex[GIT_OID_HEXSZ + 1];

	if (end == rec || *end != ' ' || m > 0177777)
		return -1;
	rec = end + 1;
	if (strlen(rec) < GIT_OID_HEXSZ + 4 || rec[GIT_OID_HEXSZ] != ' ')
		return -1;
	memcpy(hex, rec, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	if (git_oid_fromstr(oid, hex) < 0)
		return -1;
	rec += GIT_OID_HEXSZ + 1;
	if (rec[0] < '1' || rec[0] > '3' || rec[1] != '\t' || !rec[2])
		return -1;
	*mode = (unsigned)m;
	*stage = (unsigned)(rec[0] - '0');
	*path = rec + 2;
	return 0;
}

int sov_moddel_parse_unmerged(const char *z, size_t len, struct sov_moddel_list *l)
{
	const char *p = z, *end = z + len, *path;
	unsigned mode, stage;
	git_oid oid;

	while (p < end) {
		size_t rec = strnlen(p, (size_t)(end - p));
		struct sov_moddel_path *cur;

		if (p + rec == end)
			return sov_error("git ls-files -u: record not terminated");
		if (parse_record(p, &mode, &oid, &stage, &path) < 0)
			return sov_error("git ls-files -u: cannot parse '%.80s'", p);
		/* Git lists the stages of a path together, in stage order. */
		cur = l->nr ? &l->items[l->nr - 1] : NULL;
		if (!cur || strcmp(cur->path, path)) {
			SOV_ALLOC_GROW(l->items, l->nr + 1, l->alloc);
			cur = &l->items[l->nr++];
			memset(cur, 0, sizeof(*cur));
			cur->path = sov_strdup(path);
		}
		if (cur->stages & (1u << stage))
			return sov_error("git ls-files -u: stage %u of '%s' listed twice",
					 stage, path);
		cur->stages |= 1u << stage;
		cur->mode[stage] = mode;
		cur->oid[stage] = oid;
		p += rec + 1;
	}
	return 0;
}

int sov_moddel_is_modify_delete(const struct sov_moddel_path *p,
				enum sov_conflict_side *deleted_by)
{
	switch (p->stages) {
	case (1u << 1) | (1u << 2):
		*deleted_by = SOV_CONFLICT_THEIRS;
		return 1;
	case (1u << 1) | (1u << 3):
		*deleted_by = SOV_CONFLICT_OURS;
		return 1;
	default:
		return 0;
	}
}

static struct sov_moddel_path *find(struct sov_moddel_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i].path, path))
			return &l->items[i];
	return NULL;
}

int sov_moddel_check_attrs(struct sov_moddel_list *l, const char *z, size_t len,
			   enum sov_on_conflict on_conflict)
{
	const char *p = z, *end = z + len, *field[3];
	int i;

	while (p < end) {
		struct sov_moddel_path *match;

		for (i = 0; i < 3; i++) {
			size_t n = strnlen(p, (size_t)(end - p));

			if (p + n == end)
				return sov_error("git check-attr: record not terminated");
			field[i] = p;
			p += n + 1;
		}
		if (strcmp(field[1], "merge"))
			return sov_error("git check-attr: unexpected attribute '%s'", field[1]);
		match = find(l, field[0]);
		if (match)
			match->is_settled_by_driver = sov_driver_settles(field[2],
									 on_conflict);
	}
	return 0;
}

int sov_moddel_all_settle(const struct sov_moddel_list *l, const char **why)
{
	enum sov_conflict_side side;
	size_t i;

	if (why)
		*why = NULL;
	if (!l->nr)
		return 0;
	for (i = 0; i < l->nr; i++) {
		if (!sov_moddel_is_modify_delete(&l->items[i], &side) ||
		    !l->items[i].is_settled_by_driver) {
			if (why)
				*why = l->items[i].path;
			return 0;
		}
	}
	return 1;
}
