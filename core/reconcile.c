/* The reconcile loop shared by `up` and the scenario runner. */
#include <errno.h>

#include "core/apply.h"
#include "core/nsset.h"
#include "core/observe.h"
#include "core/plan.h"
#include "core/reconcile.h"
#include "core/timings.h"

struct verify_ctx {
	const struct vl_lab *lab;
	struct vl_state *st;
	struct vl_nsset *set;
};

static int observe_plan(struct vl_nsset *set, const struct vl_lab *lab,
			struct vl_state *st, struct vl_lab **obs, struct vl_plan *plan,
			struct vl_error *err)
{
	int r;

	vl_timings_begin(VL_PHASE_OBSERVE);
	r = vl_observe_in(set, lab, st, obs, err);
	vl_timings_end(VL_PHASE_OBSERVE);
	if (r < 0)
		return vl_err_wrap(err, "%s", lab->name);
	vl_timings_begin(VL_PHASE_PLAN);
	r = vl_plan_make(lab, *obs, plan, err);
	vl_timings_end(VL_PHASE_PLAN);
	if (r < 0) {
		vl_lab_free(*obs);
		*obs = NULL;
		return vl_err_wrap(err, "%s", lab->name);
	}
	return 0;
}

int vl_observe_plan(const struct vl_lab *lab, struct vl_state *st,
		    struct vl_lab **obs, struct vl_plan *plan, struct vl_error *err)
{
	struct vl_nsset set;
	int r = vl_nsset_init(&set, lab, st, err);

	if (r == 0)
		r = observe_plan(&set, lab, st, obs, plan, err);
	vl_nsset_fini(&set);
	return r;
}

/* After apply: read the kernel back; anything left to do is a mismatch.
 * The namespaces and their sockets are the run's, opened already; what
 * they hold is read anew (core/observe.c checks that each name still
 * leads to the namespace kept open). */
static int verify(void *data, struct vl_error *err)
{
	const struct verify_ctx *v = data;
	struct vl_lab *obs;
	struct vl_plan plan;
	char line[512];
	int r;

	vl_timings_begin(VL_PHASE_VERIFY);
	r = observe_plan(v->set, v->lab, v->st, &obs, &plan, err);
	if (r < 0) {
		vl_timings_end(VL_PHASE_VERIFY);
		return vl_err_wrap(err, "verify");
	}
	if (plan.n) {
		vl_action_str(&plan.v[0], v->lab->name, line, sizeof(line));
		r = vl_err(err, -EIO, "verify %s: the kernel still differs from the file after apply: %s%s",
			   v->lab->name, line, plan.n > 1 ? " (and more)" : "");
	}
	vl_plan_fini(&plan);
	vl_lab_free(obs);
	vl_timings_end(VL_PHASE_VERIFY);
	return r;
}

int vl_reconcile(const struct vl_lab *lab, struct vl_state *st, FILE *out,
		 volatile sig_atomic_t *interrupted, size_t *changes,
		 struct vl_error *err)
{
	struct vl_nsset set;
	struct verify_ctx v = { lab, st, &set };
	struct vl_apply_opts o = { .out = out, .interrupted = interrupted,
				   .verify = verify, .verify_ctx = &v };
	struct vl_lab *obs = NULL;
	struct vl_plan plan = { 0 };
	int r = vl_nsset_init(&set, lab, st, err);

	if (r == 0)
		r = observe_plan(&set, lab, st, &obs, &plan, err);
	if (changes)
		*changes = r == 0 ? plan.n : 0;
	if (r == 0 && plan.n) {
		vl_timings_begin(VL_PHASE_APPLY);
		r = vl_apply(&set, lab, obs, &plan, st, &o, err);
		if (r < 0)
			vl_err_wrap(err, "up %s", lab->name);
		else
			r = vl_state_compact(st, err);
		vl_timings_end(VL_PHASE_APPLY);
	}
	vl_plan_fini(&plan);
	vl_lab_free(obs);
	vl_nsset_fini(&set);
	return r;
}
