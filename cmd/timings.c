/* --timings, shared by up, plan, down and test. */
#include <stdio.h>

#include "cmd/commands.h"
#include "core/timings.h"

int vl_cmd_timings(const char *cmd, const char *arg)
{
	enum vl_timings_format fmt;

	if (vl_timings_parse(arg, &fmt) < 0) {
		fprintf(stderr, "vethlab %s: --timings takes text or json, not \"%s\"\n", cmd, arg);
		return VL_EXIT_USAGE;
	}
	vl_timings_enable(cmd, fmt);
	return 0;
}

int vl_cmd_timings_done(int status)
{
	vl_timings_report(stderr);
	return status;
}
