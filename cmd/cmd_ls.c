/* vethlab ls: the labs that have state on this machine. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/commands.h"
#include "core/state.h"
#include "core/util.h"

static const char help[] =
	"Lists the labs brought up on this machine, with the number of\n"
	"namespaces each owns.\n\n"
	"Options:\n"
	"  --json   a JSON array of {\"lab\", \"namespaces\"}\n\n"
	"Exit status: 0 listed, 1 error, 2 usage.\n";

int cmd_ls(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct vl_error err = { 0 };
	bool json = false;
	char **labs;
	size_t n;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			vl_usage(vl_command_find("ls"), help);
			return VL_EXIT_OK;
		}
		if (c != 'j')
			return VL_EXIT_USAGE;
		json = true;
	}
	if (optind != argc) {
		fprintf(stderr, "vethlab ls: takes no arguments\n");
		return VL_EXIT_USAGE;
	}
	r = vl_state_list(&labs, &n, &err);
	if (r < 0)
		return vl_cmd_fail("ls", &err);
	if (json)
		putchar('[');
	for (size_t i = 0; i < n; i++) {
		struct vl_state st;

		if (vl_state_open(&st, labs[i], &err) < 0) {
			vl_state_list_free(labs, n);
			return vl_cmd_fail("ls", &err);
		}
		if (json) {
			printf("%s{\"lab\": ", i ? ", " : "");
			vl_json_str(stdout, labs[i]);
			printf(", \"namespaces\": %zu}", st.n_netns);
		} else {
			printf("%-32s %zu namespace%s\n", labs[i], st.n_netns,
			       st.n_netns == 1 ? "" : "s");
		}
		vl_state_close(&st);
	}
	if (json)
		puts("]");
	vl_state_list_free(labs, n);
	return VL_EXIT_OK;
}
