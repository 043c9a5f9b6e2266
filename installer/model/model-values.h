/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules for values that reach a file in the target; part of
 * model_validate(), in their own file because they are many. */
#pragma once

#include "diag.h"
#include "model.h"

/* Reports every value of m that its consumer in the target would not take
 * as it is (see model-values.c), through d. */
void model_check_values(const azl_model *m, azl_diags *d);
