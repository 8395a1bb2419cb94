#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run a UML kernel networked through libslirp-helper, as a rootless user
would: a pair of connected Unix datagram sockets, one end handed to
libslirp-helper --fd (it exits with its parent), the other left open as
descriptor FD for the kernel's vector fd transport (vecN:transport=fd,
fd=FD), then the kernel is exec'd in this process.

usage: slirp-helper-fd.py HELPER FD LOG KERNEL [ARG]...

This file is part of user-mode-linux.
"""

import os
import socket
import subprocess
import sys


def main(argv):
    if len(argv) < 5:
        sys.stderr.write("usage: slirp-helper-fd.py HELPER FD LOG KERNEL [ARG]...\n")
        return 2
    helper, fd, log, kernel = argv[1], int(argv[2]), argv[3], argv[4]
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with open(log, "wb") as out:
        subprocess.Popen([helper, "--fd", str(theirs.fileno()), "--exit-with-parent"],
                         pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                         stdout=out, stderr=out)
    theirs.close()
    if ours.fileno() != fd:
        os.dup2(ours.fileno(), fd)
        ours.close()
    else:
        os.set_inheritable(fd, True)
    os.execv(kernel, [kernel] + argv[5:])
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
