/* Located diagnostics for one topology file: "FILE:LINE:COL: error: message".
 * A file's problems are all collected, then printed in file order. */
#ifndef VL_DIAG_H
#define VL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

struct vl_loc {
	unsigned line, col;	/* 1-based; 0 means "the whole file" */
};

enum vl_severity { VL_WARNING, VL_ERROR };

struct vl_diag {
	enum vl_severity sev;
	struct vl_loc loc;
	char *msg;
};

/* Problems kept, and printed after sorting by position; past these
 * limits one "too many problems" line stands for the rest. */
#define VL_MAX_DIAGS_KEPT 10000
#define VL_MAX_DIAGS 100

struct vl_diags {
	char *file;
	struct vl_diag *v;
	size_t n, cap;
	size_t n_errors, n_warnings;
	bool truncated;
};

int vl_diags_init(struct vl_diags *d, const char *file);
void vl_diags_fini(struct vl_diags *d);
void vl_diag(struct vl_diags *d, enum vl_severity sev, struct vl_loc loc,
	     const char *fmt, ...) VL_PRINTF(4, 5);
#define vl_diag_err(d, loc, ...) vl_diag(d, VL_ERROR, loc, __VA_ARGS__)
#define vl_diag_warn(d, loc, ...) vl_diag(d, VL_WARNING, loc, __VA_ARGS__)
/* Stable sort by position so output follows the file. */
void vl_diags_sort(struct vl_diags *d);
void vl_diags_print(const struct vl_diags *d, FILE *f);
/* One diagnostic as text without the file name: "LINE:COL: error: msg". */
int vl_diag_format(const struct vl_diag *g, char *buf, size_t len);

#endif
