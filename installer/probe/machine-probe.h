/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Probing this machine (machine-probe.c): sysfs, libblkid through
 * blkid-probe.h, /proc/self/mountinfo, /proc/swaps, efivarfs. Fills the
 * azl_machine of machine.h; reads, never writes.
 */
#pragma once

#include "machine.h"

/* Probes this machine's disks. With only != NULL, probes just those paths
 * (block devices; regular files are described as images of their size).
 * Read only: no device is opened for writing. Returns 0 or -errno. */
int machine_probe(char *const *only, azl_machine **ret);

/* Reads SecureBoot and SetupMode from efivars (an efivarfs directory,
 * /sys/firmware/efi/efivars) into m: 4 bytes of attributes, then the
 * value byte. A variable that is missing or unreadable counts as 0. */
void machine_read_secure_boot(const char *efivars, azl_machine *m);

/* The /dev/disk/by-id names udev (60-persistent-storage.rules) gives the
 * whole disk NAME (nvme0n1, vda, sda), made from the sysfs attributes
 * under SYS (a /sys/class/block directory): nvme-WWID,
 * nvme-MODEL_SERIAL[_NSID], virtio-SERIAL, ata-MODEL_SERIAL and wwn-0x...
 * of SATA disks, scsi-3NAA and wwn-0xNAA of SCSI disks with an NAA
 * identifier. For a live system without udev. NULL: none. */
char **machine_by_id_names(const char *sys, const char *name);
