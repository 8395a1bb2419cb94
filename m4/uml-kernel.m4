# m4/uml-kernel.m4: the kernel side of configure.  One macro per question
# (which SUBARCH, which source, which series, which fragments, which
# build tools); UML_AC_KERNEL asks them in order.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

dnl The series the package is made for, and the Debian package of its
dnl source: named once, in build-aux/kernel-series (build-aux/install-deps
dnl and debian/rules read it there too; uml.build/series.exp checks that
dnl debian/control, the README, INSTALL and the rpm spec agree).
m4_define([UML_M4_DEFAULT_SERIES],
	m4_esyscmd_s([sed -e '/^#/d' -e '/^$/d' build-aux/kernel-series]))
m4_bmatch(m4_defn([UML_M4_DEFAULT_SERIES]), [\`[0-9]+\.[0-9]+\'], [],
	[m4_fatal([build-aux/kernel-series must hold one line besides its comments, the default series X.Y])])
m4_define([UML_M4_DEFAULT_KSOURCE_PKG], [linux-source-]UML_M4_DEFAULT_SERIES)

dnl UML_AC_KERNEL: everything about the kernel this tree builds.
AC_DEFUN([UML_AC_KERNEL], [
	AC_SUBST([UML_DEFAULT_SERIES], [UML_M4_DEFAULT_SERIES])
	UML_AC_KERNEL_SUBARCH
	UML_AC_KERNEL_PREBUILT
	UML_AC_KERNEL_SOURCE
	UML_AC_KERNEL_SOURCE_KIND
	UML_AC_KERNEL_VERSION
	UML_AC_KERNEL_CONFIG_EXTRA
	UML_AC_KERNEL_CCACHE
	UML_AC_KERNEL_TOOLS
	UML_AC_KERNEL_VDE
	UML_AC_KERNEL_SMP
	UML_AC_KERNEL_DEBIAN_OPTIONS
])

dnl UML_AC_KERNEL_SUBARCH: ARCH=um SUBARCH=<host>.
AC_DEFUN([UML_AC_KERNEL_SUBARCH], [
	AC_REQUIRE([AC_CANONICAL_HOST])
	AC_MSG_CHECKING([for the UML SUBARCH of $host_cpu])
	case "$host_cpu" in
	x86_64)		UML_SUBARCH=x86_64 ;;
	i?86)		UML_SUBARCH=i386 ;;
	*)		AC_MSG_RESULT([none])
			AC_MSG_ERROR([User Mode Linux runs on x86_64 and i386 hosts, not on $host_cpu]) ;;
	esac
	AC_MSG_RESULT([$UML_SUBARCH])
	AC_SUBST([UML_SUBARCH])
])

dnl UML_AC_KERNEL_PREBUILT: a kernel already built in another build
dnl directory of this package.  This build then only links to its
dnl linux/src and linux/build (for a second build of the utilities, e.g.
dnl --enable-sanitizers, with no second kernel build), and the source is
dnl that directory's.
AC_DEFUN([UML_AC_KERNEL_PREBUILT], [
	AC_ARG_WITH([prebuilt-kernel],
		[AS_HELP_STRING([--with-prebuilt-kernel=BUILDDIR],
			[use the kernel and modules built in BUILDDIR, another build
			 directory of this package, instead of building them here])],
		[], [with_prebuilt_kernel=no])
	PREBUILT_KERNEL=
	AS_CASE([$with_prebuilt_kernel],
		[no|""], [],
		[yes], [AC_MSG_ERROR([--with-prebuilt-kernel needs a build directory: --with-prebuilt-kernel=BUILDDIR])],
		[/*], [PREBUILT_KERNEL=$with_prebuilt_kernel],
		[PREBUILT_KERNEL="$(pwd)/$with_prebuilt_kernel"])
	if test -n "$PREBUILT_KERNEL"; then
		AC_MSG_CHECKING([for a built kernel in $PREBUILT_KERNEL])
		for uml_f in linux/build/linux linux/build/include/config/kernel.release \
			     linux/build/modules.order linux/src/Makefile; do
			if test ! -f "$PREBUILT_KERNEL/$uml_f"; then
				AC_MSG_RESULT([no])
				AC_MSG_ERROR([--with-prebuilt-kernel=$PREBUILT_KERNEL: no $uml_f there; run make in that build directory first])
			fi
		done
		uml_krelease=$(cat "$PREBUILT_KERNEL/linux/build/include/config/kernel.release")
		AC_MSG_RESULT([$uml_krelease])
		if test "$with_linux" != "" && test "$with_linux" != auto &&
		   test "$with_linux" != "$PREBUILT_KERNEL/linux/src"; then
			AC_MSG_ERROR([--with-linux and --with-prebuilt-kernel exclude each other (the prebuilt kernel's source is $PREBUILT_KERNEL/linux/src)])
		fi
		with_linux="$PREBUILT_KERNEL/linux/src"
		# Links left by an earlier configure to another prebuilt
		# kernel: make would find their targets and keep them.
		for uml_f in linux/src linux/build; do
			uml_to=
			test ! -L "$uml_f" || uml_to=$(readlink "$uml_f")
			if test -n "$uml_to" && test "$uml_to" != "$PREBUILT_KERNEL/$uml_f"; then
				AC_MSG_NOTICE([$uml_f linked to $uml_to, not $PREBUILT_KERNEL/$uml_f: removed])
				rm -f "$uml_f"
			fi
		done
	fi
	AC_SUBST([PREBUILT_KERNEL])
	AM_CONDITIONAL([PREBUILT_KERNEL], [test -n "$PREBUILT_KERNEL"])
])

dnl UML_AC_KERNEL_SOURCE: which kernel source, as an absolute path:
dnl --with-linux, else the newest /usr/src/linux-source-X.Y.tar.xz.
AC_DEFUN([UML_AC_KERNEL_SOURCE], [
	AC_REQUIRE([AC_PROG_SED])
	AC_ARG_WITH([linux],
		[AS_HELP_STRING([--with-linux=PATH],
			[kernel source: an unpacked tree or a linux-source-X.Y.tar.xz
			 (default: the newest /usr/src/linux-source-*.tar.xz)])],
		[], [with_linux=auto])

	AS_CASE([$with_linux],
		[yes|auto|""], [with_linux=auto],
		[no], [AC_MSG_ERROR([--without-linux is not supported: this package builds a kernel])])

	if test "$with_linux" = auto; then
		AC_MSG_CHECKING([for the newest Debian kernel source tarball])
		with_linux=$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | \
			$SED -n 's,^.*/linux-source-\(@<:@0-9@:>@*\)\.\(@<:@0-9@:>@*\)\.tar\.xz$,\1 \2 &,p' | \
			sort -n -k1,1 -k2,2 | tail -n 1 | cut -d' ' -f3-)
		if test -z "$with_linux"; then
			AC_MSG_RESULT([none])
			AC_MSG_ERROR([no kernel source found in /usr/src; install one with 'apt-get install ]UML_M4_DEFAULT_KSOURCE_PKG[' or pass --with-linux=PATH])
		fi
		AC_MSG_RESULT([$with_linux])
	fi

	dnl Absolute: the build runs from other directories.
	case "$with_linux" in
	/*) ;;
	*) with_linux="$(pwd)/$with_linux" ;;
	esac
	KSRC="$with_linux"
	AC_SUBST([KSRC])
])

dnl UML_AC_KERNEL_SOURCE_KIND: is $KSRC a kernel tree (KSRC_KIND=dir) or
dnl a readable tarball of one (tar)?  Leaves the head of its top-level
dnl Makefile in uml_kmakefile for UML_AC_KERNEL_VERSION, and opens the
dnl "checking kernel source" line that UML_AC_KERNEL_VERSION closes.
AC_DEFUN([UML_AC_KERNEL_SOURCE_KIND], [
	AC_MSG_CHECKING([kernel source $KSRC])
	if test -d "$KSRC"; then
		if test ! -f "$KSRC/Makefile" || test ! -f "$KSRC/arch/um/Makefile" ||
		   test ! -f "$KSRC/scripts/kconfig/merge_config.sh"; then
			AC_MSG_RESULT([not a kernel tree])
			AC_MSG_ERROR([--with-linux=$KSRC is a directory but not a Linux kernel source tree (no Makefile, arch/um or scripts/kconfig)])
		fi
		KSRC_KIND=dir
		uml_kmakefile=$(head -n 12 "$KSRC/Makefile")
	elif test -f "$KSRC"; then
		case "$KSRC" in
		*.tar.xz|*.txz)		uml_tar_z=J ;;
		*.tar.gz|*.tgz)		uml_tar_z=z ;;
		*.tar.bz2|*.tbz2)	uml_tar_z=j ;;
		*.tar)			uml_tar_z= ;;
		*)	AC_MSG_RESULT([unknown])
			AC_MSG_ERROR([--with-linux=$KSRC is neither a directory nor a .tar.xz/.tar.gz/.tar.bz2/.tar kernel tarball]) ;;
		esac
		uml_ktop=$( (tar -t${uml_tar_z}f "$KSRC" 2>/dev/null || :) | head -n 1 | cut -d/ -f1)
		if test -z "$uml_ktop"; then
			AC_MSG_RESULT([unreadable])
			AC_MSG_ERROR([--with-linux=$KSRC is not a readable tarball (corrupt or truncated?)])
		fi
		uml_kmakefile=$(tar -x${uml_tar_z}Of "$KSRC" --occurrence=1 "$uml_ktop/Makefile" 2>/dev/null | head -n 12)
		KSRC_KIND=tar
	else
		AC_MSG_RESULT([missing])
		AC_MSG_ERROR([--with-linux=$KSRC does not exist])
	fi
	AC_SUBST([KSRC_KIND])
])

dnl UML_AC_KERNEL_VERSION: VERSION, PATCHLEVEL and SUBLEVEL from the
dnl source's Makefile; KSERIES=X.Y picks linux/patches/X.Y.
AC_DEFUN([UML_AC_KERNEL_VERSION], [
	uml_kget() {
		printf '%s\n' "$uml_kmakefile" | $SED -n "s/^$[]1 *= *\(@<:@0-9@:>@*\) *\$/\1/p" | head -n 1
	}
	KVERSION=$(uml_kget VERSION)
	KPATCHLEVEL=$(uml_kget PATCHLEVEL)
	KSUBLEVEL=$(uml_kget SUBLEVEL)
	if test -z "$KVERSION" || test -z "$KPATCHLEVEL"; then
		AC_MSG_RESULT([no version])
		AC_MSG_ERROR([--with-linux=$KSRC: cannot read VERSION/PATCHLEVEL from its top-level Makefile; is it a Linux kernel source (or a corrupt tarball)?])
	fi
	KSERIES="$KVERSION.$KPATCHLEVEL"
	AC_MSG_RESULT([Linux $KSERIES.${KSUBLEVEL:-0} ($KSRC_KIND)])
	if test "$KVERSION" -lt 6 || { test "$KVERSION" -eq 6 && test "$KPATCHLEVEL" -lt 1; }; then
		AC_MSG_ERROR([Linux $KSERIES is too old: this package supports Linux 6.1 and later (apt-get install ]UML_M4_DEFAULT_KSOURCE_PKG[)])
	fi
	AC_SUBST([KSERIES])
	AC_SUBST([KVERSION])
	AC_SUBST([KPATCHLEVEL])
	AC_SUBST([KSUBLEVEL])
])

dnl UML_AC_KERNEL_CONFIG_EXTRA: extra configuration fragments, merged
dnl after linux/config/*.config.
AC_DEFUN([UML_AC_KERNEL_CONFIG_EXTRA], [
	AC_ARG_WITH([kernel-config],
		[AS_HELP_STRING([--with-kernel-config=FILES],
			[extra kernel config fragments (space-separated), merged after the
			 package's own])],
		[], [with_kernel_config=])
	KCONFIG_EXTRA=
	for f in $with_kernel_config; do
		case "$f" in
		/*) ;;
		*) f="$(pwd)/$f" ;;
		esac
		test -r "$f" || AC_MSG_ERROR([--with-kernel-config: cannot read fragment $f])
		KCONFIG_EXTRA="$KCONFIG_EXTRA $f"
	done
	AC_SUBST([KCONFIG_EXTRA])
])

dnl UML_AC_KERNEL_CCACHE: compile the kernel through ccache when it is
dnl installed (--enable-ccache: insist, --disable-ccache: never).
AC_DEFUN([UML_AC_KERNEL_CCACHE], [
	AC_ARG_ENABLE([ccache],
		[AS_HELP_STRING([--disable-ccache], [do not use ccache for the kernel build
			(default: use it when installed)])],
		[], [enable_ccache=auto])
	CCACHE=
	if test "$enable_ccache" != no; then
		AC_PATH_PROG([CCACHE_PROG], [ccache])
		if test -n "$CCACHE_PROG"; then
			CCACHE="$CCACHE_PROG"
		elif test "$enable_ccache" = yes; then
			AC_MSG_ERROR([--enable-ccache given but ccache is not installed (apt-get install ccache)])
		fi
	fi
	AC_SUBST([CCACHE])
])

dnl UML_AC_KERNEL_TOOLS: what Kbuild and the module install need.
AC_DEFUN([UML_AC_KERNEL_TOOLS], [
	uml_missing=
	for uml_tool in bc bison flex perl xz patch; do
		AC_MSG_CHECKING([for $uml_tool])
		if command -v "$uml_tool" >/dev/null 2>&1; then
			AC_MSG_RESULT([yes])
		else
			AC_MSG_RESULT([no])
			uml_missing="$uml_missing $uml_tool"
		fi
	done
	if test -n "$uml_missing"; then
		AC_MSG_ERROR([the kernel build needs:$uml_missing (apt-get install bc bison flex perl xz-utils patch)])
	fi
	AC_PATH_PROG([DEPMOD], [depmod], [], [$PATH$PATH_SEPARATOR/sbin$PATH_SEPARATOR/usr/sbin])
	test -n "$DEPMOD" || AC_MSG_ERROR([depmod not found (apt-get install kmod)])
])

dnl UML_AC_KERNEL_VDE: the legacy VDE transport links libvdeplug where
dnl the source still has it; --without-vde leaves its fragment out.
AC_DEFUN([UML_AC_KERNEL_VDE], [
	AC_ARG_WITH([vde],
		[AS_HELP_STRING([--without-vde],
			[leave out the legacy vde network transport (default: build it;
			 needs libvdeplug-dev)])],
		[], [with_vde=yes])
	if test "$with_vde" != no; then
		AC_CHECK_HEADER([libvdeplug.h], [],
			[AC_MSG_ERROR([libvdeplug.h not found: apt-get install libvdeplug-dev, or configure --without-vde])])
	fi
	AM_CONDITIONAL([WITH_VDE], [test "$with_vde" != no])
])

dnl UML_AC_KERNEL_SMP: on kernels whose UML has SMP (6.19 and later),
dnl linux/config/40-smp.config builds an SMP kernel (ncpus=N, seccomp
dnl mode only, no time-travel); --disable-uml-smp leaves it out, for the
dnl uniprocessor kernel with time-travel.  Older kernels are always
dnl uniprocessor (the fragment skips itself there).
AC_DEFUN([UML_AC_KERNEL_SMP], [
	AC_ARG_ENABLE([uml-smp],
		[AS_HELP_STRING([--disable-uml-smp],
			[build the uniprocessor kernel, with time-travel, on kernels that
			 have UML SMP (6.19 and later; default: SMP, NR_CPUS=16, no
			 time-travel)])],
		[], [enable_uml_smp=yes])
	case "$enable_uml_smp" in
	yes|no) ;;
	*) AC_MSG_ERROR([--enable-uml-smp=$enable_uml_smp: give yes or no]) ;;
	esac
	if test -n "$PREBUILT_KERNEL"; then
		uml_smp_summary="as the prebuilt kernel was built"
	elif test "$enable_uml_smp" = yes &&
	   { test "$KVERSION" -lt 6 || { test "$KVERSION" -eq 6 && test "$KPATCHLEVEL" -lt 19; }; }; then
		uml_smp_summary="no (Linux $KSERIES has no UML SMP; time-travel kept)"
	elif test "$enable_uml_smp" = yes; then
		uml_smp_summary="yes (NR_CPUS=16, seccomp mode only, no time-travel)"
	else
		uml_smp_summary="no (--disable-uml-smp; time-travel kept)"
	fi
	AM_CONDITIONAL([UML_SMP], [test "$enable_uml_smp" = yes])
])

dnl UML_AC_KERNEL_DEBIAN_OPTIONS: --enable-debian-options adds the
dnl linux/config/6x-debian-*.config fragments, everything the config of
dnl Debian's user-mode-linux package enables (about 940 modules), so that
dnl the kernel can stand in for Debian's; the Debian and RPM packages
dnl build with it.  Off by default: it makes a cold kernel build about
dnl 2.5 times as long, and what it adds is modules no test needs.
AC_DEFUN([UML_AC_KERNEL_DEBIAN_OPTIONS], [
	AC_ARG_ENABLE([debian-options],
		[AS_HELP_STRING([--enable-debian-options],
			[enable every kernel option Debian's user-mode-linux enables
			 (linux/config/6x-debian-*.config; the packages use it;
			 default: no, a build 2.5 times as short)])],
		[], [enable_debian_options=no])
	case "$enable_debian_options" in
	yes|no) ;;
	*) AC_MSG_ERROR([--enable-debian-options=$enable_debian_options: give yes or no]) ;;
	esac
	UML_DEBIAN_OPTIONS=$enable_debian_options
	AC_SUBST([UML_DEBIAN_OPTIONS])
	AM_CONDITIONAL([DEBIAN_OPTIONS], [test "$enable_debian_options" = yes])
])
