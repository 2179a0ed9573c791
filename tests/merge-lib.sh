# tests/merge-lib.sh - helpers for the merge driver tests (t20xx), sourced
# after lib.sh.
#
#   merge_setup DIR PATH DRIVER       bare remote DIR.git and clones DIR/one,
#                                     DIR/two with the driver configured for
#                                     PATH (as `sovsync install` will do)
#   merge_both_orders PATH BASE OURS THEIRS [PULLARGS]
#                                     commits BASE, then OURS in one clone and
#                                     THEIRS in the other; each order of
#                                     push/pull runs in a fresh setup; both
#                                     must converge byte-identically with a
#                                     clean status; the result is left in
#                                     ./result (and ./result.rev for the
#                                     other order)

# merge_config CLONE DRIVER: the driver (and, with MERGE_WITH_FILTER set,
# the large-file filter) configured as `sovsync install` does.
merge_config() {
	git -C "$1" config merge.sovsync-$2.driver \
		"$SOVSYNC_BIN/sovsync merge-$2 %O %A %B %P %L" &&
	if [ -n "${MERGE_WITH_FILTER:-}" ]; then
		git -C "$1" config filter.sovsync.process "$SOVSYNC_BIN/sovsync filter-process" &&
		git -C "$1" config filter.sovsync.required true &&
		# the test files are small: in frames all the same
		git -C "$1" config sovsync.filter.minSize 0
	fi
}

# merge_setup DIR PATH DRIVER
merge_setup() {
	_attrs="merge=sovsync-$3"
	[ -n "${MERGE_WITH_FILTER:-}" ] && _attrs="$_attrs filter=sovsync -text"
	git init -q --bare "$1.git" &&
	git clone -q "$1.git" "$1/one" 2>/dev/null &&
	merge_config "$1/one" "$3" &&
	echo "$2 $_attrs" >"$1/one/.gitattributes" &&
	git -C "$1/one" add .gitattributes &&
	git -C "$1/one" commit -q -m attributes &&
	git -C "$1/one" push -q origin HEAD:main 2>/dev/null &&
	git clone -q -n "$1.git" "$1/two" &&
	merge_config "$1/two" "$3" &&
	git -C "$1/two" checkout -q main
}

# put CLONE PATH FILE MSG: commit FILE's content (or a deletion, for "-") at PATH.
merge_put() {
	if [ "$3" = - ]; then
		git -C "$1" rm -q "$2"
	else
		mkdir -p "$1/$(dirname "$2")" &&
		cp "$3" "$1/$2" &&
		git -C "$1" add "$2"
	fi &&
	test_tick &&
	git -C "$1" commit -q -m "$4"
}

# merge_one_order DIR PATH BASE FIRST SECOND PULLARGS: FIRST pushes first.
merge_one_order() {
	merge_setup "$1" "$2" "$DRIVER" &&
	if [ "$3" != - ]; then
		merge_put "$1/one" "$2" "$3" base &&
		git -C "$1/one" push -q origin HEAD:main 2>/dev/null
	fi &&
	git -C "$1/two" pull -q --no-rebase origin main 2>/dev/null &&
	merge_put "$1/one" "$2" "$4" first &&
	merge_put "$1/two" "$2" "$5" second &&
	git -C "$1/one" push -q origin HEAD:main 2>/dev/null &&
	git -C "$1/two" pull -q $6 origin main &&
	git -C "$1/two" push -q origin HEAD:main 2>/dev/null &&
	git -C "$1/one" pull -q --no-rebase origin main &&
	cmp "$1/one/$2" "$1/two/$2" &&
	test -z "$(git -C "$1/one" status --porcelain)" &&
	test -z "$(git -C "$1/two" status --porcelain)" &&
	test "$(git -C "$1/one" rev-parse HEAD)" = "$(git -C "$1/two" rev-parse HEAD)"
}

# merge_both_orders PATH BASE OURS THEIRS [PULLARGS]
merge_both_orders() {
	_args=${5:---no-rebase}
	rm -rf fwd fwd.git rev rev.git &&
	merge_one_order fwd "$1" "$2" "$3" "$4" "$_args" &&
	merge_one_order rev "$1" "$2" "$4" "$3" "$_args" &&
	cp "fwd/one/$1" result &&
	cp "rev/one/$1" result.rev &&
	cmp result result.rev
}
