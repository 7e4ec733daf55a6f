/* Loading a topology file: parse (core/topo_yaml.c) then validate
 * (core/validate.c). Problems in the file go to a struct vl_diags with
 * their line and column; problems reading it go to a struct vl_error. */
#ifndef VL_TOPO_H
#define VL_TOPO_H

#include <stddef.h>

#include "core/diag.h"
#include "core/error.h"
#include "core/model.h"

/* Bounds on the input itself, checked before and while parsing. */
#define VL_MAX_FILE_SIZE (8u << 20)
#define VL_MAX_YAML_DEPTH 32
#define VL_MAX_YAML_NODES 1000000
/* Scenarios: each set or link step copies and checks the whole topology. */
#define VL_MAX_STEPS 10000
#define VL_MAX_SET_STEPS 256

/* Parse BUF (LEN bytes; NAME for messages). On success *OUT holds the
 * model, which may still carry errors reported in D that validation did
 * not see: the caller checks D->n_errors. Returns -EINVAL when the text
 * could not be turned into a model at all (*OUT is NULL), -ENOMEM. */
int vl_topo_parse(const char *name, const char *buf, size_t len,
		  struct vl_lab **out, struct vl_diags *d);

/* The checks that need the whole model: names, references, duplicates,
 * gateways, sysctls. Resolves link endpoints and adds the interfaces that
 * links name but nodes do not declare. Returns the number of errors. */
size_t vl_topo_validate(struct vl_lab *lab, struct vl_diags *d);

/* The lab's name as BUF's top-level "name" says, copied to NAME (SIZE
 * bytes), without parsing the rest or checking anything: 0, -ENOENT when
 * there is no such key, -EINVAL when its value is not a string that fits
 * or the text up to it is not YAML. Only for recognizing a file already
 * known (see vl_state_saved_is); a file's name is otherwise what
 * vl_topo_load reads. */
int vl_topo_peek_name(const char *buf, size_t len, char *name, size_t size);

/* Read PATH ("-" for standard input), parse and validate. 0 and *OUT set
 * when the file has no errors (warnings may be in D); -EINVAL when it
 * has (see D); another -errno with ERR filled when it cannot be read. */
int vl_topo_load(const char *path, struct vl_lab **out, struct vl_diags *d,
		 struct vl_error *err);
/* As vl_topo_load; when TEXT is not NULL the file's text is handed over
 * in *TEXT (*LEN bytes) on success, for a caller that keeps a copy. */
int vl_topo_load_text(const char *path, struct vl_lab **out, struct vl_diags *d,
		      struct vl_error *err, char **text, size_t *len);

/* Read the scenarios of a parsed LAB (called by vl_topo_validate once the
 * topology itself is checked): steps, captures, and for each set step the
 * whole topology as it becomes, itself validated. Frees LAB->src. */
void vl_topo_read_scenarios(struct vl_lab *lab, struct vl_diags *d);
void vl_topo_src_free(void *src);

/* Why S is not a valid lab or node name of at most MAX characters, or
 * NULL when it is. */
const char *vl_name_problem(const char *s, size_t max);

/* The interface a sysctl key names ("veth0" in net.ipv4.conf.veth0.x),
 * or NULL for global keys and all/default. Points into KEY; LEN out. */
const char *vl_sysctl_key_iface(const char *key, size_t *len);

#endif
