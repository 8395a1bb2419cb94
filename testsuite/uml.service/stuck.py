#!/usr/bin/env python3
# Peers that never read, for uml.service/hang.exp.
#   stuck.py mconsole PATH SECONDS
#       bind a datagram socket at PATH (a guest's mconsole), fill its
#       receive queue, print "full N" and never read for SECONDS.
#   stuck.py console PATH SECONDS
#       connect to the stream socket PATH (umlctl's console socket) with
#       a small receive buffer, print "connected", read nothing for
#       SECONDS, then print "dropped" if the other end has closed the
#       connection (EOF after what was queued), else "open".
#   stuck.py catch PATH SECONDS
#       bind a datagram socket at PATH and print "got N bytes" for each
#       datagram that arrives within SECONDS, then "done".
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import socket
import sys
import time


def mconsole(path, seconds):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    filler.connect(path)
    filler.setblocking(False)
    n = 0
    try:
        while n < 100000:
            filler.send(b"x" * 64)
            n += 1
    except BlockingIOError:
        pass
    print("full", n, flush=True)
    time.sleep(seconds)


def console(path, seconds):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(path)
    print("connected", flush=True)
    time.sleep(seconds)
    sock.settimeout(5)
    try:
        while sock.recv(65536):
            pass
        print("dropped", flush=True)
    except socket.timeout:
        print("open", flush=True)


def catch(path, seconds):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    print("bound", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sock.settimeout(max(0.1, end - time.monotonic()))
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        print("got", len(data), "bytes", flush=True)
    print("done", flush=True)


def main():
    what, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if what == "mconsole":
        mconsole(path, seconds)
    elif what == "catch":
        catch(path, seconds)
    else:
        console(path, seconds)


main()
