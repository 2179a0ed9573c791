# tests/lib-httpd.sh - serve bare repositories over HTTP for the tests, with
# `git http-backend` behind lighttpd on 127.0.0.1 (install/deps.sh installs
# lighttpd).  Source it after tests/lib.sh:
#
#   httpd_start web "$TRASH/srv"     # repositories under $TRASH/srv
#   git clone "$(httpd_url web)/remote.git" clone
#   httpd_stop web                   # e.g. to make a push fail
#   httpd_start web "$TRASH/srv"     # again, on the same port
#
# The server NAME lives in $TRASH/NAME/ (config, port, pid, error.log).
# Pushes are allowed in repositories passed to httpd_serve (it sets
# http.receivepack).  Servers still running when the script ends are
# stopped (lib-bg.sh).
# Tests that need it start with `test_have lighttpd || test_skip ...`.

HTTPD_TIMEOUT=${HTTPD_TIMEOUT:-60}
. "$SRCDIR/tests/lib-bg.sh"
HTTPD_BACKEND=$(git --exec-path)/git-http-backend

# A free TCP port on 127.0.0.1 (the kernel's choice; taken right after).
httpd_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Whether something accepts connections on 127.0.0.1:PORT.
httpd_listening() {
	python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# httpd_serve BARE: allow pushes over HTTP to that bare repository.
httpd_serve() {
	git -C "$1" config http.receivepack true
}

# httpd_start NAME ROOT: serve the repositories under ROOT at
# http://127.0.0.1:<port>/git/; a restart reuses the port of NAME.
httpd_start() {
	_hdir=$TRASH/$1
	mkdir -p "$_hdir/www" || return 1
	[ -s "$_hdir/port" ] || httpd_free_port >"$_hdir/port" || return 1
	cat >"$_hdir/lighttpd.conf" <<-EOF
	server.document-root = "$_hdir/www"
	server.bind = "127.0.0.1"
	server.port = $(cat "$_hdir/port")
	server.errorlog = "$_hdir/error.log"
	server.modules = ("mod_alias", "mod_setenv", "mod_cgi")
	alias.url = ("/git" => "$HTTPD_BACKEND")
	\$HTTP["url"] =~ "^/git" {
		cgi.assign = ("" => "")
		setenv.set-environment = (
			"GIT_PROJECT_ROOT" => "$2",
			"GIT_HTTP_EXPORT_ALL" => "1",
			"PATH" => "$PATH"
		)
	}
	EOF
	lighttpd -D -f "$_hdir/lighttpd.conf" >>"$_hdir/stderr" 2>&1 </dev/null &
	bg_started "$_hdir" $!
	_i=0
	until httpd_listening "$(cat "$_hdir/port")"; do
		_i=$((_i + 1))
		if [ $_i -gt $((HTTPD_TIMEOUT * 10)) ] ||
		   ! kill -0 "$(cat "$_hdir/pid")" 2>/dev/null; then
			echo "lighttpd $1 did not start:" >&2
			cat "$_hdir/stderr" "$_hdir/error.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
}

# httpd_url NAME: the base URL of the served repositories.
httpd_url() { echo "http://127.0.0.1:$(cat "$TRASH/$1/port")/git"; }

# httpd_stop NAME: stop the server and wait until the port is closed.
httpd_stop() { bg_stop "$TRASH/$1"; }

# The "web app" writer (tests/tools/web-writer.c, built by `make unit`):
# commits into a bare repository with libgit2, like the GitHub contents API.
# Usage as for the tool: web_writer [options] <bare repo> [<path>=<file>]...
if [ -x "$SOVSYNC_BIN/../tools/web-writer" ]; then
	WEB_WRITER=$SOVSYNC_BIN/../tools/web-writer
else
	WEB_WRITER=$SRCDIR/build/obj/tools/web-writer
fi
web_writer() {
	"$WEB_WRITER" "$@"
}
