/* vethlab plan FILE: what `up` would do, without doing it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/plan.h"
#include "core/reconcile.h"
#include "core/state.h"
#include "core/topo.h"

static const char help[] =
	"Prints the changes `vethlab up FILE` would make, one per line, and\n"
	"changes nothing.\n\n"
	"Options:\n"
	"  --exit-code   exit 0 when there is nothing to do, 2 when changes are\n"
	"                pending, 1 on error\n"
	"  --json        print the plan as a JSON array\n"
	VL_TIMINGS_HELP "\n"
	"Exit status (without --exit-code): 0 planned, 1 error, 2 usage or\n"
	"invalid file.\n";

static int plan_file(const char *file, bool exit_code, bool json)
{
	struct vl_lab *lab = NULL, *obs = NULL;
	struct vl_plan plan = { 0 };
	int status;

	status = vl_cmd_load("plan", file, &lab);
	if (status)
		return exit_code ? VL_EXIT_FAIL : status;
	if (vl_cmd_observe("plan", lab, &obs, &plan) < 0) {
		vl_lab_free(lab);
		return VL_EXIT_FAIL;
	}
	if (json)
		vl_plan_json(&plan, lab->name, stdout);
	else if (plan.n)
		vl_cmd_print_plan(&plan, lab->name, stdout);
	else
		fprintf(stderr, "no changes: lab %s matches %s\n", lab->name, file);
	status = exit_code && plan.n ? 2 : VL_EXIT_OK;
	vl_plan_fini(&plan);
	vl_lab_free(obs);
	vl_lab_free(lab);
	return status;
}

int cmd_plan(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "exit-code", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "timings", optional_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	bool exit_code = false, json = false;
	int c;

	/* with --exit-code, 2 means "changes pending": every error, usage
	 * included, is 1, wherever the option stands */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--exit-code"))
			exit_code = true;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			vl_usage(vl_command_find("plan"), help);
			return VL_EXIT_OK;
		case 'e':
			break;
		case 'j':
			json = true;
			break;
		case 'T':
			if (vl_cmd_timings("plan", optarg))
				return exit_code ? VL_EXIT_FAIL : VL_EXIT_USAGE;
			break;
		default:
			return exit_code ? VL_EXIT_FAIL : VL_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "vethlab plan: expected one FILE\n");
		return exit_code ? VL_EXIT_FAIL : VL_EXIT_USAGE;
	}
	return vl_cmd_timings_done(plan_file(argv[optind], exit_code, json));
}
