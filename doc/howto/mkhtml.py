#!/usr/bin/env python3
# Build the HOWTO's HTML page from its Markdown source (python3-markdown).
#
# usage: mkhtml.py HOWTO.md OUT.html VERSION
#
# Runnable examples (fenced blocks with the class "run", see examples.py)
# are marked "tested by make check" in the page.  OUT.html is written under
# a temporary name and renamed: a failed build leaves no partial page.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
import html
import os
import sys

try:
    import markdown
except ImportError:
    print('mkhtml.py: error: the Python markdown module is missing '
          '(apt-get install python3-markdown)', file=sys.stderr)
    sys.exit(1)

STYLE = """
body { max-width: 52em; margin: 2em auto; padding: 0 1em;
       font-family: sans-serif; line-height: 1.45; color: #222; }
pre { background: #f4f4f4; padding: .6em .8em; overflow-x: auto; }
pre code.run { display: block; }
pre code.run::before { content: "tested by make check"; float: right;
       font-size: .75em; color: #2a6a2a; }
code { font-size: .95em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .2em .5em; vertical-align: top; }
h1, h2, h3 { line-height: 1.2; }
.toc ul { list-style: none; padding-left: 1.2em; }
"""


def main():
    if len(sys.argv) != 4:
        print('usage: mkhtml.py HOWTO.md OUT.html VERSION', file=sys.stderr)
        sys.exit(2)
    src, out, version = sys.argv[1:]
    try:
        with open(src, encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        print('mkhtml.py: error: %s: %s' % (src, e.strerror), file=sys.stderr)
        sys.exit(1)
    md = markdown.Markdown(extensions=['fenced_code', 'attr_list', 'tables',
                                       'toc'],
                           extension_configs={'toc': {'toc_depth': '2-3'}})
    body = md.convert(text)
    title = 'User Mode Linux HOWTO (user-mode-linux %s)' % version
    page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n'
            '<nav class="toc">%s</nav>\n%s\n</body>\n</html>\n'
            % (html.escape(title), STYLE, md.toc, body))
    tmp = out + '.tmp'
    try:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(page)
        os.replace(tmp, out)
    except OSError as e:
        print('mkhtml.py: error: %s: %s' % (out, e.strerror), file=sys.stderr)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        sys.exit(1)


if __name__ == '__main__':
    main()
