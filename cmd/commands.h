/* The subcommands of vethlab: one file each, one table in vethlab.c. */
#ifndef VL_COMMANDS_H
#define VL_COMMANDS_H

/* Exit statuses shared by every command (documented in vethlab(1)). */
enum {
	VL_EXIT_OK = 0,
	VL_EXIT_FAIL = 1,	/* the command ran and failed, or a file is invalid */
	VL_EXIT_USAGE = 2,	/* bad options or arguments */
};

struct vl_command {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *summary;
	int (*run)(int argc, char *argv[]);
};

extern const struct vl_command vl_commands[];

/* "vethlab NAME ARGS" and the summary, for COMMAND --help and errors. */
void vl_usage(const struct vl_command *c, const char *details);
/* True when ARG asks for help; prints it. */
int vl_help_requested(int argc, char *argv[], const struct vl_command *c,
		      const char *details);
const struct vl_command *vl_command_find(const char *name);

int cmd_validate(int argc, char *argv[]);
int cmd_graph(int argc, char *argv[]);

#endif
