// SPDX-License-Identifier: GPL-2.0-only
/*
 * halt-window.so: an LD_PRELOAD helper for uml.boot/halt-window.exp.
 *
 * Every call of timer_settime() that disarms a timer sleeps first for
 * UML_TEST_DISARM_DELAY_MS milliseconds (default 50), with the timer
 * still armed.  The kernel's os_timer_disable() is such a call, and
 * main() makes it after halt_skas() has blocked signals: the guest's
 * timer then fires inside the window in which the kernel has stopped,
 * which otherwise happens only by chance.  When a signal cut the sleep
 * short, "halt-window: a signal came during the delay" goes to standard
 * error, so that the test knows the window was hit.
 *
 * This file is part of user-mode-linux.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*settime_fn)(timer_t, int, const struct itimerspec *,
			  struct itimerspec *);

static int disarms(const struct itimerspec *new)
{
	return new && new->it_value.tv_sec == 0 && new->it_value.tv_nsec == 0;
}

static void delay(void)
{
	static const char msg[] = "halt-window: a signal came during the delay\n";
	const char *env = getenv("UML_TEST_DISARM_DELAY_MS");
	long ms = env ? strtol(env, NULL, 10) : 50;
	struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };
	int saved = errno;

	while (nanosleep(&left, &left) == -1 && errno == EINTR) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			break;
	}
	errno = saved;
}

int timer_settime(timer_t timer, int flags, const struct itimerspec *new,
		  struct itimerspec *old)
{
	static settime_fn real;

	if (!real)
		real = (settime_fn)dlsym(RTLD_NEXT, "timer_settime");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	if (disarms(new))
		delay();
	return real(timer, flags, new, old);
}
