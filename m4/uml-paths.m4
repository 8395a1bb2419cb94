# m4/uml-paths.m4: where `make install` puts what lies outside the usual
# --prefix/--libdir directories, and how.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

dnl UML_AC_PATHS: the install layout switches, in order.
AC_DEFUN([UML_AC_PATHS], [
	AC_REQUIRE([PKG_PROG_PKG_CONFIG])
	UML_AC_PATH_LINUX_SYMLINK
	UML_AC_PATH_SETUID_INSTALL
	UML_AC_PATH_SYSTEMD_UNITDIR
	UML_AC_PATH_UML_USER
	UML_AC_PATH_PORT_HELPER_DIR
])

dnl UML_AC_PATH_LINUX_SYMLINK: bindir/linux -> linux.uml, unless the
dnl packager uses update-alternatives.
AC_DEFUN([UML_AC_PATH_LINUX_SYMLINK], [
	AC_ARG_ENABLE([linux-symlink],
		[AS_HELP_STRING([--disable-linux-symlink],
			[do not install the bindir/linux -> linux.uml symlink (for
			 packagers who use update-alternatives)])],
		[], [enable_linux_symlink=yes])
	AM_CONDITIONAL([LINUX_SYMLINK], [test "$enable_linux_symlink" != no])
])

dnl UML_AC_PATH_SETUID_INSTALL: uml_net is a set-uid helper; plain `make
dnl install` installs it 0755, packages ask for mode 4754 (group uml-net).
AC_DEFUN([UML_AC_PATH_SETUID_INSTALL], [
	AC_ARG_ENABLE([setuid-install],
		[AS_HELP_STRING([--enable-setuid-install],
			[install uml_net set-uid root, mode 4754, group uml-net if
			 that group exists (default: no, mode 0755)])],
		[], [enable_setuid_install=no])
	AS_CASE([$enable_setuid_install], [yes|no], [],
		[AC_MSG_ERROR([--enable-setuid-install takes yes or no, not '$enable_setuid_install'])])
	AM_CONDITIONAL([SETUID_INSTALL], [test "$enable_setuid_install" = yes])
])

dnl UML_AC_PATH_SYSTEMD_UNITDIR: where uml@.service goes (umlctl).
AC_DEFUN([UML_AC_PATH_SYSTEMD_UNITDIR], [
	AC_ARG_WITH([systemdsystemunitdir],
		[AS_HELP_STRING([--with-systemdsystemunitdir=DIR],
			[where to install uml@.service (default: systemd's own, from
			 pkg-config, else /lib/systemd/system)])],
		[], [with_systemdsystemunitdir=auto])
	AS_CASE([$with_systemdsystemunitdir],
		[auto|yes|""], [with_systemdsystemunitdir=$($PKG_CONFIG --variable=systemdsystemunitdir systemd 2>/dev/null)
			test -n "$with_systemdsystemunitdir" || with_systemdsystemunitdir=/lib/systemd/system],
		[no], [AC_MSG_ERROR([--without-systemdsystemunitdir: uml@.service is part of the package])],
		[/*], [],
		[AC_MSG_ERROR([--with-systemdsystemunitdir=$with_systemdsystemunitdir is not an absolute path])])
	AC_SUBST([systemdsystemunitdir], [$with_systemdsystemunitdir])
])

dnl UML_AC_PATH_UML_USER: the user uml@.service runs guests as.
AC_DEFUN([UML_AC_PATH_UML_USER], [
	AC_ARG_WITH([uml-user],
		[AS_HELP_STRING([--with-uml-user=NAME],
			[the user uml@.service runs guests as (default: uml)])],
		[], [with_uml_user=uml])
	AS_CASE([$with_uml_user],
		[yes|no|""|*[[!a-z0-9_-]]*], [AC_MSG_ERROR([--with-uml-user=$with_uml_user is not a user name])])
	AC_SUBST([UML_USER], [$with_uml_user])
])

dnl UML_AC_PATH_PORT_HELPER_DIR: port-helper must be where the kernel runs
dnl it from: arch/um/drivers/port_user.c and xterm.c exec OS_LIB_PATH
dnl "/uml/port-helper", a fixed path, whatever --prefix or --libdir say.
dnl Which OS_LIB_PATH a series compiles in is not the config's (6.1 and
dnl 6.12 build those files without the kernel's config, so a 64-bit kernel
dnl says /usr/lib/; 7.x says /usr/lib64/), so by default the build reads
dnl it from the kernel it built (linux/port-helper-dir.sh) and installs
dnl port-helper there.  The port channel also honours $UML_PORT_HELPER;
dnl the xterm channel falls back to "port-helper" in $PATH.
AC_DEFUN([UML_AC_PATH_PORT_HELPER_DIR], [
	AC_ARG_WITH([port-helper-dir],
		[AS_HELP_STRING([--with-port-helper-dir=DIR],
			[where to install port-helper (default: where the built
			 kernel runs it from, read from the kernel binary)])],
		[], [with_port_helper_dir=auto])
	AC_MSG_CHECKING([where to install port-helper])
	AS_CASE([$with_port_helper_dir],
		[auto|yes|""], [PORT_HELPER_DIR=
			AC_MSG_RESULT([where the built kernel runs it from])],
		[no], [AC_MSG_ERROR([--without-port-helper-dir: the port and xterm consoles need port-helper])],
		[/*], [PORT_HELPER_DIR=$with_port_helper_dir
			AC_MSG_RESULT([$PORT_HELPER_DIR])],
		[AC_MSG_ERROR([--with-port-helper-dir=$with_port_helper_dir is not an absolute path])])
	AC_SUBST([PORT_HELPER_DIR])
])
