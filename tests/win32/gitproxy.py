#!/usr/bin/env python3
# gitproxy.py - the Linux half of tests/win32/gitproxy.c: runs the git
# commands that Windows programs under Wine hand over, with their Windows
# paths (Z:\tmp\x, C:\users\...) mapped to Linux ones.  Serves 127.0.0.1 on
# a free port, written to the file given as the first argument; one thread
# per connection; stops when its parent test ends (killed by pid).
import os, re, socket, subprocess, sys, threading

PREFIX = os.environ.get("WINEPREFIX", "")
DRIVE = re.compile(r'^(.*?)([A-Za-z]):([\\/].*)?$')

def unix_path(s):
    m = DRIVE.match(s)
    if not m or (m.group(1) and not m.group(1).endswith("=")):
        return s
    head, drive, rest = m.group(1), m.group(2).lower(), (m.group(3) or "/")
    rest = rest.replace("\\", "/")
    if drive == "z":
        return head + rest
    root = os.path.realpath(os.path.join(PREFIX, "dosdevices", drive + ":"))
    return head + root + rest

def items(data):
    pos = 0
    while pos < len(data):
        colon = data.index(b":", pos)
        n = int(data[pos:colon])
        yield data[colon + 1:colon + 1 + n]
        pos = colon + 1 + n

def item(b):
    return str(len(b)).encode() + b":" + b

def serve(conn):
    try:
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        it = items(data)
        cwd = unix_path(next(it).decode())
        args = [unix_path(next(it).decode()) for _ in range(int(next(it)))]
        env = dict(os.environ)
        for _ in range(int(next(it))):
            k, _, v = next(it).decode().partition("=")
            env[k] = unix_path(v)
        stdin = next(it)
        p = subprocess.run(["git"] + args, cwd=cwd, env=env, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        out, err, code = p.stdout, p.stderr, p.returncode
        with open(os.environ.get("SOVSYNC_GITPROXY_LOG", os.devnull), "a") as log:
            log.write("%s: git %s -> %d\n" % (cwd, " ".join(args), code))
    except Exception as e:
        out, err, code = b"", ("gitproxy: %s\n" % e).encode(), 128
    conn.sendall(item(out) + item(err) + item(str(code).encode()))
    conn.close()

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
