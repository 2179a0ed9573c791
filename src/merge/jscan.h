/*
 * jscan.h - a fast validating JSON scanner that builds no values.
 *
 * The merge drivers must handle memories.json files of tens of megabytes in
 * less time than `git merge-file` takes, so they cannot afford to parse
 * every memory into jansson values and dump it again.  This scanner walks
 * the text once, checks the syntax, and tells whether a value is already
 * written exactly as sov_json_dump() would write it at a given nesting
 * depth ("canonical").  A canonical value can be copied to the output byte
 * for byte and compared with other canonical values byte for byte; anything
 * else goes through jansson (sov_json_load), which also gives the error
 * message with line and column.
 *
 * "Canonical" is conservative: when in doubt (reals, keys beyond the
 * duplicate check's reach, deep nesting, escaped member names, surrogate
 * escapes that are not a pair) the scanner says "not canonical" and leaves
 * the decision to jansson.  Text that differs from the canonical form only
 * in its layout (white space, and escapes in string values that
 * sov_json_dump would write otherwise: \u00e9, \/, \u0041...) is
 * "layout only": sov_jscan_relayout writes it canonically without values.  It never says "canonical" for text that jansson would reject or
 * that sov_json_dump would write differently; the unit tests check this
 * against jansson on random documents.
 *
 * All spans point into the caller's text; nothing is allocated except by
 * sov_jscan_relayout(), which writes into the caller's buffer.
 */
#ifndef SOV_JSCAN_H
#define SOV_JSCAN_H

#include <stddef.h>

struct sov_buf;

/* A byte range of some text; ptr == NULL means "absent". */
struct sov_span {
	const char *ptr;
	size_t len;
};

/* A direct member of a scanned object to capture, by name (plain ASCII). */
struct sov_jscan_field {
	const char *name;
	struct sov_span value;	/* out: the member's value text, or absent */
};

/*
 * Scan the JSON value at the start of text[0..len) (no leading white
 * space).  `depth` is the nesting depth the value is meant to sit at
 * (0 for a document's top value).  Returns the length of the value, or 0
 * if the text does not start with a valid JSON value.  *canonical is set
 * to 1 if the value is canonical at `depth`, else 0.  If the value is an
 * object, the values of its direct members named in fields[0..nfields)
 * are captured (the first occurrence of a name wins).
 */
size_t sov_jscan_value(const char *text, size_t len, int depth, int *canonical,
		       struct sov_jscan_field *fields, size_t nfields);

/*
 * Iterate over the members of an object or the elements of an array.
 * Begin with `text` at the '{' or '['.  White space between items may be
 * anything JSON allows; only the items themselves are checked for
 * canonical form, at depth + 1.
 */
struct sov_jscan_iter {
	const char *p, *end;
	int depth;
	char close;		/* '}' or ']' */
	int count;		/* items returned so far */
	/*
	 * Set after begin to only find where each value ends (strings and
	 * brackets), several times faster: values are then neither checked
	 * nor called canonical, and whoever uses one must scan it.
	 */
	int skip_values;
};

/* 0, or -1 if text does not start with '{' or '['. */
int sov_jscan_iter_begin(struct sov_jscan_iter *it, const char *text, size_t len,
			 int depth);

/*
 * Next item: 1 with the member name (the quoted string as written, or
 * absent for arrays), its value and whether the value is canonical at
 * depth + 1 (and whether the name is, for objects); 0 after the last
 * item, when *end_of_container points just past the closing bracket;
 * -1 on invalid text.
 */
struct sov_jscan_item {
	struct sov_span name;
	struct sov_span value;
	int name_canonical;
	int canonical;		/* the value */
	/* The value is canonical but for its white space and string escapes. */
	int layout_only;
};

int sov_jscan_iter_next(struct sov_jscan_iter *it, struct sov_jscan_item *item,
			struct sov_jscan_field *fields, size_t nfields);

/*
 * iter_next, trying first whether the item's value is written exactly as
 * `same` (same_len bytes), a value known to be valid that starts with
 * '{', '[' or '"' (so that it ends where its bytes end): then returns 2
 * with the item's value that span, nothing scanned, canonical and
 * layout_only 0 (they are whatever they were for `same`).  Otherwise as
 * iter_next.
 */
int sov_jscan_iter_next_as(struct sov_jscan_iter *it, struct sov_jscan_item *item,
			   struct sov_jscan_field *fields, size_t nfields,
			   const char *same, size_t same_len);

/* Pointer just past the closing bracket, after iter_next returned 0. */
const char *sov_jscan_iter_end(const struct sov_jscan_iter *it);

/* Skip JSON white space (space, tab, CR, LF). */
const char *sov_jscan_skip_ws(const char *p, const char *end);

/* Whether the span is a JSON string containing no escape sequence. */
int sov_jscan_is_plain_string(struct sov_span s);

/*
 * Append to out the value text[0..len) (exactly one value, no white space
 * around it) in the canonical layout at `depth`, when only its layout
 * (white space, escapes in string values) keeps it from being canonical:
 * then the result is byte for byte what jansson and sov_json_dump_at()
 * would write, without building values (escapes are decoded and written
 * as json.c writes them).  Returns 0, or -1 (out unchanged) if the value is
 * not valid or something else is not canonical (reals, escaped or
 * duplicate names, lone surrogates...): the caller then goes through
 * jansson.
 */
int sov_jscan_relayout(const char *text, size_t len, int depth, struct sov_buf *out);

/*
 * The same without the check, for a value an iterator has just returned
 * with layout_only set (at the iterator's depth + 1).
 */
void sov_jscan_relayout_scanned(const char *text, size_t len, int depth,
				struct sov_buf *out);

#endif
