# tests/lib-docmerge.sh - set-up shared by the document merge tests
# (t21xx), sourced after lib.sh.

DOC=shared/documents/ingested/a.md

# doc_setup DIR: in the new directory DIR (and cd there: tests share one
# trash directory), a bare remote and two clones, a and b, with the document
# merge driver configured and shared/documents/** routed to it; $DOC holds
# five lines.  Each clone gets its own sovsync.source.
doc_setup() {
	mkdir "$1" &&
	cd "$1" &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	mkdir -p a/shared/documents/ingested &&
	echo "shared/documents/** merge=sovsync-doc" >a/.gitattributes &&
	printf "one\ntwo\nthree\nfour\nfive\n" >a/$DOC &&
	git -C a add . &&
	git -C a commit -q -m base &&
	git -C a push -q origin main &&
	git clone -q remote.git b &&
	for c in a b; do
		git -C $c config merge.sovsync-doc.driver "sovsync merge-doc %O %A %B %P %L" &&
		git -C $c config merge.sovsync-doc.name "sovsync documents" &&
		git -C $c config sovsync.source "clone-$c" || return 1
	done
}

# doc_commit CLONE PATH CONTENT-COMMAND...: run the command with stdout to
# PATH in CLONE, then commit everything.
doc_commit() {
	_clone=$1 _path=$2
	shift 2
	mkdir -p "$(dirname "$_clone/$_path")" &&
	"$@" >"$_clone/$_path" &&
	git -C "$_clone" add -A &&
	test_tick &&
	git -C "$_clone" commit -q -m "edit $_path in $_clone"
}

# doc_conflict: a edits line 3 and pushes; b edits line 3 differently
# (committed, not yet pulled).
doc_conflict() {
	doc_commit a $DOC printf "one\ntwo\nthree from a\nfour\nfive\n" &&
	git -C a push -q origin main &&
	doc_commit b $DOC printf "one\ntwo\nthree from b\nfour\nfive\n"
}

# json_get FILE EXPR: print a value of the JSON in FILE (python3 expression
# over `d`).
json_get() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
