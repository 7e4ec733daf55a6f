/* Link kinds: the extension point for what joins interfaces. A veth pair is
 * the first kind; bridges and netem links add an entry to the table in
 * core/link.c (see docs/extending.md). */
#ifndef VL_LINK_H
#define VL_LINK_H

#include <stddef.h>

#include "core/model.h"

struct vl_link_kind {
	const char *name;
	const char *summary;		/* one line, for docs and --help */
	size_t min_ends, max_ends;	/* how many endpoints it joins */
	/* Whether two ends may sit in one node (a veth pair may: the article
	 * puts both ends in one stack). */
	int same_node_ok;
	/* Kind-specific validation after endpoints are resolved; may be
	 * NULL. Reports through vl_diag_err. */
	void (*validate)(const struct vl_lab *lab, const struct vl_link *l,
			 struct vl_diags *d);
};

extern const struct vl_link_kind *const vl_link_kinds[];
extern const struct vl_link_kind vl_link_veth;

const struct vl_link_kind *vl_link_kind_find(const char *name);

#endif
