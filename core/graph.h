/* Drawing a lab: namespaces as clusters, interfaces with their addresses,
 * links as edges. */
#ifndef VL_GRAPH_H
#define VL_GRAPH_H

#include <stdio.h>

#include "core/model.h"

enum vl_graph_format { VL_GRAPH_DOT, VL_GRAPH_MERMAID };

/* Writes the drawing of a validated LAB; returns -errno on a write error. */
int vl_graph_write(const struct vl_lab *lab, enum vl_graph_format fmt, FILE *f);

#endif
