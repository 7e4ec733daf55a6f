/* vethlab up FILE: make the kernel match the file, verify, or roll back. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/reconcile.h"
#include "core/state.h"
#include "core/topo.h"
#include "core/util.h"

static const char help[] =
	"Creates what is missing, changes what differs and removes the lab's\n"
	"objects that the file no longer has, printing one line per change;\n"
	"then reads the kernel back to verify. On a failure, or on SIGINT,\n"
	"SIGTERM or SIGHUP, the changes made so far are undone.\n\n"
	"Options:\n"
	VL_TIMINGS_HELP "\n"
	"Exit status: 0 converged and verified, 1 failed (and rolled back),\n"
	"2 usage or invalid file.\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Signals during apply only set a flag: the apply loop stops between two
 * actions and rolls back, so nothing is ever left half-made. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int up(const char *file)
{
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL;
	struct vl_state st;
	size_t len;
	char *text = NULL;
	bool fresh;
	int r, status;

	/* read once: the text checked is the text kept for status --lab */
	status = vl_cmd_load_text("up", file, &lab, &text, &len);
	if (status)
		return status;
	r = vl_state_open(&st, lab->name, &err);
	if (r < 0) {
		vl_lab_free(lab);
		return vl_cmd_fail("up", &err);
	}
	fresh = st.n_netns == 0;
	catch_signals();
	r = vl_reconcile(lab, &st, stdout, &interrupted, NULL, &err);
	/* keep the file the lab was made from, for status --lab */
	if (r == 0)
		r = vl_state_save_topology(&st, text, len, &err);
	free(text);
	/* a new lab that failed leaves no trace, not even its state */
	if (r < 0 && fresh && st.n_netns == 0) {
		struct vl_error ignored = { 0 };

		vl_state_remove(&st, &ignored);
	}
	vl_state_close(&st);
	vl_lab_free(lab);
	if (r < 0)
		return vl_cmd_fail("up", &err);
	return VL_EXIT_OK;
}

int cmd_up(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "timings", optional_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			vl_usage(vl_command_find("up"), help);
			return VL_EXIT_OK;
		case 'T':
			if (vl_cmd_timings("up", optarg))
				return VL_EXIT_USAGE;
			break;
		default:
			return VL_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "vethlab up: expected one FILE\n");
		return VL_EXIT_USAGE;
	}
	return vl_cmd_timings_done(up(argv[optind]));
}
