# tests/lib-cycle.sh - the full sync cycle shared by t6000-full-cycle.sh and
# `make demo` (tests/demo.sh): a bare remote served over HTTP, a "local PC"
# clone with sovsync installed and a webhook receiver, a "web app" writer
# committing straight into the remote.  Source after lib.sh (or after the
# demo's own set-up of TRASH, SRCDIR and PATH), lib-httpd.sh and
# lib-webhook.sh.  Every wait is a bounded poll.

CYCLE_MEM=shared/memories/default/memories.json
CYCLE_DOC=shared/documents/ingested/notes.md
CYCLE_BIN=shared/memories/default/vectors.bin
CYCLE_REMOTE=$TRASH/srv/remote.git

# mem_add FILE ID TEXT [STAMP]: append a mem0 memory (get_all export form,
# hash = MD5 of the text) to the memories file FILE, rewritten in place.
mem_add() {
	python3 - "$@" <<-\PY
	import hashlib, json, sys
	path, mid, text = sys.argv[1:4]
	stamp = sys.argv[4] if len(sys.argv) > 4 else "2026-11-26T10:00:00+00:00"
	with open(path) as f:
	    d = json.load(f)
	d["results"].append({"id": mid, "memory": text,
	    "hash": hashlib.md5(text.encode()).hexdigest(), "metadata": None,
	    "created_at": stamp, "updated_at": stamp, "user_id": "default"})
	with open(path, "w") as f:
	    json.dump(d, f, indent=2)
	    f.write("\n")
	PY
}

# mem_ids FILE: the memory ids of a memories file, sorted, one per line
# (fails unless FILE is valid JSON of the mem0 export form).
mem_ids() {
	python3 -c 'import json, sys
print("\n".join(sorted(m["id"] for m in json.load(open(sys.argv[1]))["results"])))' "$1"
}

# notes LINE1 LINE2: the text of the document $CYCLE_DOC.
notes() {
	printf "# Notes\n\n%s\n%s\nline three\n" "$1" "$2"
}

# web_app_edit MEM-ID MEMORY LINE2 MESSAGE: the web app adds a memory to the
# remote's memories file and edits the document (line one, and LINE2) in
# one commit, through web_writer (shown by $CYCLE_SHOW when set: the demo's
# `run`).  Prints the new commit id.
web_app_edit() {
	remote_show $CYCLE_MEM >"$TRASH/web-mem.json" &&
	mem_add "$TRASH/web-mem.json" "$1" "$2" &&
	notes "line one, edited on the web" "$3" >"$TRASH/web-doc.md" &&
	(cd "$TRASH" && ${CYCLE_SHOW:-} web_writer --message "$4" srv/remote.git \
		$CYCLE_MEM=web-mem.json $CYCLE_DOC=web-doc.md)
}

# remote_show PATH: PATH in the remote's main, as stored.
remote_show() {
	git --git-dir="$CYCLE_REMOTE" show "main:$1"
}

# cycle_setup: start the receiver rx and the web server web, create the
# bare remote, clone it as "pc" over HTTP, install sovsync there, track
# the large files, point the webhook at rx (token and secret from 0600
# files), commit the layout and push it.
cycle_setup() {
	receiver_start rx &&
	git init -q --bare "$CYCLE_REMOTE" &&
	httpd_serve "$CYCLE_REMOTE" &&
	httpd_start web "$TRASH/srv" &&
	git clone -q "$(httpd_url web)/remote.git" pc 2>/dev/null &&
	(cd pc && sovsync install >/dev/null && sovsync track 'shared/**/*.bin' >/dev/null) &&
	cycle_webhook pc rx &&
	git -C pc config sovsync.source pc &&
	notes "line one" "line two" >"pc/$CYCLE_DOC" &&
	git -C pc add -A &&
	git -C pc commit -q -m "sovsync layout" &&
	git -C pc push -q origin main 2>/dev/null
}

# cycle_webhook DIR RECEIVER: the webhook of DIR's hooks (installed by
# sovsync install) points at RECEIVER; token and secret come from 0600
# files; short retry delays.
cycle_webhook() {
	webhook_secrets &&
	git -C "$1" config sovsync.webhook.url "$(receiver_url "$2")" &&
	git -C "$1" config sovsync.webhook.tokenFile "$TRASH/secrets/token" &&
	git -C "$1" config sovsync.webhook.secretFile "$TRASH/secrets/secret" &&
	git -C "$1" config sovsync.webhook.retryDelayMs 200 &&
	git -C "$1" config sovsync.webhook.maxRetryDelayMs 1000 &&
	git -C "$1" config sovsync.webhook.maxAttempts 50 &&
	git -C "$1" config sovsync.webhook.timeout 10
}

# settle DIR: DIR's outbox is empty and no sender of it runs.
settle() {
	wait_outbox "$1" 0 0 && wait_no_sender "$1/.git"
}

# events RX EVENT [AFTER]: 2xx deliveries of EVENT (for commit AFTER).
events() {
	receiver_query "$1" "len([r for r in ok if r['event'] == '$2' and
		('$3' == '' or r['body']['after'] == '$3')])"
}
