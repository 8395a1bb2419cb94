#!/usr/bin/env python3
# switch-client.py: a daemon-transport client for the uml_switch tests,
# speaking the control protocol of arch/um/drivers/daemon_user.c (struct
# request_v3: magic 0xfeedface, version 3, type 0 = REQ_NEW_CONTROL, the
# client's data address as a struct sockaddr_un, 124 bytes with padding),
# correctly or wrong on purpose.
#
# usage: switch-client.py CTL KIND [SECONDS]
#   good        a valid request; print "reply ok abstract|path" (or "reply
#               short N"), then count frames for SECONDS; print "frames N"
#   slow        a valid request, then never read the data socket for
#               SECONDS; print "reply ok ..." and "alive" at the end
#   badmagic badversion badtype badfamily unterminated nodata
#               a request wrong in that one field; print what came back
#   short       send 10 bytes and close
#   stall       send 10 bytes and wait SECONDS without finishing
#   extra       a valid request followed by more bytes on the connection
#   garbage     124 random bytes
#   mgmtidle    (switch-client.py MGMT mgmtidle SECONDS) connect to the
#               management socket, send nothing, read nothing; print
#               "closed" when the switch hangs up within SECONDS
#   many        (switch-client.py CTL many N MGMT) N valid clients at
#               once; print "replies K", then "ports up M" as the
#               management socket MGMT counts them while all are held
#   listen      (switch-client.py PATH listen SECONDS) bind a datagram
#               socket at PATH with mode 0600, print "ready", then "got
#               forged" (a datagram with the deputy's marker), "got other"
#               or "nothing" within SECONDS
#   deputy      (switch-client.py CTL deputy PATH) a request naming the
#               socket file PATH as its data socket, then a second port
#               that broadcasts a frame with a marker; print "path reply
#               ok|closed" and "sent"
#   squat       (switch-client.py CTL squat PID N) bind the data-socket
#               names the switch of pid PID used to give its first N
#               ports, then a valid request, as "good" with 0 seconds
#   hold        (switch-client.py CTL hold N SECONDS) N valid clients at
#               once; print "replies K" and hold them for SECONDS
#   bessidle    (switch-client.py SOCK bessidle SECONDS) a bess port that
#               sends nothing; print "closed" when the switch hangs up
#               within SECONDS, else "still open"
#   bessflood   (switch-client.py SOCK bessflood N) N broadcast frames of
#               1000 bytes on a bess port; print "sent N"
#   race        (switch-client.py PATH race VICTIM N SWITCH ARGS...) run
#               the switch command N times; each time, the moment its
#               socket PATH appears (inotify), put a symlink to VICTIM in
#               its place; print "won K of N" (the symlink was there before
#               the switch gave the socket away: the switch refused, or
#               VICTIM changed owner) and "victim uid U"
# After the request it prints "reply ok ...", "reply short N" or "closed".
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import os
import socket
import struct
import sys
import time

MAGIC = 0xFEEDFACE
SUN_LEN = 110  # sizeof(struct sockaddr_un)


def sockaddr_un(name):
    """A struct sockaddr_un: AF_UNIX, then NAME padded to 108 bytes."""
    return struct.pack("=H108s", socket.AF_UNIX, name)


def request(kind, name):
    magic, version, rtype, family = MAGIC, 3, 0, socket.AF_UNIX
    path = name
    if kind == "badmagic":
        magic = 0x12345678
    elif kind == "badversion":
        version = 2
    elif kind == "badtype":
        rtype = 7
    elif kind == "badfamily":
        family = socket.AF_INET
    elif kind == "unterminated":
        path = b"x" * 108
    elif kind == "nodata":
        path = b"\0uml-switch-test-nobody-binds-this"
    body = struct.pack("=IIIH108s", magic, version, rtype, family, path)
    return body + b"\0\0"  # the struct's tail padding


MARKER = b"uml-switch-test-forged-line"


def frame(payload):
    """A broadcast Ethernet frame from a locally administered address."""
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + payload


def port(ctl, name):
    """A daemon port for the data socket NAME: (data, control, reply)."""
    data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if name.startswith(b"\0"):
        data.bind(name.ljust(108, b"\0"))
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(ctl)
    c.settimeout(5)
    try:
        c.sendall(request("good", name))
        reply = c.recv(SUN_LEN)
    except (socket.timeout, ConnectionError):
        reply = b""
    return data, c, reply


def listen(path, secs):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o600)
    print("ready", flush=True)
    s.settimeout(secs)
    try:
        got = s.recv(65536)
        print("got forged" if MARKER in got else "got other", flush=True)
    except socket.timeout:
        print("nothing", flush=True)


def deputy(ctl, path):
    _, c1, reply = port(ctl, path.encode())
    print("path reply " + ("ok" if len(reply) == SUN_LEN else "closed"), flush=True)
    data, c2, reply = port(ctl, b"\0" + ("switch-deputy-%d" % os.getpid()).encode())
    if len(reply) == SUN_LEN:
        data.sendto(frame(MARKER), reply[2:])
    time.sleep(0.5)
    print("sent", flush=True)


def squat(ctl, pid, n):
    held = []
    for i in range(1, n + 1):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.bind(("\0uml_switch.%d.%d" % (pid, i)).encode().ljust(108, b"\0"))
        except OSError:
            pass
        held.append(s)
    _, c, reply = port(ctl, b"\0" + ("switch-squat-%d" % os.getpid()).encode())
    if len(reply) == SUN_LEN:
        print("reply ok " + ("abstract" if reply[2] == 0 else "path"), flush=True)
    else:
        print("closed", flush=True)


def hold(ctl, n, secs):
    held = []
    replies = 0
    for i in range(n):
        p = port(ctl, b"\0" + ("switch-hold-%d-%d" % (os.getpid(), i)).encode())
        held.append(p)
        if len(p[2]) == SUN_LEN:
            replies += 1
    print("replies %d" % replies, flush=True)
    time.sleep(secs)


def bess(sock, kind, arg):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sock)
    if kind == "bessflood":
        for i in range(arg):
            s.send(frame(bytes(1000)))
        print("sent %d" % arg, flush=True)
        return
    s.settimeout(arg)
    try:
        while True:
            if not s.recv(65536):
                print("closed", flush=True)
                return
    except socket.timeout:
        print("still open", flush=True)


def race_plant(libc, path, link, ready):
    """Wait for PATH to appear (after writing to READY), then put LINK in
    its place."""
    d, base = os.path.split(path)
    ino = libc.inotify_init1(os.O_CLOEXEC)
    libc.inotify_add_watch(ino, d.encode(), 0x100)  # IN_CREATE
    os.write(ready, b"r")
    while True:
        buf = os.read(ino, 4096)
        off = 0
        while off < len(buf):
            _, _, _, ln = struct.unpack_from("iIII", buf, off)
            name = buf[off + 16:off + 16 + ln].rstrip(b"\0")
            off += 16 + ln
            if name == base.encode():
                os.rename(link, path)
                return


def race(path, victim, n, argv):
    import ctypes
    import signal
    import subprocess
    libc = ctypes.CDLL(None, use_errno=True)
    d = os.path.dirname(path)
    owner = os.stat(d).st_uid
    link = os.path.join(d, ".race-link")
    uid0 = os.stat(victim).st_uid
    won = 0
    for _ in range(n):
        for f in (path, link):
            if os.path.lexists(f):
                os.unlink(f)
        r, w = os.pipe()
        child = os.fork()
        if child == 0:
            # The attacker: the owner of the socket's directory.
            try:
                os.setgid(os.stat(d).st_gid)
                os.setuid(owner)
                os.symlink(victim, link)
                race_plant(libc, path, link, w)
            finally:
                os._exit(0)
        os.close(w)
        os.read(r, 1)
        os.close(r)
        sw = subprocess.Popen(argv, stderr=subprocess.PIPE)
        try:
            _, err = sw.communicate(timeout=0.3)
        except subprocess.TimeoutExpired:
            sw.send_signal(signal.SIGKILL)
            _, err = sw.communicate()
        os.waitpid(child, 0)
        if b"no longer the socket" in err or os.stat(victim).st_uid != uid0:
            won += 1
    print("won %d of %d" % (won, n))
    print("victim uid %d" % os.stat(victim).st_uid)


def many(ctl, n, mgmt):
    held = []
    replies = 0
    for i in range(n):
        name = b"\0" + ("switch-test-%d-%d" % (os.getpid(), i)).encode()
        data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        data.bind(name.ljust(108, b"\0"))
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(ctl)
        c.sendall(request("good", name))
        held.append((data, c))
    for data, c in held:
        c.settimeout(10)
        if len(c.recv(SUN_LEN)) == SUN_LEN:
            replies += 1
    print("replies %d" % replies, flush=True)
    m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    m.connect(mgmt)
    m.sendall(b"stats\n")
    with m.makefile("rb") as f:
        out = f.read()
    up = [l for l in out.decode().splitlines() if l.split()[1:3] == ["daemon", "up"]]
    print("ports up %d" % len(up), flush=True)


def main():
    ctl, kind = sys.argv[1], sys.argv[2]
    if kind == "many":
        many(ctl, int(sys.argv[3]), sys.argv[4])
        return
    if kind == "race":
        race(ctl, sys.argv[3], int(sys.argv[4]), sys.argv[5:])
        return
    if kind == "listen":
        listen(ctl, float(sys.argv[3]))
        return
    if kind == "deputy":
        deputy(ctl, sys.argv[3])
        return
    if kind == "squat":
        squat(ctl, int(sys.argv[3]), int(sys.argv[4]))
        return
    if kind == "hold":
        hold(ctl, int(sys.argv[3]), float(sys.argv[4]))
        return
    if kind in ("bessidle", "bessflood"):
        bess(ctl, kind, float(sys.argv[3]) if kind == "bessidle" else int(sys.argv[3]))
        return
    if kind == "mgmtidle":
        m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        m.connect(ctl)
        m.settimeout(float(sys.argv[3]))
        try:
            print("closed" if not m.recv(10) else "answered", flush=True)
        except socket.timeout:
            print("still open", flush=True)
        return
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    # The data socket, named as the kernel names its own: abstract, padded
    # to the whole sockaddr_un.
    name = b"\0" + ("switch-test-%d" % os.getpid()).encode()
    data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    data.bind(name.ljust(108, b"\0"))
    data.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(ctl)
    if kind == "garbage":
        c.sendall(os.urandom(124))
    elif kind in ("short", "stall"):
        c.sendall(request("good", name)[:10])
    else:
        try:
            c.sendall(request(kind, name))
        except ConnectionError:
            print("closed")  # refused at once (a port cap)
            return
    if kind == "short":
        c.close()
        print("closed")
        return
    if kind == "stall":
        time.sleep(secs)
        c.settimeout(1)
        try:
            got = c.recv(200)
        except socket.timeout:
            print("still open")
            return
        print("closed" if not got else "reply short %d" % len(got))
        return
    c.settimeout(5)
    try:
        reply = c.recv(SUN_LEN)
    except (socket.timeout, ConnectionResetError):
        reply = b""
    if len(reply) == SUN_LEN:
        path = reply[2:]
        print("reply ok " + ("abstract" if path[0] == 0 else "path"), flush=True)
    elif reply:
        print("reply short %d" % len(reply), flush=True)
    else:
        print("closed", flush=True)
        return
    if kind == "extra":
        c.sendall(b"more than the protocol has")
        c.settimeout(5)
        try:
            print("closed" if not c.recv(10) else "answered", flush=True)
        except socket.timeout:
            print("still open", flush=True)
        return
    if kind == "slow":
        time.sleep(secs)
        print("alive", flush=True)
        return
    n = 0
    end = time.time() + secs
    data.settimeout(0.2)
    while time.time() < end:
        try:
            data.recv(65536)
            n += 1
        except socket.timeout:
            pass
    print("frames %d" % n, flush=True)


if __name__ == "__main__":
    main()
