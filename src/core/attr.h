/*
 * attr.h - edit the sovsync lines of a .gitattributes file.
 *
 * `sovsync track PATTERN` appends "PATTERN filter=sovsync diff=sovsync -text"
 * (like `git lfs track`); untrack removes the lines for PATTERN that carry
 * filter=sovsync.  Every other line is kept byte for byte, so a user's own
 * attributes and comments survive.  The functions work on the file's text in
 * a struct sov_buf owned by the caller.
 *
 * Patterns are taken verbatim (gitattributes(5) syntax, relative to the
 * repository root).  Patterns containing white space are refused: Git's
 * quoting of such patterns is not understood by all Git versions.
 */
#ifndef SOV_ATTR_H
#define SOV_ATTR_H

#include "buf.h"

#define SOV_ATTR_VALUE "filter=sovsync diff=sovsync -text"

/* Whether `pattern` can be written on a .gitattributes line.  0 or -1. */
int sov_attr_check_pattern(const char *pattern);

/* Append a line for `pattern` unless one exists: 1 added, 0 present, -1. */
int sov_attr_track(struct sov_buf *text, const char *pattern);

/* Remove the sovsync lines for `pattern`: the number removed, or -1. */
int sov_attr_untrack(struct sov_buf *text, const char *pattern);

/* Append the tracked patterns to `out`, one per line. */
void sov_attr_list(const struct sov_buf *text, struct sov_buf *out);

#endif
