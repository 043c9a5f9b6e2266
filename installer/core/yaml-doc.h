/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libyaml: loads one YAML (or JSON) document with libyaml's
 * document loader and copies it into our own node tree, which carries
 * 1-based line/column marks for every node. Nothing else includes yaml.h.
 *
 * Hostile input is bounded here: the file size, the nesting depth, the
 * number of nodes and anchors (checked by a first pass over libyaml's
 * events, which stops at the first limit, before the document loader
 * runs: its work grows with the square of the nesting), the number of
 * nodes reachable through aliases (a "billion laughs" document is
 * refused instead of expanded) and the number of documents. Linear time
 * in the input.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* The version of libyaml this adapter runs against (--version, the log). */
const char *yaml_adapter_version(void);

#define YDOC_MAX_FILE_SIZE (4u * 1024 * 1024)
#define YDOC_MAX_DEPTH	   64
#define YDOC_MAX_NODES	   200000 /* after alias expansion */
#define YDOC_MAX_ANCHORS   100
/* Entries of a list of mappings (partitions, users, interfaces ...). */
#define YDOC_MAX_ENTRIES 4096

typedef enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQUENCE,
	YNODE_MAPPING,
} ynode_kind;

typedef struct ynode ynode;

typedef struct ypair {
	ynode *key; /* always a scalar: complex keys are refused on load */
	ynode *value;
} ypair;

struct ynode {
	ynode_kind kind;
	azl_loc loc;   /* where the node starts */
	azl_loc end;   /* where it ends (just past its last character) */
	char *scalar;  /* YNODE_SCALAR: the text */
	bool quoted;   /* the scalar was quoted: "1" is a string, not a number */
	bool is_null;  /* plain ~, null, or empty */
	ynode **items; /* YNODE_SEQUENCE */
	size_t n_items;
	ypair *pairs; /* YNODE_MAPPING, in document order */
	size_t n_pairs;
};

/* Parses text (len bytes) read from source src (which d owns). Returns the
 * root node (an empty document gives a null scalar), or NULL with errors
 * in d. Duplicate keys in one mapping are errors here. */
ynode *ydoc_load(const azl_source *src, azl_diags *d);
/* Reads path (bounded by YDOC_MAX_FILE_SIZE), registers it in d, loads it. */
ynode *ydoc_load_file(const char *path, azl_diags *d);
void ynode_free(ynode *n);
static inline void ynode_freep(ynode **n)
{
	ynode_free(*n);
}
#define _cleanup_ynode_ _cleanup_(ynode_freep)

const char *ynode_kind_name(ynode_kind k); /* "a mapping", "a list", ... */
/* The value for key in mapping n, or NULL. */
ynode *ynode_get(const ynode *n, const char *key);
