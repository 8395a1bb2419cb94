// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostread.c - a module for uml.modules/sig.exp that does what any module
 * loaded into a UML kernel can: make host system calls from inside the
 * kernel's host process.  It reads the first bytes of the host file
 * "path" and logs them, whatever hostfs= confines the guest's mounts to.
 *
 * This file is part of user-mode-linux.
 */
#include <linux/module.h>
#include <linux/printk.h>
#include <os.h>

static char *path = "/etc/hostname";
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "the host file to read");

static int __init hostread_init(void)
{
	char buf[64];
	int fd, n;

	fd = os_open_file(path, of_read(OPENFLAGS()), 0);
	if (fd < 0) {
		pr_info("hostread: %s: error %d\n", path, fd);
		return 0;
	}
	n = os_read_file(fd, buf, sizeof(buf) - 1);
	os_close_file(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	pr_info("hostread: %s: %s\n", path, buf);
	return 0;
}

static void __exit hostread_exit(void)
{
}

module_init(hostread_init);
module_exit(hostread_exit);
MODULE_DESCRIPTION("read a host file from a UML module (test)");
MODULE_LICENSE("GPL");
