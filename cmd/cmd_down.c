/* vethlab down FILE | --lab NAME: remove every object of a lab. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/apply.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/topo.h"

static const char help[] =
	"Removes the namespaces the lab owns, and with them everything in them,\n"
	"then the lab's state. Objects vethlab did not create are left alone.\n"
	"A lab that is not up is not an error.\n\n"
	"Options:\n"
	"  --lab NAME   the lab by name, without its file\n"
	VL_TIMINGS_HELP "\n"
	"Exit status: 0 down, 1 failed, 2 usage or invalid file.\n";

/* The lab NAME, or the one FILE declares. */
static int down(const char *name, const char *file)
{
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL;
	struct vl_state st;
	int r, status;

	if (name) {
		status = vl_cmd_check_lab_name("down", name);
	} else {
		status = vl_cmd_load("down", file, &lab);
		if (!status)
			name = lab->name;
	}
	if (status)
		return status;
	r = vl_state_open(&st, name, &err);
	if (r == 0) {
		if (!vl_state_exists(&st))
			r = vl_rootless_foreign(name, &err);
		if (r == 0)
			r = vl_teardown(&st, stdout, &err);
		if (r == 0)
			r = vl_state_remove(&st, &err);
		vl_state_close(&st);
	}
	if (r < 0)
		vl_err_wrap(&err, "down %s", name);
	vl_lab_free(lab);
	return r < 0 ? vl_cmd_fail("down", &err) : VL_EXIT_OK;
}

int cmd_down(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "lab", required_argument, NULL, 'l' },
		{ "timings", optional_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			vl_usage(vl_command_find("down"), help);
			return VL_EXIT_OK;
		case 'l':
			name = optarg;
			break;
		case 'T':
			if (vl_cmd_timings("down", optarg))
				return VL_EXIT_USAGE;
			break;
		default:
			return VL_EXIT_USAGE;
		}
	}
	if ((name && optind != argc) || (!name && optind + 1 != argc)) {
		fprintf(stderr, "vethlab down: expected one FILE or --lab NAME\n");
		return VL_EXIT_USAGE;
	}
	return vl_cmd_timings_done(down(name, name ? NULL : argv[optind]));
}
