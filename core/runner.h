/* Running a lab's scenarios: each starts from the file's topology, its
 * steps change the lab through the reconciler or probe it, and captures
 * count the packets each step caused. */
#ifndef VL_RUNNER_H
#define VL_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/model.h"
#include "core/scenario.h"
#include "core/state.h"

struct vl_run_opts {
	const char *artifacts;	/* directory for pcap files, or NULL */
	char *const *only;	/* scenario names to run; all when N_ONLY is 0 */
	size_t n_only;
	FILE *human;		/* a line per step as it finishes, or NULL */
	bool colour;
	volatile sig_atomic_t *interrupted;
};

/* Run the scenarios of LAB, which is up and locked through ST. A failed
 * assertion is a result (RES), not an error: < 0 means the run itself
 * broke (the lab could not be reconciled, out of memory, interrupted).
 * The lab is left as the file declares it. */
int vl_run_scenarios(const struct vl_lab *lab, struct vl_state *st,
		     const struct vl_run_opts *opts, struct vl_run_result *res,
		     struct vl_error *err);

#endif
