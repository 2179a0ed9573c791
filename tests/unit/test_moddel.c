/* Unit tests for src/merge/moddel.c: which unmerged paths a sync may settle. */
#include "tap.h"
#include "drivers.h"
#include "moddel.h"
#include "error.h"

#include <string.h>

#define B "1111111111111111111111111111111111111111"
#define O "2222222222222222222222222222222222222222"
#define T "3333333333333333333333333333333333333333"

/* A string literal, its explicit NULs included, the final one not. */
#define PARSE(lit, l) parse(lit, sizeof(lit) - 1, l)

/* Parse `len` bytes of ls-files output (NULs included) into a fresh list. */
static int parse(const char *z, size_t len, struct sov_moddel_list *l)
{
	sov_moddel_list_release(l);
	return sov_moddel_parse_unmerged(z, len, l);
}

int main(void)
{
	static const char unmerged[] =
		"100644 " B " 1\tshared/documents/ingested/x.md\0"
		"100644 " O " 2\tshared/documents/ingested/x.md\0"
		"100644 " B " 1\tshared/memories/bob/memories.json\0"
		"100644 " T " 3\tshared/memories/bob/memories.json\0";
	static const char content[] =
		"100644 " B " 1\tNOTES\0"
		"100644 " O " 2\tNOTES\0"
		"100755 " T " 3\tNOTES\0";
	static const char add_add[] =
		"100644 " O " 2\tnew.md\0"
		"100644 " T " 3\tnew.md\0";
	static const char attrs[] =
		"shared/documents/ingested/x.md\0merge\0sovsync-doc\0"
		"shared/memories/bob/memories.json\0merge\0sovsync-memories\0";
	struct sov_moddel_list l = SOV_MODDEL_LIST_INIT;
	enum sov_conflict_side side = SOV_CONFLICT_OURS;
	const char *why;
	git_oid oid;

	git_libgit2_init();

	ok(parse(unmerged, sizeof(unmerged) - 1, &l) == 0, "parse two modify/deletes");
	is_int(l.nr, 2, "two paths");
	is_str(l.items[0].path, "shared/documents/ingested/x.md", "first path");
	git_oid_fromstr(&oid, O);
	ok(l.items[0].stages == ((1u << 1) | (1u << 2)) &&
	   git_oid_equal(&l.items[0].oid[2], &oid) && l.items[0].mode[2] == 0100644,
	   "stages, ids and modes");
	ok(sov_moddel_is_modify_delete(&l.items[0], &side) && side == SOV_CONFLICT_THEIRS,
	   "base + ours: deleted by theirs");
	ok(sov_moddel_is_modify_delete(&l.items[1], &side) && side == SOV_CONFLICT_OURS,
	   "base + theirs: deleted by ours");

	ok(!sov_moddel_all_settle(&l, &why) && why && !strcmp(why, l.items[0].path),
	   "no attributes checked yet: nothing settles");
	ok(sov_moddel_check_attrs(&l, attrs, sizeof(attrs) - 1, SOV_ON_CONFLICT_FLAG) == 0, "apply attributes");
	ok(sov_moddel_all_settle(&l, &why) && !why, "doc (flag) and memories settle");
	ok(sov_moddel_check_attrs(&l, attrs, sizeof(attrs) - 1, SOV_ON_CONFLICT_STOP) == 0 &&
	   !sov_moddel_all_settle(&l, &why) && !strcmp(why, l.items[0].path),
	   "onConflict = stop: the document does not");

	ok(sov_driver_settles("sovsync-state", SOV_ON_CONFLICT_STOP) &&
	   sov_driver_settles("sovsync-index", SOV_ON_CONFLICT_FLAG) &&
	   sov_driver_settles("sovsync-memories", SOV_ON_CONFLICT_STOP) &&
	   sov_driver_settles("sovsync-derived", SOV_ON_CONFLICT_FLAG),
	   "JSON and derived drivers settle");
	ok(sov_driver_settles("sovsync-keep", SOV_ON_CONFLICT_STOP),
	   "the catch-all of the root settles (the edit is kept)");
	ok(sov_driver_settles("sovsync-doc", SOV_ON_CONFLICT_FLAG) &&
	   !sov_driver_settles("sovsync-doc", SOV_ON_CONFLICT_STOP),
	   "the document driver only under onConflict = flag");
	ok(!sov_driver_settles("unspecified", SOV_ON_CONFLICT_FLAG) &&
	   !sov_driver_settles("set", SOV_ON_CONFLICT_FLAG) &&
	   !sov_driver_settles("unset", SOV_ON_CONFLICT_FLAG) &&
	   !sov_driver_settles("union", SOV_ON_CONFLICT_FLAG) &&
	   !sov_driver_settles("sovsync-docs", SOV_ON_CONFLICT_FLAG), "anything else does not");

	ok(parse(content, sizeof(content) - 1, &l) == 0 && l.nr == 1, "a content conflict");
	ok(!sov_moddel_is_modify_delete(&l.items[0], &side), "three stages: not modify/delete");
	ok(l.items[0].mode[3] == 0100755, "mode of stage 3");
	ok(parse(add_add, sizeof(add_add) - 1, &l) == 0 &&
	   !sov_moddel_is_modify_delete(&l.items[0], &side), "add/add (no base): not");

	l.items[0].is_settled_by_driver = 1;
	ok(!sov_moddel_all_settle(&l, NULL), "add/add never settles, even with a driver");
	sov_moddel_list_release(&l);
	ok(!sov_moddel_all_settle(&l, &why) && !why, "an empty list settles nothing");

	ok(PARSE("100644 " B " 1\tx", &l) < 0 &&
	   strstr(sov_error_last(), "not terminated"), "unterminated record: %s",
	   sov_error_last());
	ok(PARSE("100644 " B " 4\tx\0", &l) < 0 && strstr(sov_error_last(), "parse"),
	   "stage 4 refused: %s", sov_error_last());
	ok(PARSE("100644 nothex 1\tx\0", &l) < 0, "a bad id is refused");
	ok(PARSE("100644 " B " 1\tx\0" "100644 " B " 1\tx\0", &l) < 0 &&
	   strstr(sov_error_last(), "twice"), "a stage listed twice: %s", sov_error_last());
	ok(parse("", 0, &l) == 0 && l.nr == 0, "empty output: no paths");
	ok(sov_moddel_check_attrs(&l, "x\0diff\0set\0", 11, SOV_ON_CONFLICT_FLAG) < 0 &&
	   strstr(sov_error_last(), "diff"),
	   "check-attr output for another attribute is refused");
	ok(sov_moddel_check_attrs(&l, "x\0merge", 7, 0) < 0,
	   "truncated check-attr output is refused");

	sov_moddel_list_release(&l);
	git_libgit2_shutdown();
	return done_testing();
}
