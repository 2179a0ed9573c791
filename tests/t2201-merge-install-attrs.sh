#!/bin/sh
# The merge drivers are wired by `sovsync install` alone: its .gitattributes
# lines give every conversation file (shared/conversations/*.json, not only
# index.json) the sovsync-index driver, so two clones appending to the same
# conversation merge on `git pull` instead of stopping on a conflict.  The
# lines install writes agree with this repository's template .gitattributes
# for the shared/ paths, and `sovsync install` run again over an older
# install adds the line that install lacked.

. "$(dirname "$0")/lib.sh"

C=shared/conversations/2026-12-03_conversation.json

msg() { printf '{"role": "%s", "content": "%s"}' "$1" "$2"; }
# conv FILE MSG...: a conversation without ids or timestamps on its messages.
conv() {
	_f=$1
	shift
	_sep=
	{
		printf '{\n  "id": "2026-12-03_conversation",\n  "messages": ['
		for _m in "$@"; do
			printf '%s\n    %s' "$_sep" "$_m"
			_sep=,
		done
		printf '\n  ]\n}\n'
	} >"$_f"
}
contents() {
	python3 -c "import json,sys; print(\" | \".join(m[\"content\"] for m in json.load(open(sys.argv[1]))[\"messages\"]))" "$1"
}

test_expect_success 'install assigns sovsync-index to every conversation file' '
	test_repo r &&
	sovsync install --repo r >/dev/null &&
	for p in shared/conversations/index.json $C shared/conversations/c1.json; do
		git -C r check-attr merge -- "$p" >out &&
		echo "$p: merge: sovsync-index" >expect &&
		test_cmp expect out || exit 1
	done
'

# conv_clones: a bare remote.git and two clones, one and two, both set up
# by `sovsync install`, sharing a base commit of the conversation $C.
conv_clones() {
	git init -q --bare remote.git &&
	git clone -q remote.git one 2>/dev/null &&
	sovsync install --repo one >/dev/null &&
	mkdir -p one/shared/conversations &&
	conv one/$C "$(msg user "hi")" "$(msg assistant "want tea?")" &&
	git -C one add -A && test_tick && git -C one commit -q -m base &&
	git -C one push -q origin HEAD:main 2>/dev/null &&
	git clone -q remote.git two 2>/dev/null &&
	sovsync install --repo two >/dev/null
}

test_expect_success 'two clones set up by install append to one conversation: git pull merges, order and repeats kept' '
	conv_clones &&
	test -z "$(git -C two status --porcelain)" &&
	# One clone answers twice with the same word, the other once.
	conv one/$C "$(msg user "hi")" "$(msg assistant "want tea?")" \
		"$(msg user "yes")" "$(msg user "yes")" &&
	git -C one commit -q -am "one: yes yes" && test_tick &&
	conv two/$C "$(msg user "hi")" "$(msg assistant "want tea?")" \
		"$(msg user "green, please")" &&
	git -C two commit -q -am "two: green" && test_tick &&
	git -C one push -q origin HEAD:main 2>/dev/null &&
	{ git -C two pull --no-rebase origin main >out 2>&1 || { cat out >&2; false; }; } &&
	test -z "$(git -C two ls-files -u)" &&
	test "$(contents two/$C)" = "hi | want tea? | green, please | yes | yes" &&
	git -C two push -q origin HEAD:main 2>/dev/null &&
	git -C one pull -q --no-rebase origin main &&
	cmp one/$C two/$C
'

test_expect_success 'the same under git pull --rebase: the same bytes' '
	rm -rf remote.git one two &&
	conv_clones &&
	conv two/$C "$(msg user "hi")" "$(msg assistant "want tea?")" \
		"$(msg user "yes")" "$(msg user "yes")" &&
	git -C two commit -q -am "two: yes yes" && test_tick &&
	conv one/$C "$(msg user "hi")" "$(msg assistant "want tea?")" \
		"$(msg user "green, please")" &&
	git -C one commit -q -am "one: green" && test_tick &&
	git -C one push -q origin HEAD:main 2>/dev/null &&
	{ git -C two pull --rebase origin main >out 2>&1 || { cat out >&2; false; }; } &&
	test "$(contents two/$C)" = "hi | want tea? | green, please | yes | yes"
'

# The sample paths: every line of the layout, paths next to them that
# only look alike, and one outside shared/.
sample_paths() {
	cat <<-\EOF
	shared/state.json
	shared/memories/sync_manifest.json
	shared/memories/default/index.meta
	shared/memories/alex/index.meta
	shared/memories/alex/memories.json
	shared/memories/alex/other.json
	shared/memories/index.meta
	shared/memories/a/b/memories.json
	shared/documents/index.json
	shared/documents/ingested/notes.md
	shared/documents/ingested/sub/deep/paper.pdf
	shared/documents/ingested/.gitkeep
	shared/documents/other.json
	shared/conversations/index.json
	shared/conversations/2026-12-03_conversation.json
	shared/conversations/notes.md
	shared/conversations/sub/c2.json
	shared/other.json
	notes.md
	EOF
}


test_expect_success 'install writes the attributes of the template .gitattributes for shared/' '
	sample_paths >paths &&
	test_repo fresh &&
	sovsync install --repo fresh >/dev/null &&
	git -C fresh check-attr -a --stdin <paths >installed &&
	git init -q tmpl &&
	cp "$SRCDIR/.gitattributes" tmpl/.gitattributes &&
	git -C tmpl check-attr -a --stdin <paths >template &&
	test_cmp template installed &&
	# The comparison is not empty: each driver shows up.
	for d in state derived memories index doc keep; do
		grep -q "merge: sovsync-$d$" installed || exit 1
	done
'

test_expect_success 'install again over an install without the conversations line adds it; uninstall removes it' '
	test_repo old &&
	printf "*.png binary\n" >old/.gitattributes &&
	sovsync install --repo old >/dev/null &&
	# What an install before this line existed left behind.
	python3 - old <<-\EOP &&
	import json, sys
	line = "shared/conversations/*.json merge=sovsync-index"
	at = sys.argv[1] + "/.gitattributes"
	text = open(at).read()
	assert line + "\n" in text, text
	open(at, "w").write(text.replace(line + "\n", ""))
	rec = sys.argv[1] + "/.git/sovsync/install.json"
	d = json.load(open(rec))
	d["attributes"]["lines"].remove(line)
	json.dump(d, open(rec, "w"))
	EOP
	git -C old check-attr merge -- $C >out &&
	echo "$C: merge: sovsync-keep" >expect && test_cmp expect out &&
	sovsync install --repo old >out &&
	grep "updated .*\.gitattributes" out &&
	git -C old check-attr merge -- $C >out &&
	echo "$C: merge: sovsync-index" >expect && test_cmp expect out &&
	test "$(grep -c "^shared/conversations/\*\.json merge=sovsync-index$" old/.gitattributes)" = 1 &&
	# Once there, install adds it no more.
	sovsync install --repo old >out &&
	test "$(grep -c "^shared/conversations/\*\.json merge=sovsync-index$" old/.gitattributes)" = 1 &&
	sovsync uninstall --repo old >/dev/null &&
	printf "*.png binary\n" >expect && test_cmp expect old/.gitattributes
'

test_done
