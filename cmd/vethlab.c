/* vethlab: global options, the command table, and the one place that
 * decides how a command's failure reaches the user. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "cmd/commands.h"
#include "core/caps.h"
#include "core/rootless.h"

#ifndef VL_VERSION
#define VL_VERSION "unknown"
#endif

/* What each command needs, and why (also in vethlab(1), PRIVILEGES):
 * CAP_SYS_ADMIN to create (unshare, mount), enter (setns) and delete
 * (umount) namespaces; CAP_NET_ADMIN for netlink and sysctl writes;
 * CAP_NET_RAW for the ping step's raw sockets and the captures' packet
 * sockets; CAP_SETPCAP for core/spawn.c, whose child drops its bounding
 * set before exec; CAP_DAC_OVERRIDE for /run/vethlab and /run/netns,
 * which are root's (run by another user), and for a lab's state that
 * another user made (run by root); for a user other than root it is
 * effective only around those files (core/caps.h). Reading a namespace (plan, status)
 * and deleting one (down) need no CAP_NET_ADMIN. */
static const int caps_up[] = { CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_DAC_OVERRIDE };
static const int caps_ns[] = { CAP_SYS_ADMIN, CAP_DAC_OVERRIDE };
static const int caps_ls[] = { CAP_DAC_OVERRIDE };
static const int caps_exec[] = { CAP_SYS_ADMIN, CAP_SETPCAP, CAP_DAC_OVERRIDE };
static const int caps_test[] = { CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW, CAP_SETPCAP,
				 CAP_DAC_OVERRIDE };
#define CAPS(a) a, sizeof(a) / sizeof((a)[0])
#define NO_CAPS NULL, 0

const struct vl_command vl_commands[] = {
	{ "validate", "FILE...", "check topology files; the kernel is not touched", cmd_validate,
	  NO_CAPS },
	{ "graph", "FILE [--format dot|mermaid]", "draw a topology as Graphviz DOT or Mermaid",
	  cmd_graph, NO_CAPS },
	{ "up", "FILE", "bring a lab up, or make it match its file again", cmd_up, CAPS(caps_up) },
	{ "plan", "FILE [--exit-code] [--json]", "show what up would change, changing nothing",
	  cmd_plan, CAPS(caps_ns) },
	{ "down", "FILE | --lab NAME", "remove everything a lab made", cmd_down, CAPS(caps_ns) },
	{ "status", "FILE | --lab NAME [--json]",
	  "show a lab's objects and how they differ from the file", cmd_status, CAPS(caps_ns) },
	{ "ls", "[--json]", "list the labs on this machine", cmd_ls, CAPS(caps_ls) },
	{ "exec", "FILE NODE -- COMMAND [ARG...]", "run a command inside a node's namespace",
	  cmd_exec, CAPS(caps_exec) },
	{ "test", "FILE [SCENARIO...] [--tap|--json] [--junit PATH] [--artifacts DIR] [--keep]",
	  "run a lab's scenarios: pings, captures, route checks", cmd_test, CAPS(caps_test) },
	{ NULL, NULL, NULL, NULL, NO_CAPS },
};

const struct vl_command *vl_command_find(const char *name)
{
	for (const struct vl_command *c = vl_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void vl_usage(const struct vl_command *c, const char *details)
{
	printf("Usage: vethlab %s %s\n\n%c%s.\n", c->name, c->args,
	       toupper((unsigned char)c->summary[0]), c->summary + 1);
	if (details)
		printf("\n%s", details);
	if (c->n_caps)
		printf("Exit status 4: a capability it needs is missing, or vethlab runs\n"
		       "set-user-ID (see PRIVILEGES in vethlab(1)).\n");
}

int vl_help_requested(int argc, char *argv[], const struct vl_command *c,
		      const char *details)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			vl_usage(c, details);
			return 1;
		}
	}
	return 0;
}

/* Whether the command will only print its help: -h, or --help or what
 * getopt_long takes for it (--h, --he, --hel: no other long option
 * starts with h), before any "--". Wrong either way, the command fails
 * safely: without its capabilities, or asking for them. */
static bool help_asked(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") ||
		    (len >= 3 && len <= 6 && !strncmp(argv[i], "--help", len)))
			return true;
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: vethlab [--help] [--version] [--rootless] COMMAND [ARGS...]\n\n"
		"Network-namespace labs from a YAML topology.\n\nCommands:\n");
	for (const struct vl_command *c = vl_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n--rootless runs labs in a user namespace of yours, without root or\n"
		"capabilities; it is the default for a user who has neither.\n"
		"'vethlab COMMAND --help' describes one command; "
		"man vethlab describes them all.\n");
}

/* Output that did not reach its file is a failure (vethlab graph >
 * /dev/full), reported once here for every command. */
static int finish(int status)
{
	/* a command that failed has said why already */
	if (status == VL_EXIT_OK && (fflush(stdout) == EOF || ferror(stdout))) {
		fprintf(stderr, "vethlab: write error: %s\n", strerror(errno ? errno : EIO));
		return VL_EXIT_FAIL;
	}
	return status;
}

/* Every capability a command may need, for the setcap line of the
 * message about a missing one: file capabilities are for the program,
 * not per command. */
static size_t all_caps(int *caps, size_t max)
{
	bool seen[64] = { false };
	size_t n = 0;

	for (const struct vl_command *c = vl_commands; c->name; c++)
		for (size_t i = 0; i < c->n_caps; i++)
			seen[c->caps[i]] = true;
	for (int cap = 0; cap < 64 && n < max; cap++)
		if (seen[cap])
			caps[n++] = cap;
	return n;
}

/* Whether this process has no privilege at all: not root, and none of
 * the capabilities any command uses is permitted (no file capabilities). */
static bool unprivileged(const int *all, size_t n_all)
{
	if (geteuid() == 0 || capng_get_caps_process() < 0)
		return false;
	for (size_t i = 0; i < n_all; i++)
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)all[i]) == 1)
			return false;
	return true;
}

/* What a rootless command does with its lab's keeper (core/rootless.h). */
static enum vl_keeper_use keeper_use(const struct vl_command *c)
{
	if (!strcmp(c->name, "up") || !strcmp(c->name, "test"))
		return VL_KEEPER_START;
	return strcmp(c->name, "ls") ? VL_KEEPER_JOIN : VL_KEEPER_NONE;
}

/* The privilege phases, before anything else happens: refuse set-ID,
 * go rootless when asked or when there is no privilege to use, else
 * check that the command has what it needs and keep only that. Help,
 * the version and usage errors need nothing, and get nothing. Returns 0
 * or the exit status. */
static int privileges(int argc, char *argv[], const struct vl_command *c, bool rootless)
{
	struct vl_error err = { 0 };
	const int *need = NULL;
	size_t n = 0, n_all;
	int all[64];

	if (vl_caps_setuid(&err)) {
		fprintf(stderr, "vethlab: %s\n", err.msg);
		return VL_EXIT_PRIV;
	}
	if (c && c->n_caps && !help_asked(argc - 1, argv + 1)) {
		need = c->caps;
		n = c->n_caps;
	}
	n_all = all_caps(all, sizeof(all) / sizeof(all[0]));
	if (need && (rootless || unprivileged(all, n_all))) {
		if (vl_rootless_init(need, n, keeper_use(c), &err) < 0) {
			fprintf(stderr, "vethlab: rootless: %s\n", err.msg);
			return VL_EXIT_PRIV;
		}
		if (!rootless)
			fprintf(stderr, "vethlab: no root and no capabilities: running rootless, labs in %s (--rootless says so)\n",
				vl_rootless_dir());
		return 0;
	}
	if (vl_caps_require(c ? c->name : "vethlab", need, n, all, n_all, &err) < 0) {
		fprintf(stderr, "vethlab: %s\n", err.msg);
		return VL_EXIT_PRIV;
	}
	if (vl_caps_keep(need, n, &err) < 0) {
		fprintf(stderr, "vethlab: %s\n", err.msg);
		return VL_EXIT_FAIL;
	}
	/* A user other than root (file capabilities) keeps cap_dac_override
	 * permitted but not effective: core/state.c and core/netns.c raise it
	 * around vethlab's own files only, and the files the user names are
	 * opened with the user's rights. Root keeps it effective (a no-op). */
	vl_caps_dac_lower();
	return 0;
}

int main(int argc, char *argv[])
{
	bool rootless = argc >= 2 && !strcmp(argv[1], "--rootless");
	const struct vl_command *c;
	int status;

	if (rootless) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	c = argc >= 2 ? vl_command_find(argv[1]) : NULL;
	status = privileges(argc, argv, c, rootless);

	if (status)
		return status;
	if (argc < 2) {
		usage(stderr);
		return VL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish(VL_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("vethlab %s\n", VL_VERSION);
		return finish(VL_EXIT_OK);
	}
	if (!c) {
		fprintf(stderr, "vethlab: unknown %s \"%s\"; see 'vethlab --help'\n",
			argv[1][0] == '-' ? "option" : "command", argv[1]);
		return VL_EXIT_USAGE;
	}
	return finish(c->run(argc - 1, argv + 1));
}
