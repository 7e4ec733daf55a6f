/* vethlab: global options, the command table, and the one place that
 * decides how a command's failure reaches the user. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"

#ifndef VL_VERSION
#define VL_VERSION "unknown"
#endif

const struct vl_command vl_commands[] = {
	{ "validate", "FILE...", "check topology files; the kernel is not touched", cmd_validate },
	{ "graph", "FILE [--format dot|mermaid]", "draw a topology as Graphviz DOT or Mermaid", cmd_graph },
	{ "up", "FILE", "bring a lab up, or make it match its file again", cmd_up },
	{ "plan", "FILE [--exit-code] [--json]", "show what up would change, changing nothing", cmd_plan },
	{ "down", "FILE | --lab NAME", "remove everything a lab made", cmd_down },
	{ "status", "FILE | --lab NAME [--json]", "show a lab's objects and how they differ from the file", cmd_status },
	{ "ls", "[--json]", "list the labs on this machine", cmd_ls },
	{ "exec", "FILE NODE -- COMMAND [ARG...]", "run a command inside a node's namespace", cmd_exec },
	{ "test", "FILE [SCENARIO...] [--tap|--json] [--junit PATH] [--artifacts DIR] [--keep]",
	  "run a lab's scenarios: pings, captures, route checks", cmd_test },
	{ NULL, NULL, NULL, NULL },
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

static void usage(FILE *f)
{
	fprintf(f, "Usage: vethlab [--help] [--version] COMMAND [ARGS...]\n\n"
		"Network-namespace labs from a YAML topology.\n\nCommands:\n");
	for (const struct vl_command *c = vl_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'vethlab COMMAND --help' describes one command; "
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

int main(int argc, char *argv[])
{
	const struct vl_command *c;

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
	c = vl_command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "vethlab: unknown %s \"%s\"; see 'vethlab --help'\n",
			argv[1][0] == '-' ? "option" : "command", argv[1]);
		return VL_EXIT_USAGE;
	}
	return finish(c->run(argc - 1, argv + 1));
}
