# m4/uml-libs.m4: the utilities' (utils/) compiler flags and libraries.
# Optional ones are tri-state (--with-x=auto|yes|no) and fail only when
# asked for explicitly; required ones fail with the package to install.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

dnl UML_AC_LIBS: everything utils/ links with, in order.
AC_DEFUN([UML_AC_LIBS], [
	AC_REQUIRE([PKG_PROG_PKG_CONFIG])
	UML_AC_UTILS_CFLAGS
	UML_AC_LIB_READLINE
	UML_AC_LIB_ZLIB
	UML_AC_LIB_LIBCAP
	UML_AC_LIB_LIBMNL
	UML_AC_LIB_LIBFDT
])

dnl UML_AC_UTILS_CFLAGS: warnings, and the sanitizers on request.  They
dnl apply to utils/ only, never to the kernel build.
AC_DEFUN([UML_AC_UTILS_CFLAGS], [
	UTILS_CFLAGS="-Wall -Wextra"
	AC_ARG_ENABLE([sanitizers],
		[AS_HELP_STRING([--enable-sanitizers],
			[build the utilities with AddressSanitizer and
			 UndefinedBehaviorSanitizer (for testing)])],
		[], [enable_sanitizers=no])
	dnl (the test suite knows: some checks cannot run under the sanitizers)
	AC_SUBST([UML_SANITIZERS], [$enable_sanitizers])
	if test "$enable_sanitizers" = yes; then
		UTILS_CFLAGS="$UTILS_CFLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
		LDFLAGS="$LDFLAGS -fsanitize=address,undefined"
	fi
	AC_SUBST([UTILS_CFLAGS])
])

dnl UML_AC_LIB_READLINE: line editing for uml_mconsole's interactive
dnl mode: readline, else libedit, else plain fgets.  Sets uml_readline.
AC_DEFUN([UML_AC_LIB_READLINE], [
	AC_ARG_WITH([readline],
		[AS_HELP_STRING([--with-readline=auto|yes|no],
			[line editing in uml_mconsole with readline or libedit
			 (default: auto, plain input when neither is found)])],
		[], [with_readline=auto])
	uml_readline=no
	AS_CASE([$with_readline],
		[yes|auto], [
			PKG_CHECK_MODULES([READLINE], [readline], [uml_readline=readline], [
				PKG_CHECK_MODULES([READLINE], [libedit], [uml_readline=libedit],
					[uml_readline=no])])
			if test "$uml_readline" = no && test "$with_readline" = yes; then
				AC_MSG_ERROR([--with-readline=yes but neither readline nor libedit was found (apt-get install libreadline-dev)])
			fi],
		[no], [],
		[AC_MSG_ERROR([--with-readline takes auto, yes or no, not '$with_readline'])])
	AS_CASE([$uml_readline],
		[readline], [AC_DEFINE([HAVE_READLINE], [1], [GNU readline])],
		[libedit], [AC_DEFINE([HAVE_LIBEDIT], [1], [libedit (readline API)])],
		[READLINE_CFLAGS= READLINE_LIBS=])
	AC_SUBST([READLINE_CFLAGS])
	AC_SUBST([READLINE_LIBS])
])

dnl UML_AC_LIB_ZLIB: uml_cow pack/unpack.
AC_DEFUN([UML_AC_LIB_ZLIB], [
	PKG_CHECK_MODULES([ZLIB], [zlib], [],
		[AC_MSG_ERROR([zlib not found: apt-get install zlib1g-dev pkg-config])])
])

dnl UML_AC_LIB_LIBCAP: tunctl checks CAP_NET_ADMIN with libcap before
dnl touching /dev/net/tun, so that a missing privilege is named, not
dnl reported as a bare EPERM.
AC_DEFUN([UML_AC_LIB_LIBCAP], [
	PKG_CHECK_MODULES([LIBCAP], [libcap], [],
		[AC_MSG_ERROR([libcap not found: apt-get install libcap-dev pkg-config])])
])

dnl UML_AC_LIB_LIBMNL: uml_net talks rtnetlink through libmnl (no
dnl ifconfig, no route).
AC_DEFUN([UML_AC_LIB_LIBMNL], [
	PKG_CHECK_MODULES([LIBMNL], [libmnl], [],
		[AC_MSG_ERROR([libmnl not found: apt-get install libmnl-dev pkg-config])])
])

dnl UML_AC_LIB_LIBFDT: umlctl checks a guest's dtb with libfdt (Debian's
dnl libfdt-dev ships no pkg-config file before 1.7).
AC_DEFUN([UML_AC_LIB_LIBFDT], [
	PKG_CHECK_MODULES([LIBFDT], [libfdt], [], [
		AC_CHECK_HEADER([libfdt.h], [],
			[AC_MSG_ERROR([libfdt.h not found: apt-get install libfdt-dev])])
		AC_CHECK_LIB([fdt], [fdt_check_full], [LIBFDT_LIBS=-lfdt],
			[AC_MSG_ERROR([libfdt with fdt_check_full not found: apt-get install libfdt-dev])])])
])
