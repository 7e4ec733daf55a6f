/* Graphviz DOT and Mermaid output. Identifiers are generated from indexes
 * (n3_i1) so that no user string ever needs escaping outside a label. */
#include <errno.h>
#include <string.h>

#include "core/graph.h"
#include "core/link.h"

/* Escape for a DOT double-quoted string; "\n" stays a DOT line break. */
static void dot_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* Mermaid labels are quoted; quotes and markup become entities. */
static void mermaid_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			fputs("#quot;", f);
			break;
		case '<':
			fputs("#lt;", f);
			break;
		case '>':
			fputs("#gt;", f);
			break;
		case '#':
			fputs("#35;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void iface_label(FILE *f, const struct vl_iface *ifc, bool dot)
{
	char s[VL_PREFIX_STRLEN];

	(dot ? dot_str : mermaid_str)(f, ifc->name);
	if (!ifc->up)
		fputs(" (down)", f);
	for (size_t a = 0; a < ifc->n_addrs; a++) {
		vl_prefix_str(&ifc->addrs[a].p, s, sizeof(s));
		fputs(dot ? "\\n" : "<br/>", f);
		fputs(s, f);
	}
}

/* lo is drawn only when the file configures it: it is in every node. */
static bool drawn(const struct vl_iface *ifc, size_t idx)
{
	return idx > 0 || ifc->declared;
}

static void write_dot(const struct vl_lab *lab, FILE *f)
{
	char ns[VL_MAX_NETNS_NAME + 1];

	fputs("graph \"", f);
	dot_str(f, lab->name);
	fputs("\" {\n\tcompound=true;\n\tnode [shape=box, style=rounded];\n", f);
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct vl_node *n = &lab->nodes[i];

		vl_netns_name(lab, n, ns, sizeof(ns));
		fprintf(f, "\tsubgraph cluster_n%zu {\n\t\tlabel=\"", i);
		dot_str(f, n->name);
		fputs(" (netns ", f);
		dot_str(f, ns);
		fputs(")\";\n", f);
		/* Graphviz does not draw an empty cluster: give it a point */
		if (n->n_ifaces == 1 && !drawn(&n->ifaces[0], 0))
			fprintf(f, "\t\tn%zu [shape=point, style=invis];\n", i);
		for (size_t j = 0; j < n->n_ifaces; j++) {
			if (!drawn(&n->ifaces[j], j))
				continue;
			fprintf(f, "\t\tn%zu_i%zu [label=\"", i, j);
			iface_label(f, &n->ifaces[j], true);
			fputs("\"];\n", f);
		}
		fputs("\t}\n", f);
	}
	for (size_t l = 0; l < lab->n_links; l++) {
		const struct vl_link *k = &lab->links[l];

		for (size_t e = 1; e < k->n_ends; e++)
			fprintf(f, "\tn%zu_i%zu -- n%zu_i%zu [label=\"%s\"];\n",
				k->ends[0].node_idx, k->ends[0].iface_idx,
				k->ends[e].node_idx, k->ends[e].iface_idx,
				k->kind->name);
	}
	fputs("}\n", f);
}

static void write_mermaid(const struct vl_lab *lab, FILE *f)
{
	char ns[VL_MAX_NETNS_NAME + 1];

	fputs("flowchart LR\n", f);
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct vl_node *n = &lab->nodes[i];

		vl_netns_name(lab, n, ns, sizeof(ns));
		fprintf(f, "\tsubgraph n%zu[\"", i);
		mermaid_str(f, n->name);
		fputs(" (netns ", f);
		mermaid_str(f, ns);
		fputs(")\"]\n", f);
		for (size_t j = 0; j < n->n_ifaces; j++) {
			if (!drawn(&n->ifaces[j], j))
				continue;
			fprintf(f, "\t\tn%zu_i%zu[\"", i, j);
			iface_label(f, &n->ifaces[j], false);
			fputs("\"]\n", f);
		}
		fputs("\tend\n", f);
	}
	for (size_t l = 0; l < lab->n_links; l++) {
		const struct vl_link *k = &lab->links[l];

		for (size_t e = 1; e < k->n_ends; e++)
			fprintf(f, "\tn%zu_i%zu ---|%s| n%zu_i%zu\n",
				k->ends[0].node_idx, k->ends[0].iface_idx,
				k->kind->name, k->ends[e].node_idx,
				k->ends[e].iface_idx);
	}
}

int vl_graph_write(const struct vl_lab *lab, enum vl_graph_format fmt, FILE *f)
{
	if (fmt == VL_GRAPH_DOT)
		write_dot(lab, f);
	else
		write_mermaid(lab, f);
	if (fflush(f) == EOF || ferror(f))
		return -(errno ? errno : EIO);
	return 0;
}
