/* libFuzzer harness: any bytes through parse, validate and graph output.
 * It must never crash, leak, hang or read out of bounds; and the name that
 * vl_topo_peek_name reads of a valid file (down FILE trusts it for a file
 * it knows) is the lab's name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph.h"
#include "core/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct vl_lab *lab = NULL;
	struct vl_diags d;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (vl_diags_init(&d, "fuzz") < 0)
		return 0;
	if (vl_topo_parse("fuzz", (const char *)data, size, &lab, &d) == 0) {
		vl_topo_validate(lab, &d);
		/* only a lab without errors is ever drawn */
		if (!d.n_errors && sink)
			vl_graph_write(lab, VL_GRAPH_DOT, sink);
		if (!d.n_errors) {
			char name[VL_MAX_LAB_NAME + 1];

			if (vl_topo_peek_name((const char *)data, size, name, sizeof(name)) != 0 ||
			    strcmp(name, lab->name))
				abort();
		}
		vl_lab_free(lab);
	}
	vl_diags_sort(&d);
	if (sink)
		vl_diags_print(&d, sink);
	vl_diags_fini(&d);
	return 0;
}
