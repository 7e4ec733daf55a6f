/* The subcommands of vethlab: one file each, one table in vethlab.c. */
#ifndef VL_COMMANDS_H
#define VL_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses shared by every command (documented in vethlab(1)). */
enum {
	VL_EXIT_OK = 0,
	VL_EXIT_FAIL = 1,	/* the command ran and failed, or a file is invalid */
	VL_EXIT_USAGE = 2,	/* bad options or arguments */
	VL_EXIT_PRIV = 4,	/* a capability is missing, or run set-user-ID */
};

struct vl_command {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *summary;
	int (*run)(int argc, char *argv[]);
	/* The capabilities it needs (CAP_*), checked and kept before it runs;
	 * everything else is dropped. Why each: vethlab(1), PRIVILEGES. */
	const int *caps;
	size_t n_caps;
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
int cmd_up(int argc, char *argv[]);
int cmd_plan(int argc, char *argv[]);
int cmd_down(int argc, char *argv[]);
int cmd_status(int argc, char *argv[]);
int cmd_ls(int argc, char *argv[]);
int cmd_exec(int argc, char *argv[]);
int cmd_test(int argc, char *argv[]);

struct vl_lab;
struct vl_state;
struct vl_plan;
struct vl_error;

/* Load and validate FILE, printing its problems. 0, or the exit status
 * to return: VL_EXIT_USAGE for an invalid file, VL_EXIT_FAIL otherwise. */
int vl_cmd_load(const char *cmd, const char *file, struct vl_lab **lab);
/* The same, handing over the file's text in *TEXT (the caller frees). */
int vl_cmd_load_text(const char *cmd, const char *file, struct vl_lab **lab,
		     char **text, size_t *len);
/* Print "vethlab CMD: message" once; returns VL_EXIT_FAIL. */
int vl_cmd_fail(const char *cmd, const struct vl_error *err);
/* Under the lab's lock, observe its namespaces and plan against LAB;
 * prints the error once on failure. Both outputs are the caller's. */
int vl_cmd_observe(const char *cmd, const struct vl_lab *lab, struct vl_lab **observed,
		   struct vl_plan *plan);
void vl_cmd_print_plan(const struct vl_plan *plan, const char *lab, FILE *f);
/* --timings[=text|json] (ARG NULL for text): 0, or VL_EXIT_USAGE with
 * the reason printed. vl_cmd_timings_done prints the report, when asked
 * for, on standard error and returns STATUS. */
#define VL_TIMINGS_HELP \
	"  --timings[=text|json]\n" \
	"               where the time went, on standard error: per phase (parse,\n" \
	"               validate, observe, plan, apply by kind of action, verify),\n" \
	"               as lines or as one line of JSON; standard output is unchanged\n"
int vl_cmd_timings(const char *cmd, const char *arg);
int vl_cmd_timings_done(int status);
/* A lab name given with --lab: the rules of a topology's name. */
int vl_cmd_check_lab_name(const char *cmd, const char *name);

#endif
