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
    out = b""
    while True:
        got = m.recv(65536)
        if not got:
            break
        out += got
    up = [l for l in out.decode().splitlines() if l.split()[1:3] == ["daemon", "up"]]
    print("ports up %d" % len(up), flush=True)


def main():
    ctl, kind = sys.argv[1], sys.argv[2]
    if kind == "many":
        many(ctl, int(sys.argv[3]), sys.argv[4])
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
        c.sendall(request(kind, name))
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
