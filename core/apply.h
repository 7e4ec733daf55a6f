/* Running a plan against the kernel: journal before create, undo log,
 * rollback on failure or interruption. */
#ifndef VL_APPLY_H
#define VL_APPLY_H

#include <signal.h>
#include <stdio.h>

#include "core/error.h"
#include "core/model.h"
#include "core/plan.h"
#include "core/state.h"

struct vl_apply_opts {
	FILE *out;		/* one line per change done; NULL for none */
	/* Set by a signal handler: stop before the next action, roll back. */
	volatile sig_atomic_t *interrupted;
	/* Called after the last action; a failure rolls everything back. */
	int (*verify)(void *ctx, struct vl_error *err);
	void *verify_ctx;
};

struct vl_nsset;

/* Run PLAN (made from DESIRED and OBSERVED) with the lab's namespaces of
 * SET (as observe left them; the ones apply makes are added to it, for
 * verify). On any failure every change already made is undone in
 * reverse order, ERR says what failed and whether the rollback was
 * complete, and the result is < 0.
 * Test hooks (documented in docs/extending.md): VETHLAB_TEST_FAIL_AT=N
 * makes the Nth action fail with EIO; VETHLAB_TEST_KILL_AT=N kills the
 * process with SIGKILL just before the Nth action. */
int vl_apply(struct vl_nsset *set, const struct vl_lab *desired,
	     const struct vl_lab *observed, const struct vl_plan *plan,
	     struct vl_state *st, const struct vl_apply_opts *opts,
	     struct vl_error *err);

/* Remove every namespace the lab owns; prints "- netns NAME" lines to OUT. */
int vl_teardown(struct vl_state *st, FILE *out, struct vl_error *err);

#endif
