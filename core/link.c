/* The table of link kinds. */
#include <string.h>

#include "core/link.h"

const struct vl_link_kind vl_link_veth = {
	.name = "veth",
	.summary = "a virtual Ethernet pair: what enters one end leaves the other",
	.min_ends = 2,
	.max_ends = 2,
	.same_node_ok = 1,
};

const struct vl_link_kind *const vl_link_kinds[] = {
	&vl_link_veth,
	NULL,
};

const struct vl_link_kind *vl_link_kind_find(const char *name)
{
	for (size_t i = 0; vl_link_kinds[i]; i++)
		if (!strcmp(vl_link_kinds[i]->name, name))
			return vl_link_kinds[i];
	return NULL;
}
