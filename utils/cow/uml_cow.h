/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * uml_cow.h - the subcommands of uml_cow.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_COW_CMD_H
#define UML_COW_CMD_H

/* Exit statuses of uml_cow beside EXIT_SUCCESS and EXIT_TROUBLE (check
 * documents them). */
#define COW_EXIT_INVALID	1
#define COW_EXIT_STALE		3

int cmd_pack(int argc, char **argv);
int cmd_unpack(int argc, char **argv);

#endif
