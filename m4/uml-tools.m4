# m4/uml-tools.m4: the programs the test suite, the documentation and
# `make fuzz` use.  Missing test tools make tests UNSUPPORTED, not the
# configure fail; the HTML HOWTO needs python3-markdown unless
# --disable-howto.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

dnl UML_AC_TEST_TOOLS: runtest, and what the test guest is made with.
AC_DEFUN([UML_AC_TEST_TOOLS], [
	AC_CHECK_PROG([HAVE_RUNTEST], [runtest], [yes], [no])
	AC_PATH_PROG([BUSYBOX], [busybox], [],
		[/bin$PATH_SEPARATOR/usr/bin$PATH_SEPARATOR$PATH])
	AC_PATH_PROG([MKE2FS], [mke2fs], [], [$PATH$PATH_SEPARATOR/sbin$PATH_SEPARATOR/usr/sbin])
	AC_PATH_PROG([DTC], [dtc])
])

dnl UML_AC_DOC_TOOLS: the HOWTO (doc/howto/howto.md) is built to HTML with
dnl python3-markdown; the documentation tests lint the man pages with
dnl mandoc.  --disable-howto builds and installs no HTML (the HOWTO's
dnl examples are still tested).
AC_DEFUN([UML_AC_DOC_TOOLS], [
	AC_ARG_ENABLE([howto],
		[AS_HELP_STRING([--disable-howto],
			[do not build the HTML HOWTO (which needs python3-markdown)])],
		[], [enable_howto=yes])
	PYTHON3_MARKDOWN=
	if test "$enable_howto" != no; then
		AC_MSG_CHECKING([for a python3 with the markdown module])
		for uml_py in "${PYTHON3:-python3}" /usr/bin/python3; do
			if "$uml_py" -c 'import markdown' >/dev/null 2>&1; then
				PYTHON3_MARKDOWN=$uml_py
				break
			fi
		done
		if test -z "$PYTHON3_MARKDOWN"; then
			AC_MSG_RESULT([no])
			AC_MSG_ERROR([the HTML HOWTO needs python3-markdown: apt-get install python3-markdown, or configure --disable-howto])
		fi
		AC_MSG_RESULT([$PYTHON3_MARKDOWN])
	fi
	AC_SUBST([PYTHON3_MARKDOWN])
	AM_CONDITIONAL([BUILD_HOWTO], [test "$enable_howto" != no])
	AC_PATH_PROG([MANDOC], [mandoc])
])

dnl UML_AC_FUZZ: `make fuzz` builds libFuzzer targets when clang is there.
AC_DEFUN([UML_AC_FUZZ], [
	AC_CHECK_PROG([HAVE_CLANG], [clang], [yes], [no])
])
