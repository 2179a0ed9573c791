/*
 * jmerge.h - 3-way merge of JSON documents under a per-file policy.
 *
 * One engine serves every JSON merge driver (memories.json, state.json,
 * the registries, conversations); what differs is a tree of rules that says
 * how each part of the document merges:
 *
 *   VALUE        the whole value, 3-way: changed on one side -> that side;
 *                changed on both -> the side with the later side instant
 *                (m->side_time), deletion loses to a change, then the
 *                greater canonical text.
 *   OBJECT       member by member, each with the rule member() gives.
 *   KEYED        a collection of entries: an array whose entries are keyed
 *                by the first string field of key_fields (or by composite
 *                fields, or by the entry's whole text), or an object whose
 *                members are the entries.  Entries merge 3-way like VALUE,
 *                concurrent edits resolved by the later instant of
 *                time_fields.  Kept entries stay in base order; new ones
 *                follow, ordered by order_fields then key.  A key present
 *                twice on one side is a shape error (which one to keep
 *                would be a guess).
 *   LATEST       the later instant (strings), the higher number, member by
 *                member for objects; the base is not consulted.
 *   LATEST_SIDE  the value of the side whose side instant is later.
 *   SEQUENCE     an array whose order and repeats are data (a conversation's
 *                messages, a list of scalars): a 3-way merge of the element
 *                sequences compared by canonical text (see merge_sequence()
 *                in jmerge.c); each side's insertions kept in its order,
 *                deletions honoured, nothing deduplicated or sorted.
 *
 * A collection the rule names a container for (`container`) must be that
 * container on every side, and its entries objects when `entry_object` is
 * set: a side where it is null, a string or the other container is a shape
 * error (the merge fails naming the side), never a value that wins and
 * wipes the other side's entries.
 *
 * Values are handled as canonical text (what sov_json_dump writes at their
 * depth): equal values are equal bytes, and the output is canonical, so
 * merge(O,A,B) and merge(O,B,A) give the same bytes and no rule ever
 * prefers a side for being "ours" (git pull --rebase swaps them).  Text that
 * is already canonical is copied, not parsed (see jscan.h); only values
 * written differently go through jansson.
 *
 * Ownership: struct sov_jmerge owns the text it canonicalises and frees it
 * in sov_jmerge_release(); the documents passed in stay the caller's and
 * must outlive the merge.
 */
#ifndef SOV_JMERGE_H
#define SOV_JMERGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum sov_jmerge_kind {
	SOV_JMERGE_VALUE,
	SOV_JMERGE_OBJECT,
	SOV_JMERGE_KEYED,
	SOV_JMERGE_LATEST,
	SOV_JMERGE_LATEST_SIDE,
	SOV_JMERGE_SEQUENCE,
};

/* No instant: sorts before every real one. */
#define SOV_JMERGE_NO_TIME INT64_MIN

struct sov_jmerge_rule {
	enum sov_jmerge_kind kind;

	/* OBJECT: the rule of a member (name decoded); NULL result = VALUE. */
	const struct sov_jmerge_rule *(*member)(const char *name, size_t len);
	/*
	 * OBJECT: names under which the document's main array may appear
	 * (memories.json: "results", "memories").  A side that is a bare
	 * array counts as that member; the output keeps the sides' common
	 * shape, else uses the first name.  NULL-terminated, or NULL.
	 */
	const char *const *array_names;
	/* OBJECT: a side without any of array_names is a shape error. */
	int array_required;

	/* KEYED (all lists NULL-terminated or NULL). */
	const char *const *key_fields;
	const char *const *composite_fields;	/* key when no key field */
	int key_whole;			/* else: the whole text is the key */
	/*
	 * An array with an entry that has no key field (a list of strings,
	 * say) merges as a SEQUENCE, instead of keying entries by their text
	 * (which would drop repeats and sort new entries).
	 */
	int sequence_unkeyed;
	const char *const *time_fields;
	/* KEYED: new entries ordered by these; SEQUENCE: concurrent insertions. */
	const char *const *order_fields;
	int mem0_dedup;			/* see jmerge.c: dedup_mem0() */
	const char *entry_name;		/* "memory", for messages */

	/* KEYED, SEQUENCE: '[' or '{' required on every side; 0: any container. */
	char container;
	int entry_object;		/* every entry must be an object */
};

struct sov_jmerge_stats {
	size_t added, updated, deleted, deduplicated, conflicts;
	/*
	 * Values written in another layout: laid out again by the scanner,
	 * and parsed and written again by jansson (reals, duplicate or
	 * escaped names...).  An unchanged memory is neither: it is compared
	 * as written and laid out only when it goes into the result.
	 */
	size_t relaid, parsed;
};

enum sov_jmerge_side { SOV_JMERGE_BASE, SOV_JMERGE_OURS, SOV_JMERGE_THEIRS };

struct sov_jmerge {
	/* In: each side's instant for VALUE conflicts and LATEST_SIDE. */
	int64_t side_time[3];
	/* In: names the file in messages. */
	const char *label;
	/* Out. */
	struct sov_jmerge_stats stats;
	/* Out, on failure: the side whose text was at fault, or -1. */
	int bad_side;

	/* Private. */
	const char *doc[3];
	size_t doc_len[3];
	struct { const char *ptr; size_t len; } where;	/* member being merged */
	char **owned;
	size_t nowned, owned_alloc;
};

void sov_jmerge_init(struct sov_jmerge *m, const char *label);
void sov_jmerge_release(struct sov_jmerge *m);

/*
 * Merge three documents (doc[i] == NULL: that side is absent; a missing
 * base makes a two-way merge) under `root`, appending the canonical result
 * with a final newline to `out`.  Returns 0, or -1 with a message
 * "<label>: <side>: <cause>" (JSON errors with line and column) and
 * m->bad_side set when a side is to blame.
 */
int sov_jmerge_run(struct sov_jmerge *m, const struct sov_jmerge_rule *root,
		   const char *const doc[3], const size_t len[3], struct sov_buf *out);

/* Name of a side in messages: "base", "ours", "theirs". */
const char *sov_jmerge_side_name(int side);

/*
 * Helpers for policies.  Find the value of top-level member `name` of a
 * document (object), or of member `sub` of that member when sub != NULL;
 * absent span if there is none or the document does not scan.
 */
struct sov_span;
int sov_jmerge_find(const char *doc, size_t len, const char *name, const char *sub,
		    struct sov_span *out);

/* The instant of a JSON string value, or SOV_JMERGE_NO_TIME. */
int64_t sov_jmerge_instant(const char *text, size_t len);

#endif
