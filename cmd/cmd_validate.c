/* vethlab validate FILE...: parse and check, print every problem found. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/topo.h"

static const char help[] =
	"Reads each FILE (\"-\" for standard input), reports every problem as\n"
	"FILE:LINE:COL: error: message, and prints \"FILE: ok\" for a valid file.\n"
	"Warnings do not make a file invalid.\n\n"
	"Options:\n"
	"  -q, --quiet   print nothing for valid files\n\n"
	"Exit status: 0 all files valid, 1 some file invalid or unreadable, 2 usage.\n";

int cmd_validate(int argc, char *argv[])
{
	const struct vl_command *self = vl_command_find("validate");
	int status = VL_EXIT_OK, nfiles = 0;
	bool quiet = false, opts = true;

	if (vl_help_requested(argc, argv, self, help))
		return VL_EXIT_OK;
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))) {
			quiet = true;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "vethlab validate: unknown option \"%s\"\n", argv[i]);
			return VL_EXIT_USAGE;
		}
		nfiles++;
	}
	if (!nfiles) {
		fprintf(stderr, "vethlab validate: no FILE given\n");
		return VL_EXIT_USAGE;
	}
	opts = true;
	for (int i = 1; i < argc; i++) {
		struct vl_error err = { 0 };
		struct vl_diags d;
		struct vl_lab *lab;
		int r;

		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1])
			continue;
		if (vl_diags_init(&d, argv[i]) < 0) {
			fprintf(stderr, "vethlab validate: out of memory\n");
			return VL_EXIT_FAIL;
		}
		r = vl_topo_load(argv[i], &lab, &d, &err);
		vl_diags_print(&d, stderr);
		if (r == 0) {
			if (!quiet)
				printf("%s: ok\n", argv[i]);
		} else {
			status = VL_EXIT_FAIL;
			fprintf(stderr, "vethlab validate: %s\n", err.msg);
		}
		vl_lab_free(lab);
		vl_diags_fini(&d);
	}
	return status;
}
