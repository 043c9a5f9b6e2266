/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LVM through the lvm2 tools, as blivet runs them: pvcreate, vgcreate,
 * lvcreate, vgchange -an. The live environment has no udev, so each call
 * tells LVM to make its /dev nodes itself and not to wait for udev.
 */
#pragma once

#include <stdint.h>

int lvm_pvcreate(const char *device);
/* pvs: strv of PV devices. */
int lvm_vgcreate(const char *vg, char *const *pvs);
/* size in bytes (the plan rounds it to whole extents). */
int lvm_lvcreate(const char *vg, const char *lv, uint64_t size);
/* Deactivates every LV of vg. */
int lvm_vg_deactivate(const char *vg);
