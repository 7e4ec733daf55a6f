/* vethlab down FILE | --lab NAME: remove every object of a lab. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/apply.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/timings.h"
#include "core/topo.h"
#include "core/util.h"

static const char help[] =
	"Removes the namespaces the lab owns, and with them everything in them,\n"
	"then the lab's state. Objects vethlab did not create are left alone.\n"
	"A lab that is not up is not an error.\n\n"
	"Options:\n"
	"  --lab NAME   the lab by name, without its file\n"
	VL_TIMINGS_HELP "\n"
	"Exit status: 0 down, 1 failed, 2 usage or invalid file.\n";

/* True, with the lab's name in NAME, when FILE is byte for byte the
 * topology that lab was last brought up from: it was checked then, and
 * down needs nothing of it but the name, so it is not parsed again
 * (8 ms for 1000 nodes, as long as the unpinning itself). */
static bool known_file(const char *file, char *name, size_t size)
{
	bool known = false;
	size_t len;
	char *buf;

	if (!strcmp(file, "-"))
		return false;
	vl_timings_begin(VL_PHASE_PARSE);
	if (vl_read_file(file, VL_MAX_FILE_SIZE, &buf, &len) == 0) {
		known = vl_topo_peek_name(buf, len, name, size) == 0 &&
			!vl_name_problem(name, VL_MAX_LAB_NAME) &&
			vl_state_saved_is(name, buf, len);
		free(buf);
	}
	vl_timings_end(VL_PHASE_PARSE);
	return known;
}

/* The lab NAME, or the one FILE declares. */
static int down(const char *name, const char *file)
{
	char known[VL_MAX_LAB_NAME + 1];
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL;
	struct vl_state st;
	int r, status;

	if (name) {
		status = vl_cmd_check_lab_name("down", name);
	} else if (known_file(file, known, sizeof(known))) {
		name = known;
		status = 0;
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
