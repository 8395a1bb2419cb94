#!/usr/bin/env python3
# Compare what programs say about their options with their man pages, for
# the test suite (testsuite/uml.doc/manopts.exp and switches.exp).
#
# usage: mancheck.py help-options HELPFILE    options in a --help text
#        mancheck.py man-options PAGE         options a man page lists
#        mancheck.py kernel-switches HELPFILE switches in `linux --help`
#        mancheck.py man-switches PAGE        switches a man page lists
#
# Each prints one name per line, sorted.  A page "lists" what appears in
# the tag of a tagged paragraph (.TP, .IP, mdoc .It) or in its SYNOPSIS;
# the EXAMPLES and SEE ALSO sections do not count.  Pages are read
# through `mandoc -Thtml`, which understands both man(7) and mdoc(7).
#
# Kernel switches are named the same way on both sides: the leading name
# ("ubd" for ubd<n><flags>=..., "mem" for mem=<size>), plus a literal
# value where the kernel documents one ("time-travel=inf-cpu",
# "mconsole=notify").  In a man page, italic text is a placeholder.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import re
import subprocess
import sys
from html.parser import HTMLParser

OPTION = re.compile(r'(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)')
SKIP_SECTIONS = {'EXAMPLES', 'EXAMPLE', 'SEE ALSO', 'SEE_ALSO'}


def die(msg):
    print('mancheck.py: error: ' + msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.read()
    except OSError as e:
        die('%s: %s' % (path, e.strerror))


class Page(HTMLParser):
    """Collect the text of every <dt> (placeholders as <>) and of the
    SYNOPSIS section, with the section each belongs to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = ''
        self.in_h1 = False
        self.h1 = ''
        self.dt = None
        self.italic = 0
        self.tags = []        # (section, text)
        self.synopsis = []

    def handle_starttag(self, tag, attrs):
        if tag == 'h1':
            self.in_h1 = True
            self.h1 = ''
        elif tag == 'dt':
            self.dt = ''
        elif tag == 'i':
            if self.italic == 0:
                self.emit('<>')
            self.italic += 1

    def handle_endtag(self, tag):
        if tag == 'h1':
            self.in_h1 = False
            self.section = ' '.join(self.h1.split()).upper()
        elif tag == 'dt' and self.dt is not None:
            self.tags.append((self.section, ' '.join(self.dt.split())))
            self.dt = None
        elif tag == 'i' and self.italic:
            self.italic -= 1

    def emit(self, text):
        if self.dt is not None:
            self.dt += text
        if self.section == 'SYNOPSIS':
            self.synopsis.append(text)

    def handle_data(self, data):
        if self.in_h1:
            self.h1 += data
            return
        if self.italic:
            return
        self.emit(data)


def parse_page(path):
    read(path)
    try:
        html = subprocess.run(['mandoc', '-Thtml', '-Ofragment', path],
                              check=True, capture_output=True,
                              text=True).stdout
    except FileNotFoundError:
        die('mandoc not found (apt-get install mandoc)')
    except subprocess.CalledProcessError as e:
        die('mandoc failed on %s: %s' % (path, e.stderr.strip()))
    page = Page()
    page.feed(html)
    return page


def help_options(path):
    return set(OPTION.findall(read(path)))


def man_options(path):
    page = parse_page(path)
    found = set()
    for section, text in page.tags:
        if section not in SKIP_SECTIONS:
            found |= set(OPTION.findall(text.replace('<>', ' ')))
    found |= set(OPTION.findall(' '.join(page.synopsis).replace('<>', ' ')))
    return found


def switch_key(token):
    """The name of a kernel switch written as TOKEN (see the header)."""
    m = re.match(r'-{0,2}[A-Za-z_][A-Za-z_.-]*', token)
    if not m:
        return None
    name = m.group(0).rstrip('.-')
    rest = token[len(name):]
    lit = re.match(r'=([a-z][a-z-]*)(?=:|\[|$)', rest)
    if lit:
        return name + '=' + lit.group(1)
    return name


def kernel_switches(path):
    found = set()
    for line in read(path).split('\n'):
        if not line or line[0].isspace() or line.startswith('User Mode Linux'):
            continue
        words = line.split()
        first = words[0]
        if not re.match(r'-{0,2}[a-z_][A-Za-z0-9_.-]*([\[<=:]|$)', first):
            continue
        if len(words) == 1 or re.search(r'[=<:\[]', first) or first.startswith('-'):
            key = switch_key(first)
            if key:
                found.add(key)
    return found


def man_switches(path):
    page = parse_page(path)
    found = set()
    for section, text in page.tags:
        if section in SKIP_SECTIONS:
            continue
        for part in re.split(r',\s+|\s+\|\s+|\s+or\s+', text):
            part = part.strip()
            if part:
                key = switch_key(part.split()[0])
                if key:
                    found.add(key)
    return found


def main():
    cmds = {'help-options': help_options, 'man-options': man_options,
            'kernel-switches': kernel_switches, 'man-switches': man_switches}
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        die('usage: mancheck.py help-options|man-options|kernel-switches|'
            'man-switches FILE')
    for name in sorted(cmds[sys.argv[1]](sys.argv[2])):
        print(name)


if __name__ == '__main__':
    main()
