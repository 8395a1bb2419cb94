#!/usr/bin/env python3
# uml_net-caller.py: call uml_net the way a UML kernel does, for
# uml.net/uml_net.exp, run as whatever user the test chose.
#
# usage: uml_net-caller.py [--ra] [--then CMD...] -- UML_NET ARG...
#        uml_net-caller.py [--ra] [--then CMD...] -- --open-tap
#   ARG starting with "tuntap": standard output is one end of a datagram
#   socket pair (tuntap_open_tramp() in arch/um/os-Linux/drivers/
#   tuntap_user.c); otherwise a stream socket pair (change_tramp() in
#   arch/um/drivers/net_user.c).  uml_net's standard error passes through.
# Prints "status N" (uml_net's exit status), then "reply TEXT" (the text
# uml_net sent, one line per line) and, for tuntap, "tap NAME" when a
# descriptor came back.  While the tap descriptor is held:
#   --ra    write one IPv6 router advertisement (from fe80::1, prefix
#           2001:db8:57::/64, router lifetime 1800 s) into the tap, as a
#           guest would, then wait 1 s for the host to act on it
#   --then  run CMD (the rest of the words up to --) and print its output
#           after "then:"; the tap exists until CMD is done, and its name
#           is in CMD's environment as UML_NET_TAP
# --open-tap (the control case, with CAP_NET_ADMIN): no uml_net, a tap
# opened here and brought up with ip(8), as the host would have it.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def router_advertisement():
    src = socket.inet_pton(socket.AF_INET6, "fe80::1")
    dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
    mac = bytes.fromhex("020000000057")
    # type 134, code 0, checksum, hop limit 64, flags 0, lifetime 1800,
    # reachable 0, retrans 0
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    # source link-layer address option
    body += struct.pack("!BB", 1, 1) + mac
    # prefix information: /64, on-link + autonomous, lifetimes
    body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0)
    body += socket.inet_pton(socket.AF_INET6, "2001:db8:57::")
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    csum = checksum(pseudo + body)
    body = body[:2] + struct.pack("!H", csum) + body[4:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
    eth = bytes.fromhex("333300000001") + mac + struct.pack("!H", 0x86DD)
    return eth + ip6 + body


def open_tap():
    fd = os.open("/dev/net/tun", os.O_RDWR)
    # TUNSETIFF, IFF_TAP | IFF_NO_PI
    ifr = fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", b"", 0x0002 | 0x1000))
    name = ifr[:16].split(b"\0")[0].decode()
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
    return fd, name


def hold(tapfd, name, ra, then):
    print("tap " + name)
    if ra:
        os.write(tapfd, router_advertisement())
        time.sleep(1)
    if then:
        env = dict(os.environ, UML_NET_TAP=name)
        out = subprocess.run(then, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=env).stdout
        print("then:")
        sys.stdout.write(out.decode(errors="replace"))
    os.close(tapfd)


def main(argv):
    ra = False
    then = []
    while argv and argv[0] != "--":
        if argv[0] == "--ra":
            ra = True
            argv = argv[1:]
        elif argv[0] == "--then":
            i = argv.index("--")
            then = argv[1:i]
            argv = argv[i:]
        else:
            sys.exit("uml_net-caller.py: unknown option " + argv[0])
    cmd = argv[1:]
    if cmd == ["--open-tap"]:
        hold(*open_tap(), ra, then)
        return 0
    if len(cmd) < 1:
        sys.exit("usage: uml_net-caller.py [--ra] [--then CMD...] -- UML_NET ARG...")
    tuntap = len(cmd) > 2 and cmd[2] == "tuntap"
    kind = socket.SOCK_DGRAM if tuntap else socket.SOCK_STREAM
    ours, theirs = socket.socketpair(socket.AF_UNIX, kind)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=theirs)
    theirs.close()
    status = proc.wait()
    print("status %d" % status)
    tapfd = -1
    if tuntap:
        ours.setblocking(False)
        try:
            msg, fds, _, _ = socket.recv_fds(ours, 4096, 1)
        except BlockingIOError:
            msg, fds = b"", []
        if fds:
            tapfd = fds[0]
            name = msg[:16].split(b"\0")[0].decode()
            text = msg[16:]
        else:
            text = msg
    else:
        with ours.makefile("rb") as f:
            data = f.read()
        text = data[4:] if len(data) >= 4 else b""
    for line in text.split(b"\0")[0].decode(errors="replace").splitlines():
        print("reply " + line)
    if tapfd >= 0:
        hold(tapfd, name, ra, then)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
