/* What several commands share: loading a file with its diagnostics, the
 * lab's state, and observing + planning. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/plan.h"
#include "core/reconcile.h"
#include "core/state.h"
#include "core/topo.h"

int vl_cmd_load(const char *cmd, const char *file, struct vl_lab **lab)
{
	return vl_cmd_load_text(cmd, file, lab, NULL, NULL);
}

int vl_cmd_load_text(const char *cmd, const char *file, struct vl_lab **lab,
		     char **text, size_t *len)
{
	struct vl_error err = { 0 };
	struct vl_diags d;
	int r;

	if (vl_diags_init(&d, file) < 0) {
		fprintf(stderr, "vethlab %s: out of memory\n", cmd);
		return VL_EXIT_FAIL;
	}
	r = vl_topo_load_text(file, lab, &d, &err, text, len);
	vl_diags_print(&d, stderr);
	vl_diags_fini(&d);
	if (r == -EINVAL) {
		fprintf(stderr, "vethlab %s: %s\n", cmd, err.msg);
		return VL_EXIT_USAGE;
	}
	if (r < 0)
		return vl_cmd_fail(cmd, &err);
	return 0;
}

int vl_cmd_fail(const char *cmd, const struct vl_error *err)
{
	fprintf(stderr, "vethlab %s: %s\n", cmd, err->msg);
	return VL_EXIT_FAIL;
}

int vl_cmd_observe(const char *cmd, const struct vl_lab *lab, struct vl_lab **observed,
		   struct vl_plan *plan)
{
	struct vl_error err = { 0 };
	struct vl_state st;
	int r = vl_state_open(&st, lab->name, &err);

	if (r == 0) {
		r = vl_observe_plan(lab, &st, observed, plan, &err);
		vl_state_close(&st);
	}
	if (r < 0)
		vl_cmd_fail(cmd, &err);
	return r;
}

void vl_cmd_print_plan(const struct vl_plan *plan, const char *lab, FILE *f)
{
	char line[512];

	for (size_t i = 0; i < plan->n; i++) {
		vl_action_str(&plan->v[i], lab, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

int vl_cmd_check_lab_name(const char *cmd, const char *name)
{
	const char *why = vl_name_problem(name, VL_MAX_LAB_NAME);

	if (why) {
		fprintf(stderr, "vethlab %s: invalid lab name \"%s\": %s\n", cmd, name, why);
		return VL_EXIT_USAGE;
	}
	return 0;
}
