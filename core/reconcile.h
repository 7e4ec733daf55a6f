/* Observe, plan, apply, verify: what `up` does, and what the scenario
 * runner does for its set steps and between scenarios. */
#ifndef VL_RECONCILE_H
#define VL_RECONCILE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/model.h"
#include "core/state.h"

struct vl_plan;

/* Observe the lab's namespaces and plan against LAB; both outputs are the
 * caller's (free with vl_lab_free and vl_plan_fini). */
int vl_observe_plan(const struct vl_lab *lab, struct vl_state *st,
		    struct vl_lab **observed, struct vl_plan *plan,
		    struct vl_error *err);

/* Make the kernel match LAB; one line per change to OUT (may be NULL).
 * A failure rolls back. *CHANGES, when not NULL, gets how many. */
int vl_reconcile(const struct vl_lab *lab, struct vl_state *st, FILE *out,
		 volatile sig_atomic_t *interrupted, size_t *changes,
		 struct vl_error *err);

#endif
