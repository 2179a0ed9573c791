/*
 * json.h - loading and canonical writing of the synced JSON files.
 *
 * Loading wraps jansson with errors that name the file and the position
 * ("shared/state.json: invalid JSON at line 3, column 7: ...") and refuses
 * duplicate keys, which would otherwise silently drop data.
 *
 * Writing is canonical so that two clones that produce the same value write
 * the same bytes (no commit ping-pong): two-space indentation, object keys in
 * their existing order, ", " never at line ends, "key": value, empty
 * containers as {} and [], UTF-8 kept as is (only control characters, '"'
 * and '\' escaped), reals in the shortest form that reads back to the same
 * double, and a final newline.
 */
#ifndef SOV_JSON_H
#define SOV_JSON_H

#include <jansson.h>

#include "buf.h"

/*
 * The printf format of a json_int_t.  jansson spells it "I64d" on Windows,
 * which MinGW's C99 printf (and its format check) does not take; json_int_t
 * is long long on every system sovsync builds for.
 */
#define SOV_JSON_INT_FMT "lld"
_Static_assert(sizeof(json_int_t) == sizeof(long long), "json_int_t is long long");

/*
 * Parse `len` bytes.  A leading UTF-8 byte order mark is skipped.  `what`
 * names the input in errors.  Returns 0 with a new reference in *out, or -1.
 */
int sov_json_load(json_t **out, const void *data, size_t len, const char *what);

/* Same for the file at `path`. */
int sov_json_load_file(json_t **out, const char *path);

/* Append the canonical text of `value` (with the final newline). */
void sov_json_dump(const json_t *value, struct sov_buf *out);

/*
 * Append the canonical text of `value` as it appears nested `depth` levels
 * deep in a canonical document (inner lines indented by 2 * depth more
 * spaces), without a final newline.  sov_json_dump() is depth 0 plus the
 * newline.
 */
void sov_json_dump_at(const json_t *value, int depth, struct sov_buf *out);

/* Write the canonical text of `value` to `path` atomically.  0 or -1. */
int sov_json_write_file(const char *path, const json_t *value);

#endif
