/* vethlab graph FILE [--format dot|mermaid]: draw a topology. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/graph.h"
#include "core/topo.h"

static const char help[] =
	"Writes the topology to standard output: namespaces as clusters,\n"
	"interfaces with their addresses, links as edges.\n"
	"  dot -Tsvg -o lab.svg <(vethlab graph lab.yaml)\n\n"
	"Options:\n"
	"  -f, --format dot|mermaid   output format (default dot)\n\n"
	"Exit status: 0 drawn, 1 invalid or unreadable file, 2 usage.\n";

int cmd_graph(int argc, char *argv[])
{
	const struct vl_command *self = vl_command_find("graph");
	enum vl_graph_format fmt = VL_GRAPH_DOT;
	struct vl_error err = { 0 };
	const char *file = NULL;
	struct vl_lab *lab;
	struct vl_diags d;
	bool opts = true;
	int r;

	if (vl_help_requested(argc, argv, self, help))
		return VL_EXIT_OK;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && (!strcmp(a, "--format") || !strcmp(a, "-f"))) {
			if (i + 1 == argc) {
				fprintf(stderr, "vethlab graph: %s needs a value: dot or mermaid\n", a);
				return VL_EXIT_USAGE;
			}
			val = argv[++i];
		} else if (opts && !strncmp(a, "--format=", 9)) {
			val = a + 9;
		} else if (opts && a[0] == '-' && a[1]) {
			fprintf(stderr, "vethlab graph: unknown option \"%s\"\n", a);
			return VL_EXIT_USAGE;
		} else if (file) {
			fprintf(stderr, "vethlab graph: one FILE at a time\n");
			return VL_EXIT_USAGE;
		} else {
			file = a;
		}
		if (val) {
			if (!strcmp(val, "dot")) {
				fmt = VL_GRAPH_DOT;
			} else if (!strcmp(val, "mermaid")) {
				fmt = VL_GRAPH_MERMAID;
			} else {
				fprintf(stderr, "vethlab graph: unknown format \"%s\"; use dot or mermaid\n", val);
				return VL_EXIT_USAGE;
			}
		}
	}
	if (!file) {
		fprintf(stderr, "vethlab graph: no FILE given\n");
		return VL_EXIT_USAGE;
	}
	if (vl_diags_init(&d, file) < 0) {
		fprintf(stderr, "vethlab graph: out of memory\n");
		return VL_EXIT_FAIL;
	}
	r = vl_topo_load(file, &lab, &d, &err);
	vl_diags_print(&d, stderr);
	vl_diags_fini(&d);
	if (r < 0) {
		fprintf(stderr, "vethlab graph: %s\n", err.msg);
		return VL_EXIT_FAIL;
	}
	r = vl_graph_write(lab, fmt, stdout);
	vl_lab_free(lab);
	if (r < 0) {
		fprintf(stderr, "vethlab graph: write: %s\n", strerror(-r));
		return VL_EXIT_FAIL;
	}
	return VL_EXIT_OK;
}
