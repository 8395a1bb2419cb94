# linux/kconfig-symbols.awk: read the Kconfig files named on standard
# input (one path per line) and print one line per option they define,
# "CONFIG_NAME TYPE visible|hidden".  TYPE is bool, tristate, string, int
# or hex (unknown when no definition gives one); visible means that some
# definition has a prompt, so that a .config can set the option, and
# hidden that it follows from the options that select it or from its
# default.  Run as
#   find SRCTREE -name 'Kconfig*' -type f | awk -f kconfig-symbols.awk
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

# The width of L's leading white space, tabs to 8.
function indent(l,    n, c) {
	n = 0
	while ((c = substr(l, 1, 1)) == " " || c == "\t") {
		n = c == " " ? n + 1 : n - n % 8 + 8
		l = substr(l, 2)
	}
	return n
}

function line(l,    w, t) {
	# Help text ends at the first line indented less than its own first.
	if (inhelp && l !~ /^[[:space:]]*$/) {
		if (helpindent < 0)
			helpindent = indent(l)
		if (indent(l) >= helpindent)
			return
		inhelp = 0
	}
	if (inhelp)
		return
	if (l ~ /^[[:space:]]*(help|---help---)[[:space:]]*$/) {
		inhelp = 1
		helpindent = -1
	} else if (l ~ /^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+[[:space:]]*$/) {
		split(l, w, " ")
		cur = w[2]
		if (!(cur in vis))
			vis[cur] = 0
	} else if (l ~ /^[[:space:]]*(choice|endchoice|menu|endmenu|if|endif|source|comment|mainmenu)([[:space:]]|$)/) {
		cur = ""
	} else if (cur == "") {
		return
	} else if (l ~ /^[[:space:]]*(def_)?(bool|tristate|string|int|hex)([[:space:]]|$)/) {
		split(l, w, " ")
		t = w[1]
		sub(/^def_/, "", t)
		if (type[cur] != "tristate")
			type[cur] = t
		if (w[1] !~ /^def_/ && l ~ /(bool|tristate|string|int|hex)[[:space:]]+["\047]/)
			vis[cur] = 1
	} else if (l ~ /^[[:space:]]*prompt[[:space:]]+["\047]/) {
		vis[cur] = 1
	}
}

{
	cur = ""
	inhelp = 0
	while ((getline l < $0) > 0)
		line(l)
	close($0)
}

END {
	for (s in vis)
		print "CONFIG_" s, (s in type ? type[s] : "unknown"), (vis[s] ? "visible" : "hidden")
}
