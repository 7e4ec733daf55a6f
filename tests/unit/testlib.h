/* Helpers shared by the unit tests: directory listings that become
 * data-driven cmocka tests, loading a topology from memory, and printing a
 * file's diagnostics when an assertion about them fails. Header-only
 * (static inline) because the Makefile builds each tests/unit/test_*.c as
 * one program. Tests run from the repository root (tests/run does so). */
#ifndef VL_TESTLIB_H
#define VL_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/diag.h"
#include "core/topo.h"

/* Run a shell command built from FMT (test set-up with iproute2; the
 * library itself never runs one). Its exit status, -1 when it could not
 * run; with REPORT, a failure is printed with the command. */
static inline int tl_sh(bool report, const char *fmt, ...) VL_PRINTF(2, 3);
static inline int tl_sh(bool report, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	st = st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
	if (st != 0 && report)
		print_message("# command failed (%d): %s\n", st, cmd);
	return st;
}

struct tl_list {
	char **v;
	size_t n;
};

static inline int tl_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void tl_list_free(struct tl_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The paths "DIR/NAME" of the regular entries of DIR whose names end in
 * SUFFIX ("" for any), sorted, hidden files left out (a .keep file must
 * not become a test). Returns 0, or -errno (-ENOENT: no such directory). */
static inline int tl_list_dir(const char *dir, const char *suffix,
			      struct tl_list *out)
{
	size_t sl = strlen(suffix);
	struct dirent *e;
	DIR *dp;

	out->v = NULL;
	out->n = 0;
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp))) {
		size_t nl = strlen(e->d_name);
		char **grown, *path;

		if (e->d_name[0] == '.' || nl < sl ||
		    strcmp(e->d_name + nl - sl, suffix))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			goto oom;
		grown = realloc(out->v, (out->n + 1) * sizeof(*grown));
		if (!grown) {
			free(path);
			goto oom;
		}
		out->v = grown;
		out->v[out->n++] = path;
	}
	closedir(dp);
	if (out->n > 1)		/* qsort(NULL, 0, ...) is undefined */
		qsort(out->v, out->n, sizeof(*out->v), tl_cmp_str);
	return 0;
oom:
	closedir(dp);
	tl_list_free(out);
	return -ENOMEM;
}

/* One test case per path, each getting its path as *state. The names
 * point into LIST, which must outlive the run. */
static inline struct CMUnitTest *tl_tests_for(const struct tl_list *list,
					      CMUnitTestFunction fn)
{
	struct CMUnitTest *t = calloc(list->n ? list->n : 1, sizeof(*t));

	if (!t)
		return NULL;
	for (size_t i = 0; i < list->n; i++) {
		t[i].name = list->v[i];
		t[i].test_func = fn;
		t[i].initial_state = list->v[i];
	}
	return t;
}

/* A loaded text: parse + validate of an in-memory topology, as
 * vl_topo_load does for a file (diagnostics sorted). */
struct tl_run {
	struct vl_diags d;
	struct vl_lab *lab;	/* NULL when parsing gave up */
	int parse_rc;
};

static inline void tl_run_text(struct tl_run *t, const char *text, size_t len)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(vl_diags_init(&t->d, "<test>"), 0);
	t->parse_rc = vl_topo_parse("<test>", text, len, &t->lab, &t->d);
	if (t->parse_rc == 0)
		vl_topo_validate(t->lab, &t->d);
	vl_diags_sort(&t->d);
}

static inline void tl_run(struct tl_run *t, const char *text)
{
	tl_run_text(t, text, strlen(text));
}

static inline void tl_run_fini(struct tl_run *t)
{
	vl_lab_free(t->lab);
	vl_diags_fini(&t->d);
	memset(t, 0, sizeof(*t));
}

/* Diagnostic I as "LINE:COL: error: message" in a static buffer. */
static inline const char *tl_diag(const struct vl_diags *d, size_t i)
{
	static char buf[4096];

	vl_diag_format(&d->v[i], buf, sizeof(buf));
	return buf;
}

/* Print all diagnostics (as TAP comments), for a failing assertion. */
static inline void tl_dump(const char *what, const struct vl_diags *d)
{
	print_message("# %s: %zu diagnostic(s), %zu error(s)%s\n", what, d->n,
		      d->n_errors, d->truncated ? ", truncated" : "");
	for (size_t i = 0; i < d->n; i++)
		print_message("#   %s\n", tl_diag(d, i));
}

/* The index of the first diagnostic whose message contains NEEDLE, or
 * (size_t)-1. */
static inline size_t tl_find(const struct vl_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle))
			return i;
	return (size_t)-1;
}

#endif
