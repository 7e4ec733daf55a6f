/* Lifetimes and lookups of the topology model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/scenario.h"
#include "core/topo.h"

void *vl_array_push(void *vp, size_t *n, size_t sz)
{
	void **v = vp;
	char *grown;

	/* Grow in powers of two: capacity is implied by the count. */
	if ((*n & (*n - 1)) == 0) {	/* 0, 1, 2, 4, ... */
		size_t cap = *n ? *n * 2 : 1;

		grown = realloc(*v, cap * sz);
		if (!grown)
			return NULL;
		*v = grown;
	}
	grown = (char *)*v + *n * sz;
	memset(grown, 0, sz);
	(*n)++;
	return grown;
}

struct vl_lab *vl_lab_new(const char *file)
{
	struct vl_lab *lab = calloc(1, sizeof(*lab));

	if (!lab)
		return NULL;
	lab->file = strdup(file ? file : "<input>");
	if (!lab->file) {
		free(lab);
		return NULL;
	}
	return lab;
}

static void node_fini(struct vl_node *n)
{
	for (size_t i = 0; i < n->n_ifaces; i++) {
		free(n->ifaces[i].name);
		free(n->ifaces[i].addrs);
	}
	free(n->ifaces);
	for (size_t i = 0; i < n->n_routes; i++)
		free(n->routes[i].dev);
	free(n->routes);
	for (size_t i = 0; i < n->n_sysctls; i++) {
		free(n->sysctls[i].key);
		free(n->sysctls[i].value);
		free(n->sysctls[i].orig);
	}
	free(n->sysctls);
	free(n->name);
}

void vl_lab_free(struct vl_lab *lab)
{
	if (!lab)
		return;
	for (size_t i = 0; i < lab->n_nodes; i++)
		node_fini(&lab->nodes[i]);
	free(lab->nodes);
	for (size_t i = 0; i < lab->n_links; i++) {
		for (size_t j = 0; j < lab->links[i].n_ends; j++) {
			free(lab->links[i].ends[j].node);
			free(lab->links[i].ends[j].iface);
		}
		free(lab->links[i].ends);
	}
	free(lab->links);
	for (size_t i = 0; i < lab->n_scenarios; i++)
		vl_scenario_fini(&lab->scenarios[i]);
	free(lab->scenarios);
	vl_topo_src_free(lab->src);
	free(lab->name);
	free(lab->file);
	free(lab);
}

size_t vl_lab_node_index(const struct vl_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (!strcmp(lab->nodes[i].name, name))
			return i;
	return VL_NONE;
}

size_t vl_node_iface_index(const struct vl_node *node, const char *name)
{
	for (size_t i = 0; i < node->n_ifaces; i++)
		if (!strcmp(node->ifaces[i].name, name))
			return i;
	return VL_NONE;
}

size_t vl_node_add_iface(struct vl_node *node, const char *name,
			 struct vl_loc loc)
{
	struct vl_iface *ifc;
	char *copy = strdup(name);

	if (!copy)
		return VL_NONE;
	ifc = vl_array_push(&node->ifaces, &node->n_ifaces, sizeof(*ifc));
	if (!ifc) {
		free(copy);
		return VL_NONE;
	}
	ifc->name = copy;
	ifc->loc = loc;
	ifc->up = true;
	ifc->link = VL_NONE;
	ifc->link_end = VL_NONE;
	return node->n_ifaces - 1;
}

bool vl_netns_name(const struct vl_lab *lab, const struct vl_node *node,
		   char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s-%s", lab->name, node->name);

	return n > 0 && (size_t)n < len;
}
