/*
 * drivers.h - the merge drivers, one row each.
 *
 * What a sovsync merge driver is lives here and nowhere else: the merge
 * attribute (`merge=<attr>` in .gitattributes, `merge.<attr>.*` in git
 * config), the command Git runs and its arguments, the name install
 * writes, the JSON policy (jpolicy.h) or NULL for a driver with its own
 * command (merge-doc, merge-derived), the patterns under the synced root,
 * what a modify/delete of one of its files does in a sync cycle, and for
 * the JSON drivers the help text of their command.  Driven from it:
 *
 *   install.c     the config it writes and checks, the .gitattributes lines
 *   moddel.c      which modify/delete conflicts a sync cycle settles
 *   cli.c         the `sovsync merge-<kind>` commands of the JSON drivers
 *   `sovsync registry drivers|attributes`: what the tests compare with
 *   the template .gitattributes, docs/FORMATS.md and the README (t1011)
 *
 * Adding a JSON merge driver for a new kind of file: a policy in
 * jpolicy.c (and its extern in jpolicy.h), one row in drivers.c, a test,
 * and the docs (docs/ARCHITECTURE.md, "Adding a merge driver").
 */
#ifndef SOV_DRIVERS_H
#define SOV_DRIVERS_H

#include "buf.h"
#include "jpolicy.h"
#include "settings.h"

/* What a sync cycle does with a modify/delete conflict of the driver's file. */
enum sov_driver_moddel {
	SOV_MODDEL_SETTLES,		/* keep the edit, queue it, go on */
	SOV_MODDEL_SETTLES_IF_FLAG,	/* the same under onConflict = flag, else stop */
};

struct sov_driver {
	const char *attr;		/* "sovsync-memories" */
	const char *command;		/* "merge-memories" */
	const char *args;		/* " %O %A %B %P" */
	const char *name;		/* merge.<attr>.name */
	const struct sov_jpolicy *policy; /* JSON driver; NULL: its own command */
	/*
	 * Patterns relative to the root, NULL-terminated; each becomes the
	 * line "<root>/<pattern> [<extra> ]merge=<attr>".
	 */
	const char *const *patterns;
	const char *extra;		/* attributes before merge= ("filter=sovsync diff=sovsync") */
	/*
	 * Its lines go first in .gitattributes, before the user's own: the
	 * catch-all of the root, which every later line overrides.
	 */
	int first;
	enum sov_driver_moddel moddel;
	const char *summary;		/* JSON drivers: the command's summary */
	const char *help;		/* JSON drivers: its rules, after the generated lines */
};

/* The table, in .gitattributes order; sov_drivers[sov_ndrivers] is all NULL. */
extern const struct sov_driver sov_drivers[];
extern const size_t sov_ndrivers;

/* The row by attribute ("sovsync-state") or by command ("merge-state"), or NULL. */
const struct sov_driver *sov_driver_by_attr(const char *attr);
const struct sov_driver *sov_driver_by_command(const char *command);

/*
 * Whether a sync cycle settles a modify/delete of a path whose merge
 * attribute is `attr` (as check-attr prints it; "unspecified" and any
 * foreign driver: no).
 */
int sov_driver_settles(const char *attr, enum sov_on_conflict on_conflict);

/* Append the .gitattributes lines install writes for `root`, in order. */
void sov_drivers_attributes(const char *root, struct sov_buf *out);

/* Of those, the lines that go first in the file (rows with `first`). */
void sov_drivers_first_lines(const char *root, struct sov_buf *out);

/* Append the usage line and the help text of a JSON driver's command. */
void sov_driver_usage(const struct sov_driver *d, struct sov_buf *out);
void sov_driver_help(const struct sov_driver *d, struct sov_buf *out);

#endif
