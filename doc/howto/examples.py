#!/usr/bin/env python3
# Extract the runnable examples of the HOWTO (doc/howto/howto.md) for the
# test suite (testsuite/uml.doc/howto.exp).
#
# usage: examples.py [--check] HOWTO.md
#
# A runnable example is a fenced code block whose attributes include the
# class "run":
#
#     ```{.console .run}
#     $ uml_mkcow disk.cow base.img
#     ```
#
# Optional further classes: ".netns" runs the block's host commands and
# guests in a network namespace of the test's own; ".legacy" marks a block
# that needs the legacy ethN= transports (kernels before 6.16) and
# ".timetravel" one that needs time-travel (not in SMP builds), which the
# test reports as unsupported on kernels without them.  Inside the block:
#
#   "$ CMD"      a host shell command (a line ending in "\" continues it;
#                a here-document "<<'EOF'" or "<<EOF" runs to its EOF line)
#   "guest# CMD" a command typed at the shell of the guest booted last
#   other lines  the output the command before them prints: every line
#                must match, in order; "..." alone stands for any number
#                of lines, and "..." inside a line for any text
#
# A host command whose first word is "linux" boots a guest: the lines
# after it are waited for on its console, in order.
#
# Output, one Tcl list per step on a line:
#   LINE NETNS NEEDS host|guest COMMAND {EXPECTED-LINE...}
# (NETNS is 1 or 0; NEEDS is legacy, timetravel or - for nothing.)
# With --check only the syntax is checked (exit 1 naming the line), and
# that every internal link "](#anchor)" names a heading of the file (the
# anchors Python-Markdown's toc extension makes).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import re
import sys

FENCE = re.compile(r'^```\s*(\{[^}]*\}|[A-Za-z0-9_-]*)\s*$')
KNOWN = {'run', 'netns', 'legacy', 'timetravel'}


def die(msg):
    print('examples.py: error: ' + msg, file=sys.stderr)
    sys.exit(1)


def needs(classes):
    """What a block needs of the kernel: the NEEDS column."""
    for need in ('legacy', 'timetravel'):
        if need in classes:
            return need
    return '-'


def tcl_quote(s):
    """One Tcl list element: a double-quoted word with every special
    character escaped."""
    return '"' + re.sub(r'([\\\[\]$"{};])', r'\\\1', s).replace('\n', '\\n') + '"'


def blocks(path):
    """Yield (line number, classes, lines) for each attributed fence."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i + 1
        attrs = m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith('```'):
            j += 1
        if j == len(lines):
            die('%s:%d: code block never closed' % (path, start))
        classes = set()
        if attrs.startswith('{'):
            for tok in attrs[1:-1].split():
                if not tok.startswith('.'):
                    die('%s:%d: unknown block attribute %s' % (path, start, tok))
                classes.add(tok[1:])
        if 'run' in classes:
            unknown = classes - KNOWN - {'console'}
            if unknown:
                die('%s:%d: unknown class .%s on a runnable block'
                    % (path, start, sorted(unknown)[0]))
            yield start, classes, [(k + 1, lines[k]) for k in range(i + 1, j)]
        i = j + 1


def slug(title):
    """The anchor Python-Markdown's toc extension gives a heading."""
    title = re.sub(r'[`*]', '', title)
    title = re.sub(r'[^\w\s-]', '', title).strip().lower()
    return re.sub(r'[-\s]+', '-', title)


def check_links(path):
    """Every "](#anchor)" outside code blocks must name a heading."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    anchors = set()
    links = []
    fenced = False
    for num, line in enumerate(lines, 1):
        if line.startswith('```'):
            fenced = not fenced
            continue
        if fenced or line.startswith('    '):
            continue
        m = re.match(r'^#{1,6}\s+(.*?)\s*$', line)
        if m:
            anchors.add(slug(m.group(1)))
        links.extend((num, a) for a in re.findall(r'\]\(#([^)]*)\)', line))
    for num, anchor in links:
        if anchor not in anchors:
            die('%s:%d: link to #%s, which no heading has' % (path, num, anchor))


def steps(path, start, classes, body):
    out = []
    cur = None
    k = 0
    while k < len(body):
        num, line = body[k]
        k += 1
        if line.startswith('$ ') or line.startswith('guest# '):
            kind = 'host' if line.startswith('$ ') else 'guest'
            cmd = line.split(' ', 1)[1]
            heredoc = re.search(r"<<-?\s*'?([A-Za-z_]+)'?", cmd)
            while cmd.endswith('\\'):
                if k == len(body):
                    die('%s:%d: continuation line at the end of the block' % (path, num))
                cmd = cmd + '\n' + body[k][1]
                k += 1
            if heredoc:
                end = heredoc.group(1)
                while True:
                    if k == len(body):
                        die('%s:%d: here-document %s never ends' % (path, num, end))
                    cmd = cmd + '\n' + body[k][1]
                    k += 1
                    if body[k - 1][1] == end:
                        break
            cur = [num, int('netns' in classes), needs(classes), kind, cmd, []]
            out.append(cur)
        elif cur is None:
            if line.strip():
                die('%s:%d: output before any "$ " or "guest# " command' % (path, num))
        else:
            cur[5].append(line.rstrip())
    if not out:
        die('%s:%d: runnable block without a command' % (path, start))
    for s in out:
        while s[5] and not s[5][-1]:
            s[5].pop()
    return out


def main():
    args = sys.argv[1:]
    check = False
    if args and args[0] == '--check':
        check = True
        args = args[1:]
    if len(args) != 1:
        die('usage: examples.py [--check] HOWTO.md')
    path = args[0]
    try:
        found = list(blocks(path))
    except OSError as e:
        die('%s: %s' % (path, e.strerror))
    total = []
    for start, classes, body in found:
        total.extend(steps(path, start, classes, body))
    if check:
        check_links(path)
        return
    for num, netns, need, kind, cmd, expected in total:
        print(' '.join([str(num), str(netns), need, kind, tcl_quote(cmd),
                        tcl_quote(' '.join(tcl_quote(e) for e in expected))]))


if __name__ == '__main__':
    main()
