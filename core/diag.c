/* Collecting, ordering and printing located diagnostics. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"

int vl_diags_init(struct vl_diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = strdup(file ? file : "<input>");
	return d->file ? 0 : -ENOMEM;
}

void vl_diags_fini(struct vl_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	free(d->file);
	memset(d, 0, sizeof(*d));
}

void vl_diag(struct vl_diags *d, enum vl_severity sev, struct vl_loc loc,
	     const char *fmt, ...)
{
	struct vl_diag *g;
	va_list ap;
	char *msg;

	if (sev == VL_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (d->n >= VL_MAX_DIAGS_KEPT) {
		d->truncated = true;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct vl_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->truncated = true;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg) {
		d->truncated = true;
		return;
	}
	g = &d->v[d->n++];
	g->sev = sev;
	g->loc = loc;
	g->msg = msg;
}

void vl_diags_sort(struct vl_diags *d)
{
	/* Insertion sort: stable, so equal positions keep the order they were
	 * found in, and fast on the nearly sorted lists we produce. */
	for (size_t i = 1; i < d->n; i++) {
		struct vl_diag t = d->v[i];
		size_t j = i;

		while (j > 0 && (d->v[j - 1].loc.line > t.loc.line ||
				 (d->v[j - 1].loc.line == t.loc.line &&
				  d->v[j - 1].loc.col > t.loc.col))) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = t;
	}
}

int vl_diag_format(const struct vl_diag *g, char *buf, size_t len)
{
	const char *sev = g->sev == VL_ERROR ? "error" : "warning";

	return snprintf(buf, len, "%u:%u: %s: %s", g->loc.line, g->loc.col,
			sev, g->msg);
}

void vl_diags_print(const struct vl_diags *d, FILE *f)
{
	size_t shown = d->n < VL_MAX_DIAGS ? d->n : VL_MAX_DIAGS;

	for (size_t i = 0; i < shown; i++) {
		const struct vl_diag *g = &d->v[i];

		fprintf(f, "%s:%u:%u: %s: %s\n", d->file, g->loc.line,
			g->loc.col, g->sev == VL_ERROR ? "error" : "warning",
			g->msg);
	}
	if (d->truncated || shown < d->n)
		fprintf(f, "%s: too many problems; only the first %d are shown "
			"(%zu errors, %zu warnings in all)\n", d->file,
			VL_MAX_DIAGS, d->n_errors, d->n_warnings);
}
