/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootloader_apply: kernel and initramfs in /boot, BLS entries, grub.cfg,
 * and GRUB itself, for BIOS and for UEFI.
 *
 * BIOS: grub-install cannot be used on a loop device: it asks grub-probe
 * for the partition that holds /boot, and GRUB finds a partition's start
 * through HDIO_GETGEO (which loop partitions do not answer) or through
 * `udevadm` (which a minimal target does not have), so it fails with
 * "cannot find a GRUB drive ... Check your device.map". What Anaconda's
 * image builds and diskimage-builder do instead, we do step by step:
 * the core image is made with grub2-mkimage from the target's own
 * i386-pc modules, with an embedded config that finds /boot by its
 * filesystem UUID (no probing at all), and grub-bios-setup writes
 * boot.img into the MBR and core.img into the BIOS boot partition (or
 * the gap after the MBR), told by a device.map that (hd0) is the boot
 * disk. The setup tool runs from the live environment, where the boot
 * disk's partitions can be resolved, and falls back to the target's copy
 * in a chroot.
 *
 * UEFI: \EFI\BOOT\BOOTX64.EFI (the removable-media fallback path) and a
 * vendor directory \EFI\azurelinux\ with shim first when the target has
 * one, GRUB behind it, and a grub.cfg stub that finds /boot by UUID. The
 * ESP is written through the mounted /boot/efi, or with mtools when the
 * host cannot mount vfat (storage leaves it unmounted then). An NVRAM
 * entry is made with efibootmgr when efivars exist, and only in the
 * firmware that will boot the disk: from the live environment (or when
 * --nvram-entry asks for it), and never for a disk image (a loop or network
 * block device), which some other machine boots: there the entry would
 * land in the firmware of the host that builds the image.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply-bootloader.h"
#include "chroot.h"
#include "efi-image.h"
#include "i18n.h"
#include "identity.h"
#include "initramfs-check.h"
#include "interrupt.h"
#include "log.h"
#include "pbkdf2.h"
#include "progress.h"
#include "spawn.h"
#include "util.h"

#define VENDOR	"azurelinux"
#define TITLE	"Azure Linux 4.0"
#define EFI_MAX (64u << 20)
#define GRUB_MODS_BIOS                                                                             \
	"biosdisk part_gpt part_msdos ext2 xfs lvm luks2 "                                         \
	"cryptodisk search search_fs_uuid normal configfile "                                      \
	"linux echo test serial terminal"

/* Kernel versions with a vmlinuz under /usr/lib/modules, newest first
 * (by strverscmp). */
static char **find_kernels(const azl_target *t)
{
	char **v = NULL;
	DIR *d = fd_opendir(target_openat(t, "usr/lib/modules", O_RDONLY | O_DIRECTORY, 0));
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = xasprintf("usr/lib/modules/%s/vmlinuz", e->d_name);
		if (target_exists(t, p))
			strv_push(&v, xstrdup(e->d_name));
	}
	closedir(d);
	size_t n = strv_length(v);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strverscmp(v[j - 1], v[j]) < 0; j--) {
			char *x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	return v;
}

/* Copies a file inside the target (src and dst relative to its root). */
static int copy_in_target(const azl_target *t, const char *src, const char *dst, mode_t mode)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = target_read_file(t, src, 256u << 20, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read /%s", src);
	r = target_write_file(t, dst, data, len, mode, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /%s", dst);
	return 0;
}

static bool target_has_tool(const azl_target *t, const char *const *names, const char **ret)
{
	for (size_t i = 0; names[i]; i++)
		if (target_exists(t, names[i])) {
			*ret = names[i];
			return true;
		}
	return false;
}

/* Loop devices and NBD (qemu-nbd) stand for an image of another machine. */
static bool image_device(const char *dev)
{
	struct stat s;
	return dev && stat(dev, &s) == 0 && S_ISBLK(s.st_mode) &&
	       (major(s.st_rdev) == 7 || major(s.st_rdev) == 43);
}

/* The dracut modules the installed layout needs to find /: what Anaconda
 * asks dracut for (crypt, lvm, mdraid for software RAID). dracut
 * would pick crypt and lvm up by itself in host-only mode; --add makes
 * them explicit in both modes and fails when the target lacks them. */
char *bootloader_dracut_modules(const azl_installed_storage *st)
{
	azl_buf b = {0};
	if (st->luks_uuids && st->luks_uuids[0])
		buf_append(&b, "crypt");
	/* crypttab's tpm2-device= pulls it in host-only; the generic rescue
	 * image needs it named. */
	if (st->luks_uuids && st->luks_uuids[0] && st->luks_tpm2)
		buf_append(&b, " tpm2-tss");
	/* clevis's: clevis-luks-askpass answers systemd-cryptsetup with the
	 * key tang gives back; clevis-pin-tang brings dracut's network
	 * module (NetworkManager's nm-initrd-generator in the target). */
	if (st->luks_uuids && st->luks_uuids[0] && st->luks_tang)
		buf_append(&b, st->luks_tang_sss ? " clevis clevis-pin-tang clevis-pin-sss"
						 : " clevis clevis-pin-tang");
	if (st->lvm_lvs && st->lvm_lvs[0])
		buf_printf(&b, "%slvm", b.len ? " " : "");
	if (st->md_uuids && st->md_uuids[0])
		buf_printf(&b, "%smdraid", b.len ? " " : "");
	if (st->root_fs == AZL_FS_BTRFS)
		buf_printf(&b, "%sbtrfs", b.len ? " " : "");
	return b.len ? buf_steal(&b) : NULL;
}

/* dracut's argv, as Fedora's kernel-install plugin and Anaconda run it:
 * host-only (only what this machine needs) when the installed disk is
 * the one this machine boots (the live environment), generic
 * (--no-hostonly: every driver) for a disk image or any other machine's
 * disk, where the drivers of the machine that boots it are unknown.
 * drivers (host-only): the kernel modules the layout needs, named with
 * --add-drivers. dracut's own host-only detection asks udev
 * (get_dev_module) and the live environment has none, so on its own it
 * left out the disk controller and sd_mod (the driver matrix found
 * initramfs images that could not find /). */
char **bootloader_dracut_argv(const char *dracut, const char *kver, const char *out,
			      const char *modules, const char *drivers, bool hostonly)
{
	char **v = NULL;
	strv_push(&v, xstrdup(dracut));
	strv_push(&v, xstrdup("-f"));
	strv_push(&v, xstrdup("--kver"));
	strv_push(&v, xstrdup(kver));
	strv_push(&v, xstrdup(hostonly ? "--hostonly" : "--no-hostonly"));
	if (modules) {
		strv_push(&v, xstrdup("--add"));
		strv_push(&v, xstrdup(modules));
	}
	if (drivers && hostonly) {
		strv_push(&v, xstrdup("--add-drivers"));
		strv_push(&v, xstrdup(drivers));
	}
	strv_push(&v, xstrdup(out));
	return v;
}

static char *os_release_id(const azl_target *t);

/* The BLS entry token: the os-release ID, as `kernel-install
 * --entry-token=os-id` has it (docs/system.md). */
static char *entry_token(const azl_target *t)
{
	char *id = os_release_id(t);
	return id ? id : xstrdup(VENDOR);
}

/* Real dracut (not the demo repository's stand-in): its module tree. */
static bool target_has_real_dracut(const azl_target *t)
{
	return target_exists(t, "usr/lib/dracut/dracut-functions.sh");
}

/* The drivers of every kernel's initramfs, found once per install
 * (install_kernels): the layout's, and host-only the other controllers'
 * and (with tang) the network interfaces'. */
typedef struct {
	/* An install error when an initramfs lacks one: the layout's
	 * drivers, and with tang host-only the NICs' (the initramfs opens /
	 * only once the network is up). */
	char **need;
	char **need_whys;
	/* --add-drivers for every kernel: the layout's, space-separated;
	 * NULL for none. */
	char *add;
	/* Host-only: every bound controller's and NIC's driver not in add,
	 * added when the kernel has it; a warning when an initramfs lacks
	 * one that is not in need. */
	char **extra;
	char **extra_whys;
} initramfs_drivers;

static void initramfs_drivers_free(initramfs_drivers *d)
{
	if (!d)
		return;
	strv_free(d->need);
	strv_free(d->need_whys);
	free(d->add);
	strv_free(d->extra);
	strv_free(d->extra_whys);
	*d = (initramfs_drivers){0};
}

/* What the layout needs in the initramfs img of kernel k (d), proven
 * there (initramfs-check.c); the firmware of this machine's loaded
 * modules when this machine boots the disk. */
static int check_initramfs(const azl_target *t, const char *k, const char *img, bool hostonly,
			   const initramfs_drivers *d)
{
	int r = initramfs_verify(t, k, img, d->need, d->need_whys, d->extra, d->extra_whys);
	if (r < 0)
		return r;
	return hostonly ? initramfs_check_firmware(t, k, NULL) : 0;
}

/* Fedora's 51-dracut-rescue.install: the newest kernel once more as
 * vmlinuz-0-rescue-TOKEN with a generic initramfs (every driver, and the
 * layout's dracut modules), for a disk moved to other hardware. A generic
 * initramfs made for a disk image already is one: it is copied
 * (rescue_finish). Host-only, the generic dracut runs in a child process
 * of its own, started here, while the host-only dracut runs beside it:
 * the two do not share a file (each has its own temporary directory and
 * output), and under emulation (QEMU TCG: every fork and exec of
 * dracut's shell costs milliseconds) the second run otherwise doubled
 * the boot loader phase (docs/performance.md, issue 12). *ret_pid: the
 * child, or -1. */
static int rescue_start(const azl_target *t, const char *dracut, const char *k, const char *mods,
			bool hostonly, pid_t *ret_pid)
{
	_cleanup_free_ char *token = entry_token(t);
	_cleanup_free_ char *ver = xasprintf("0-rescue-%s", token);
	_cleanup_free_ char *src = xasprintf("usr/lib/modules/%s/vmlinuz", k);
	_cleanup_free_ char *vml = xasprintf("boot/vmlinuz-%s", ver);
	_cleanup_free_ char *img = xasprintf("boot/initramfs-%s.img", ver);
	*ret_pid = -1;
	int r = copy_in_target(t, src, vml, 0755);
	if (r < 0 || !hostonly)
		return r;
	_cleanup_free_ char *abs = xasprintf("/%s", dracut);
	_cleanup_free_ char *out = xasprintf("/%s", img);
	_cleanup_strv_free_ char **argv = bootloader_dracut_argv(abs, k, out, mods, NULL, false);
	log_info("rescue: the generic dracut runs beside the host-only one");
	pid_t pid = fork();
	if (pid < 0)
		return log_error_errno(errno, "cannot start the rescue dracut");
	if (pid == 0) {
		/* The child only runs dracut and logs its output (log.c
		 * writes whole lines with write(2)); no progress, no
		 * cleanup of the parent's state. Its own process group, so
		 * that the parent can stop it and its dracut at once; gone
		 * with the parent. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		azl_spawn_opts o = {.chroot = t->root};
		_exit(spawn_check(argv, &o) < 0 ? 1 : 0);
	}
	setpgid(pid, pid); /* (both sides: whichever runs first) */
	*ret_pid = pid;
	return 0;
}

/* Waits for the rescue dracut (pid >= 0), or copies the generic
 * initramfs of k (a disk image's). *ret: the entry's version
 * "0-rescue-TOKEN". */
static int rescue_finish(const azl_target *t, const char *k, pid_t pid, char **ret)
{
	_cleanup_free_ char *token = entry_token(t);
	_cleanup_free_ char *ver = xasprintf("0-rescue-%s", token);
	_cleanup_free_ char *vml = xasprintf("boot/vmlinuz-%s", ver);
	_cleanup_free_ char *img = xasprintf("boot/initramfs-%s.img", ver);
	int r = 0;
	if (pid >= 0) {
		int status;
		bool stopped = false;
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR)
				return log_error_errno(errno, "cannot wait for the rescue dracut");
			/* Its own process group: Ctrl-C on the terminal does
			 * not reach it; an interrupted install stops it. */
			if (interrupt_requested() && !stopped) {
				(void)kill(-pid, SIGKILL);
				stopped = true;
			}
		}
		if (stopped)
			return log_error_errno(EINTR,
					       "the rescue dracut was stopped (interrupted)");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return log_error_errno(EIO, "the rescue dracut (generic) failed");
	} else {
		_cleanup_free_ char *gen = xasprintf("boot/initramfs-%s.img", k);
		r = copy_in_target(t, gen, img, 0600);
	}
	if (r < 0)
		return r;
	log_info("rescue: /%s and /%s (%s, from the kernel %s)", vml, img,
		 pid >= 0 ? "a generic initramfs made by dracut --no-hostonly"
			  : "a copy of the generic initramfs",
		 k);
	*ret = TAKE_PTR(ver);
	return 0;
}

/* The drivers of the initramfs (docs/system.md, "Host-only"): the
 * layout's always (d->add, d->need); host-only (this machine boots the
 * disk) also the other drivers of every disk controller bound on this
 * machine (d->extra, each with the disk that needs it), as dracut's
 * host-only mode keeps on Fedora every storage driver that udev and the
 * loaded modules show it. The live environment has neither for dracut in
 * the target's chroot, which on its own kept only what it found for /
 * (the driver matrix found initramfs images without the disk
 * controller). So a disk behind another controller of this machine (the
 * answer file's OEMDRV disk's, a SAS HBA beside SATA boot disks) boots
 * through the normal entry too; one behind a controller that was not
 * there at install is the 0-rescue entry's. With tang (nics), host-only,
 * the drivers of this machine's network interfaces too: in d->extra (so
 * that --add-drivers never names a module the kernel lacks) and in
 * d->need (the initramfs must hold them: it opens / only once the
 * network is up). */
static int find_initramfs_drivers(const azl_target *t, bool hostonly, bool nics,
				  initramfs_drivers *d)
{
	_cleanup_strv_free_ char **images = NULL;
	int r = initramfs_needed_modules(t->root, &d->need, &d->need_whys, &images);
	if (r < 0)
		return r;
	for (size_t i = 0; images && images[i]; i++)
		log_info(
			"initramfs: '%s' is a disk image (no controller of its own): the machine that boots it brings the driver, and the initramfs is generic",
			images[i]);
	azl_buf b = {0};
	for (size_t i = 0; d->need && d->need[i]; i++)
		buf_printf(&b, "%s%s", b.len ? " " : "", d->need[i]);
	d->add = b.len ? buf_steal(&b) : NULL;
	buf_free(&b);
	if (!hostonly)
		return 0;
	if (d->add)
		log_info("initramfs: host-only with the drivers the layout needs: %s", d->add);
	_cleanup_strv_free_ char **ctl = NULL;
	_cleanup_strv_free_ char **ctl_whys = NULL;
	r = initramfs_controller_modules("/sys", &ctl, &ctl_whys);
	if (r < 0)
		/* The other disks are a help; the layout's drivers are known. */
		log_warning(
			"initramfs: cannot list this machine's disks in /sys/class/block (%s); host-only with the drivers the layout needs only",
			strerror(-r));
	else {
		azl_buf all = {0};
		for (size_t i = 0; ctl && ctl[i]; i++)
			buf_printf(&all, "%s%s", all.len ? " " : "", ctl[i]);
		log_info("initramfs: host-only with the drivers of every disk controller: %s",
			 all.len ? all.data
				 : "none (built into the kernel, or no disk with a controller)");
		buf_free(&all);
	}
	_cleanup_strv_free_ char **nic = NULL;
	_cleanup_strv_free_ char **nic_whys = NULL;
	if (nics && initramfs_nic_modules("/sys", &nic, &nic_whys) < 0)
		log_warning(
			"initramfs: cannot list this machine's network interfaces in /sys/class/net; tang needs their drivers in the initramfs");
	for (size_t i = 0; nic && nic[i]; i++)
		if (!strv_contains(ctl, nic[i])) {
			strv_push(&ctl, xstrdup(nic[i]));
			strv_push(&ctl_whys, xstrdup(nic_whys[i]));
		}
	for (size_t i = 0; ctl && ctl[i]; i++)
		if (!strv_contains(d->need, ctl[i])) { /* (the layout's are in add) */
			strv_push(&d->extra, xstrdup(ctl[i]));
			strv_push(&d->extra_whys, xstrdup(ctl_whys[i]));
		}
	for (size_t i = 0; nic && nic[i]; i++)
		if (!strv_contains(d->need, nic[i])) {
			strv_push(&d->need, xstrdup(nic[i]));
			strv_push(&d->need_whys, xstrdup(nic_whys[i]));
		}
	return 0;
}

/* --add-drivers for the kernel k: need (the layout's, always) and each
 * of extra that k has (dracut's --add-drivers fails on a module the
 * kernel lacks, and another disk's controller must not fail the install;
 * initramfs_verify warns about it). NULL: none. */
static char *kernel_drivers(const azl_target *t, const char *k, const char *need,
			    char *const *extra)
{
	azl_buf b = {0};
	if (need)
		buf_printf(&b, "%s", need);
	_cleanup_strv_free_ char **known = extra ? initramfs_kernel_modules(t, k) : NULL;
	for (size_t i = 0; extra && extra[i]; i++)
		if (strv_contains(known, extra[i]))
			buf_printf(&b, "%s%s", b.len ? " " : "", extra[i]);
	return b.len ? buf_steal(&b) : NULL;
}

/* The kernels in /boot and a fresh initramfs from the target's dracut,
 * each checked for what the layout needs; a rescue kernel and initramfs
 * (*ret_rescue: its version, or NULL) when the dracut is real. */
static int install_kernels(const azl_target *t, char **kernels, const azl_installed_storage *st,
			   bool hostonly, char **ret_rescue)
{
	static const char *const dracuts[] = {"usr/bin/dracut", "usr/sbin/dracut", NULL};
	const char *dracut = NULL;
	bool have_dracut = target_has_tool(t, dracuts, &dracut);
	bool real = have_dracut && target_has_real_dracut(t);
	_cleanup_free_ char *mods = bootloader_dracut_modules(st);
	_cleanup_(initramfs_drivers_free) initramfs_drivers drivers = {0};
	azl_chroot_mounts cm = {0};
	pid_t rescue_pid = -1;
	int r = 0;
	*ret_rescue = NULL;
	if (real) {
		r = find_initramfs_drivers(t, hostonly, st && st->luks_tang, &drivers);
		if (r < 0)
			return r;
	}
	if (have_dracut) {
		log_info("initramfs: the target's dracut, %s%s%s",
			 hostonly ? "host-only (this machine boots the disk)"
				  : "generic (the disk is an image or another machine's)",
			 mods ? ", modules " : "", mods ? mods : "");
		if ((r = chroot_mount(t->root, &cm)) < 0)
			return r;
	}
	if (real)
		r = rescue_start(t, dracut, kernels[0], mods, hostonly, &rescue_pid);
	for (size_t i = 0; r >= 0 && kernels[i]; i++) {
		const char *k = kernels[i];
		_cleanup_free_ char *src = xasprintf("usr/lib/modules/%s/vmlinuz", k);
		_cleanup_free_ char *dst = xasprintf("boot/vmlinuz-%s", k);
		if (!target_exists(t, dst)) {
			r = copy_in_target(t, src, dst, 0755);
			if (r < 0)
				break;
			log_info("copied the kernel %s to /boot", k);
		}
		_cleanup_free_ char *img = xasprintf("/boot/initramfs-%s.img", k);
		if (have_dracut) {
			_cleanup_free_ char *abs = xasprintf("/%s", dracut);
			_cleanup_free_ char *all =
				hostonly ? kernel_drivers(t, k, drivers.add, drivers.extra) : NULL;
			_cleanup_strv_free_ char **argv =
				bootloader_dracut_argv(abs, k, img, mods, all, hostonly);
			azl_spawn_opts o = {.chroot = t->root};
			r = spawn_check(argv, &o);
			if (r >= 0 && real)
				r = check_initramfs(t, k, img, hostonly, &drivers);
		} else if (!target_exists(t, img))
			log_warning(
				"the target has no dracut and no %s; the kernel %s boots without an initramfs",
				img, k);
	}
	if (r < 0 && rescue_pid >= 0) {
		/* Its chroot mounts go next, and the install failed: stop
		 * the rescue dracut's whole group, wait, verdict unchanged. */
		int status;
		log_info("rescue: stopping the generic dracut (the install failed)");
		(void)kill(-rescue_pid, SIGKILL);
		while (waitpid(rescue_pid, &status, 0) < 0 && errno == EINTR)
			;
	} else if (r >= 0 && real) {
		r = rescue_finish(t, kernels[0], rescue_pid, ret_rescue);
	} else if (r >= 0 && have_dracut)
		log_info(
			"rescue: no 0-rescue entry: the target's dracut is the demo repository's stand-in, whose initramfs is generic already");
	int u = chroot_umount(&cm);
	return r < 0 ? r : u;
}

static bool args_have(char *const *args, const char *prefix)
{
	for (size_t i = 0; args && args[i]; i++)
		if (startswith(args[i], prefix))
			return true;
	return false;
}

/* Whether args already choose the major LSM or switch SELinux off. */
static bool args_choose_lsm(char *const *args)
{
	for (size_t i = 0; args && args[i]; i++)
		if (startswith(args[i], "security=") || startswith(args[i], "lsm=") ||
		    startswith(args[i], "selinux="))
			return true;
	return false;
}

char *bootloader_cmdline(const azl_model *m, const azl_installed_storage *st, bool selinux_policy)
{
	azl_buf b = {0};
	buf_printf(&b, "root=UUID=%s ro", st->root_uuid);
	/* / on a btrfs subvolume (Fedora: rootflags=subvol=root). */
	if (st->root_subvol)
		buf_printf(&b, " rootflags=subvol=%s", st->root_subvol);
	for (size_t i = 0; st->luks_uuids && st->luks_uuids[i]; i++)
		buf_printf(&b, " rd.luks.uuid=luks-%s", st->luks_uuids[i]);
	/* For the containers an initramfs has no crypttab line for (the
	 * generic rescue image): the TPM first, then the passphrase. */
	if (st->luks_uuids && st->luks_uuids[0] && st->luks_tpm2)
		buf_append(&b, " rd.luks.options=tpm2-device=auto");
	/* tang: the initramfs brings the network up before it opens the
	 * containers, as clevis's dracut README asks (rd.neednet=1), by DHCP
	 * unless kernel_args configure it (ip=...). */
	if (st->luks_uuids && st->luks_uuids[0] && st->luks_tang) {
		buf_append(&b, " rd.neednet=1");
		if (!args_have(m->bootloader.kernel_args, "ip="))
			buf_append(&b, " ip=dhcp");
	}
	for (size_t i = 0; st->lvm_lvs && st->lvm_lvs[i]; i++)
		buf_printf(&b, " rd.lvm.lv=%s", st->lvm_lvs[i]);
	for (size_t i = 0; st->md_uuids && st->md_uuids[i]; i++)
		buf_printf(&b, " rd.md.uuid=%s", st->md_uuids[i]);
	/* SELinux must be the active major LSM for the mode to mean
	 * anything. Debian's kernel (the demo repository's) starts AppArmor
	 * unless told otherwise, as Debian's own selinux-activate does with
	 * this argument; Azure Linux's kernel starts SELinux already, and
	 * the argument only repeats its default there. */
	if (selinux_policy && m->selinux != AZL_SELINUX_DISABLED &&
	    !args_choose_lsm(m->bootloader.kernel_args))
		buf_append(&b, " security=selinux");
	for (size_t i = 0; m->bootloader.kernel_args && m->bootloader.kernel_args[i]; i++)
		buf_printf(&b, " %s", m->bootloader.kernel_args[i]);
	return buf_steal(&b);
}

/* Paths as GRUB sees them on the filesystem that holds /boot. */
static const char *boot_prefix(const azl_installed_storage *st)
{
	return st->boot_uuid ? "" : "/boot";
}

#define OS_RELEASE_MAX (64u << 10)

/* ID= of the target's os-release (/etc, then /usr/lib), unquoted; NULL
 * when there is none. */
static char *os_release_id(const azl_target *t)
{
	static const char *const files[] = {"etc/os-release", "usr/lib/os-release"};
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *text = NULL;
		if (target_read_file(t, files[i], OS_RELEASE_MAX, &text, NULL) < 0)
			continue;
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			if (startswith(line, "ID=")) {
				char *v = line + 3;
				size_t n = strlen(v);
				if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
					v++;
					n -= 2;
				}
				if (n)
					return xstrndup(v, n);
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	return NULL;
}

char *bootloader_bls_entry(const char *kver, const char *cmdline, const char *pfx,
			   const char *sort_key)
{
	azl_buf b = {0};
	buf_printf(&b, "title %s (%s)\nversion %s\n", TITLE, kver, kver);
	if (sort_key)
		buf_printf(&b, "sort-key %s\n", sort_key);
	buf_printf(&b,
		   "linux %s/vmlinuz-%s\ninitrd %s/initramfs-%s.img\n"
		   "options %s\n"
		   "grub_users $grub_users\ngrub_arg --unrestricted\n"
		   "grub_class " VENDOR "\n",
		   pfx, kver, pfx, kver, cmdline);
	return buf_steal(&b);
}

/* The entries kernel-install would write for Fedora's layout (kernel and
 * initramfs in /boot, one ENTRY-TOKEN-KVER.conf each). The entry token
 * is the os-release ID, as `kernel-install --entry-token=os-id` has it:
 * not the machine ID, which stays empty until first boot. So that a
 * later kernel update names and fills its entry the same way,
 * /etc/kernel/entry-token keeps the token and /etc/kernel/cmdline the
 * options (kernel-install would otherwise copy /proc/cmdline, the live
 * environment's). */
static int write_bls(const azl_target *t, char **kernels, const char *cmdline, const char *pfx,
		     const char *rescue)
{
	_cleanup_free_ char *token = entry_token(t);
	int r = target_mkdir_p(t, "boot/loader/entries", 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /boot/loader/entries");
	for (size_t i = 0; kernels[i]; i++) {
		const char *k = kernels[i];
		_cleanup_free_ char *text = bootloader_bls_entry(k, cmdline, pfx, token);
		_cleanup_free_ char *p = xasprintf("boot/loader/entries/%s-%s.conf", token, k);
		r = target_write_file(t, p, text, strlen(text), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /%s", p);
		log_info("wrote /%s", p);
	}
	if (rescue) {
		/* Fedora's TOKEN-0-rescue.conf: the same options. */
		_cleanup_free_ char *text = bootloader_bls_entry(rescue, cmdline, pfx, token);
		_cleanup_free_ char *p = xasprintf("boot/loader/entries/%s-0-rescue.conf", token);
		r = target_write_file(t, p, text, strlen(text), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /%s", p);
		log_info("wrote /%s", p);
	}
	r = target_mkdir_p(t, "etc/kernel", 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /etc/kernel");
	_cleanup_free_ char *tok = xasprintf("%s\n", token);
	_cleanup_free_ char *cl = xasprintf("%s\n", cmdline);
	const char *const files[][2] = {{"etc/kernel/entry-token", tok},
					{"etc/kernel/cmdline", cl}};
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		r = target_write_file(t, files[i][0], files[i][1], strlen(files[i][1]), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /%s", files[i][0]);
		log_info("wrote /%s", files[i][0]);
	}
	return 0;
}

static bool target_grub_has_blscfg(const azl_target *t)
{
	return target_exists(t, "usr/lib/grub/i386-pc/blscfg.mod") ||
	       target_exists(t, "usr/lib/grub/x86_64-efi/blscfg.mod");
}

/* "console=ttyS0,115200" among the kernel arguments: GRUB talks on the
 * same serial port. */
static void serial_lines(const azl_model *m, azl_buf *b)
{
	for (size_t i = 0; m->bootloader.kernel_args && m->bootloader.kernel_args[i]; i++) {
		const char *a = m->bootloader.kernel_args[i];
		if (!startswith(a, "console=ttyS"))
			continue;
		unsigned unit = (unsigned)strtoul(a + 12, NULL, 10);
		const char *comma = strchr(a, ',');
		unsigned speed = comma ? (unsigned)strtoul(comma + 1, NULL, 10) : 9600;
		buf_printf(b,
			   "serial --unit=%u --speed=%u\n"
			   "terminal_input serial console\n"
			   "terminal_output serial console\n",
			   unit, speed ? speed : 9600);
		return;
	}
}

/* bootloader.password: GRUB's superuser "root", as Anaconda sets it up
 * (there in user.cfg). Entries stay bootable (BLS: grub_arg --unrestricted;
 * menuentry: --unrestricted); editing them and the GRUB shell ask for the
 * password. A plaintext password is hashed here and never written.
 * Returns 0 or -errno. */
static int grub_password_lines(const azl_model *m, azl_buf *b)
{
	const azl_bootloader *bl = &m->bootloader;
	_cleanup_free_ char *h = NULL;
	const char *hash = bl->password_hash;
	if (!hash && bl->password) {
		int r = grub_password_hash(bl->password, &h);
		if (r < 0)
			return log_error_errno(r, "cannot hash the GRUB password");
		hash = h;
	}
	if (!hash)
		return 0;
	buf_printf(b,
		   "set superusers=\"root\"\nexport superusers\n"
		   "password_pbkdf2 root %s\n",
		   hash);
	log_info("GRUB password set for superuser root");
	return 0;
}

static char *grub_cfg_text(const azl_model *m, const azl_target *t, const azl_installed_storage *st,
			   char **kernels, const char *cmdline)
{
	const char *pfx = boot_prefix(st);
	const char *uuid = st->boot_uuid ? st->boot_uuid : st->root_uuid;
	azl_buf b = {0};
	buf_printf(&b,
		   "# Written by azl-installer. Boot entries are in /boot/loader/entries/ (BLS).\n"
		   "set timeout=%d\nset default=0\n",
		   m->bootloader.timeout);
	serial_lines(m, &b);
	if (grub_password_lines(m, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	buf_append(&b, "insmod part_gpt\ninsmod part_msdos\ninsmod ext2\n"
		       "insmod xfs\n");
	if (!st->boot_uuid && st->lvm_lvs)
		buf_append(&b, "insmod lvm\n");
	buf_printf(&b, "search --no-floppy --fs-uuid --set=root %s\n", uuid);
	if (target_grub_has_blscfg(t)) {
		buf_append(&b, "insmod blscfg\nblscfg\n");
		return buf_steal(&b);
	}
	/* A GRUB without blscfg (the demo repository's Debian build) reads
	 * the same entries written out as menu entries. */
	bool locked = m->bootloader.password || m->bootloader.password_hash;
	for (size_t i = 0; kernels[i]; i++)
		buf_printf(&b,
			   "menuentry '%s (%s)' --class " VENDOR "%s {\n"
			   "\tlinux %s/vmlinuz-%s %s\n"
			   "\tinitrd %s/initramfs-%s.img\n}\n",
			   TITLE, kernels[i], locked ? " --unrestricted" : "", pfx, kernels[i],
			   cmdline, pfx, kernels[i]);
	return buf_steal(&b);
}

/* Runs a GRUB tool: the target's (chrooted) when it has one of names,
 * else the live environment's. argv[0] is replaced. */
static int run_grub_tool(const azl_target *t, const char *const *target_names,
			 const char *const *host_names, char **argv, bool prefer_host)
{
	const char *tp = NULL;
	bool in_target = target_has_tool(t, target_names, &tp);
	const char *hp = NULL;
	for (size_t i = 0; host_names[i] && !hp; i++)
		if (spawn_have_tool(host_names[i]))
			hp = host_names[i];
	if (prefer_host && hp) {
		argv[0] = (char *)hp;
		return spawn_check(argv, NULL);
	}
	if (in_target) {
		_cleanup_free_ char *abs = xasprintf("/%s", tp);
		argv[0] = abs;
		azl_spawn_opts o = {.chroot = t->root};
		return spawn_check(argv, &o);
	}
	if (hp) {
		argv[0] = (char *)hp;
		return spawn_check(argv, NULL);
	}
	return log_error_errno(ENOENT, "no '%s' in the target or here", host_names[0]);
}

/* Copies the target's GRUB modules of a platform to /boot/grub2/PLAT so
 * that insmod finds them at boot. */
static int copy_modules(const azl_target *t, const char *plat)
{
	_cleanup_free_ char *src = xasprintf("usr/lib/grub/%s", plat);
	_cleanup_free_ char *dst = xasprintf("boot/grub2/%s", plat);
	int r = target_mkdir_p(t, dst, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /%s", dst);
	int fd = target_openat(t, src, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return log_error_errno(fd, "the target has no /%s (GRUB for %s is not installed)",
				       src, plat);
	DIR *d = fd_opendir(fd);
	if (!d)
		return -errno;
	struct dirent *e;
	size_t n = 0;
	while (r >= 0 && (e = readdir(d))) {
		if (!endswith(e->d_name, ".mod") && !endswith(e->d_name, ".lst") &&
		    !endswith(e->d_name, ".img") && !endswith(e->d_name, ".o"))
			continue;
		_cleanup_free_ char *s = xasprintf("%s/%s", src, e->d_name);
		_cleanup_free_ char *p = xasprintf("%s/%s", dst, e->d_name);
		r = copy_in_target(t, s, p, 0644);
		n++;
	}
	closedir(d);
	if (r >= 0)
		log_info("copied %zu GRUB files to /%s", n, dst);
	return r;
}

static int bios_setup(const azl_target *t, const char *disk);

static int install_bios(const azl_target *t, const azl_installed_storage *st)
{
	if (!st->boot_disk)
		return log_error_errno(EINVAL, "no boot disk for GRUB");
	int r = copy_modules(t, "i386-pc");
	if (r < 0)
		return r;
	const char *uuid = st->boot_uuid ? st->boot_uuid : st->root_uuid;
	_cleanup_free_ char *load = xasprintf("search --no-floppy --fs-uuid --set=root %s\n"
					      "set prefix=($root)%s/grub2\n",
					      uuid, boot_prefix(st));
	r = target_write_file(t, "boot/grub2/i386-pc/load.cfg", load, strlen(load), 0644, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write load.cfg");

	/* The core image: the target's modules, our embedded config. */
	static const char *const mk_t[] = {"usr/bin/grub2-mkimage", "usr/bin/grub-mkimage", NULL};
	static const char *const mk_h[] = {"grub2-mkimage", "grub-mkimage", NULL};
	const char *tp;
	bool chrooted = target_has_tool(t, mk_t, &tp);
	_cleanup_free_ char *dir = chrooted ? xstrdup("/usr/lib/grub/i386-pc")
					    : target_path(t, "usr/lib/grub/i386-pc");
	_cleanup_free_ char *bdir =
		chrooted ? xstrdup("/boot/grub2") : target_path(t, "boot/grub2");
	_cleanup_free_ char *out = xasprintf("%s/i386-pc/core.img", bdir);
	_cleanup_free_ char *cfg = xasprintf("%s/i386-pc/load.cfg", bdir);
	_cleanup_free_ char *pfx = xasprintf("%s/grub2", boot_prefix(st));
	_cleanup_strv_free_ char **argv = NULL;
	strv_push(&argv, xstrdup("grub2-mkimage"));
	strv_push(&argv, xstrdup("-O"));
	strv_push(&argv, xstrdup("i386-pc"));
	strv_push(&argv, xstrdup("-d"));
	strv_push(&argv, xstrdup(dir));
	strv_push(&argv, xstrdup("-o"));
	strv_push(&argv, xstrdup(out));
	strv_push(&argv, xstrdup("-c"));
	strv_push(&argv, xstrdup(cfg));
	strv_push(&argv, xstrdup("-p"));
	strv_push(&argv, xstrdup(pfx));
	/* /boot on an md array: GRUB assembles it itself. */
	_cleanup_free_ char *mods =
		xstrdup(st->md_uuids && st->md_uuids[0] ? GRUB_MODS_BIOS " diskfilter mdraid1x"
							: GRUB_MODS_BIOS);
	char *save = NULL;
	for (char *w = strtok_r(mods, " ", &save); w; w = strtok_r(NULL, " ", &save))
		strv_push(&argv, xstrdup(w));
	free(argv[0]);
	argv[0] = xstrdup("x");
	char *keep = argv[0];
	r = run_grub_tool(t, mk_t, mk_h, argv, false);
	argv[0] = keep;
	if (r < 0)
		return r;

	/* The boot disk, then every other disk of a mirrored /boot: the
	 * machine boots from whichever is left. */
	_cleanup_strv_free_ char **targets = NULL;
	strv_push(&targets, xstrdup(st->boot_disk));
	for (size_t i = 0; st->mirror_boot_disks && st->mirror_boot_disks[i]; i++)
		strv_push(&targets, xstrdup(st->mirror_boot_disks[i]));
	for (size_t i = 0; r >= 0 && targets[i]; i++)
		r = bios_setup(t, targets[i]);
	return r;
}

/* grub-bios-setup of the core image (made by install_bios) onto disk. */
static int bios_setup(const azl_target *t, const char *disk)
{
	int r;
	_cleanup_free_ char *map = xasprintf("(hd0) %s\n", disk);
	r = target_write_file(t, "boot/grub2/device.map", map, strlen(map), 0644, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write device.map");
	static const char *const bs_t[] = {"usr/sbin/grub2-bios-setup", "usr/bin/grub2-bios-setup",
					   "usr/lib/grub/i386-pc/grub-bios-setup", NULL};
	static const char *const bs_h[] = {"grub2-bios-setup", "grub-bios-setup",
					   "/usr/lib/grub/i386-pc/grub-bios-setup", NULL};
	/* From the live environment: in the chroot GRUB cannot resolve the
	 * directory's partition without udevadm (see the top). */
	_cleanup_free_ char *hdir = target_path(t, "boot/grub2/i386-pc");
	_cleanup_free_ char *hmap = target_path(t, "boot/grub2/device.map");
	char *bs_argv[] = {"x", "-d", hdir, "-m", hmap, (char *)disk, NULL};
	r = run_grub_tool(t, bs_t, bs_h, bs_argv, true);
	/* The map names a device of this boot only (a loop device for an
	 * image); it would mislead a later grub2-install. */
	_cleanup_close_ int fd = target_openat(t, "boot/grub2", O_PATH | O_DIRECTORY, 0);
	if (fd >= 0)
		unlinkat(fd, "device.map", 0);
	if (r < 0)
		return r;
	log_info("GRUB for BIOS written to %s", disk);
	return 0;
}

/* The ESP: mounted at /boot/efi (another filesystem than /boot/efi's
 * parent), or only a device to be written with mtools. */
static bool esp_mounted(const azl_target *t)
{
	_cleanup_close_ int a = target_openat(t, "boot/efi", O_RDONLY | O_DIRECTORY, 0);
	_cleanup_close_ int b = target_openat(t, "boot", O_RDONLY | O_DIRECTORY, 0);
	struct stat sa, sb;
	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev != sb.st_dev;
}

typedef struct esp_file {
	const char *dst; /* EFI/BOOT/BOOTX64.EFI */
	char *src;	 /* path in the target, or NULL with text */
	char *text;
	size_t len; /* of text; 0: strlen(text) */
} esp_file;

static size_t esp_text_len(const esp_file *f)
{
	return f->len ? f->len : strlen(f->text);
}

/* mcopy reads its source by path, as the installing system resolves it:
 * every file goes through a private temporary copy, made from the
 * target's file read inside the root, or from the text. */
static int write_esp_mtools(const azl_target *t, const char *dev, esp_file *f, size_t n,
			    const char *cfg_dir)
{
	char *env[] = {"MTOOLS_SKIP_CHECK=1", NULL};
	azl_spawn_opts o = {.env = env};
	_cleanup_strv_free_ char **dirs = NULL;
	strv_push(&dirs, xstrdup("::/EFI"));
	strv_push(&dirs, xstrdup("::/EFI/BOOT"));
	strv_push(&dirs, xstrdup("::/EFI/" VENDOR));
	/* GRUB's prefix, one level at a time ("EFI/debian"). */
	for (const char *s = cfg_dir; s && (s = strchr(s + 1, '/')) != NULL;)
		strv_push(&dirs, xasprintf("::/%.*s", (int)(s - cfg_dir), cfg_dir));
	if (cfg_dir)
		strv_push(&dirs, xasprintf("::/%s", cfg_dir));
	for (size_t i = 0; dirs[i]; i++) {
		char *argv[] = {"mmd", "-D", "s", "-i", (char *)dev, dirs[i], NULL};
		/* An existing directory makes mmd fail; harmless. */
		azl_spawn_opts q = {.env = env, .quiet = true};
		if (spawn_run(argv, &q) == -ENOENT)
			return log_error_errno(ENOENT, "mtools (mmd) is missing");
	}
	int r = 0;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		if (f[i].src) {
			r = target_read_file(t, f[i].src, EFI_MAX, &data, &len);
			if (r < 0)
				return log_error_errno(r, "cannot read /%s", f[i].src);
		} else {
			len = esp_text_len(&f[i]);
			data = xmalloc(len + 1);
			memcpy(data, f[i].text, len);
		}
		char tmpl[] = "/tmp/azl-esp-XXXXXX";
		int fd = mkstemp(tmpl);
		if (fd < 0)
			return log_error_errno(errno, "cannot make a temporary file");
		bool ok = write(fd, data, len) == (ssize_t)len;
		ok = close(fd) == 0 && ok;
		if (!ok) {
			unlink(tmpl);
			return log_error_errno(EIO, "cannot write %s", tmpl);
		}
		_cleanup_free_ char *dst = xasprintf("::/%s", f[i].dst);
		char *argv[] = {"mcopy", "-o", "-i", (char *)dev, tmpl, dst, NULL};
		r = spawn_check(argv, &o);
		unlink(tmpl);
	}
	return r;
}

static int write_esp_mounted(const azl_target *t, esp_file *f, size_t n, const char *cfg_dir)
{
	int r = target_mkdir_p(t, "boot/efi/EFI/BOOT", 0700);
	if (r >= 0)
		r = target_mkdir_p(t, "boot/efi/EFI/" VENDOR, 0700);
	if (r >= 0 && cfg_dir) {
		_cleanup_free_ char *d = xasprintf("boot/efi/%s", cfg_dir);
		r = target_mkdir_p(t, d, 0700);
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *dst = xasprintf("boot/efi/%s", f[i].dst);
		if (f[i].src)
			r = copy_in_target(t, f[i].src, dst, 0700);
		else
			r = target_write_file(t, dst, f[i].text, esp_text_len(&f[i]), 0700, 0, 0);
	}
	return r < 0 ? log_error_errno(r, "cannot write the ESP") : 0;
}

/* The first of candidates that exists in the target. */
static char *first_existing(const azl_target *t, const char *const *c)
{
	for (size_t i = 0; c[i]; i++)
		if (target_exists(t, c[i]))
			return xstrdup(c[i]);
	return NULL;
}

/* The whole disk of a partition node: /dev/vda2 -> /dev/vda,
 * /dev/nvme0n1p2 -> /dev/nvme0n1. */
static char *partition_parent(const char *part)
{
	size_t k = strlen(part);
	while (k > 0 && part[k - 1] >= '0' && part[k - 1] <= '9')
		k--;
	if (k > 1 && part[k - 1] == 'p' && part[k - 2] >= '0' && part[k - 2] <= '9')
		k--;
	return xstrndup(part, k);
}

static int nvram_entry_one(const char *disk, const char *dev, bool shim)
{
	/* The partition number is the trailing digits of the ESP device. */
	size_t len = strlen(dev), k = len;
	while (k > 0 && dev[k - 1] >= '0' && dev[k - 1] <= '9')
		k--;
	if (k == len || !disk)
		return log_error_errno(EINVAL, "cannot tell the partition number of '%s'", dev);
	const char *loader =
		shim ? "\\EFI\\" VENDOR "\\shimx64.efi" : "\\EFI\\" VENDOR "\\grubx64.efi";
	char *argv[] = {"efibootmgr", "--create",      "--disk",   (char *)disk,
			"--part",     (char *)dev + k, "--loader", (char *)loader,
			"--label",    TITLE,	       NULL};
	return spawn_check(argv, NULL);
}

static int nvram_entry(const azl_installed_storage *st, bool shim, bool own_firmware)
{
	if (image_device(st->boot_disk)) {
		log_info(
			"no NVRAM entry: the boot disk '%s' is a disk image (loop or network block device), and this machine's firmware does not boot it; the firmware that does finds \\EFI\\BOOT\\BOOTX64.EFI",
			st->boot_disk);
		return 0;
	}
	if (!own_firmware) {
		log_info(
			"no NVRAM entry: this is not the live environment, so this machine's firmware is not the one that boots '%s' (--nvram-entry makes one anyway); the firmware finds \\EFI\\BOOT\\BOOTX64.EFI",
			st->boot_disk);
		return 0;
	}
	if (access("/sys/firmware/efi/efivars", F_OK) < 0) {
		log_info(
			"no EFI variables here (not booted with UEFI): no NVRAM entry; the firmware finds \\EFI\\BOOT\\BOOTX64.EFI");
		return 0;
	}
	if (!spawn_have_tool("efibootmgr")) {
		log_warning(
			"efibootmgr is missing: no NVRAM entry; the firmware finds \\EFI\\BOOT\\BOOTX64.EFI");
		return 0;
	}
	if (st->esp_members) {
		/* A mirrored ESP (RAID1, metadata 1.0): one entry per
		 * member, so the firmware boots from either disk. */
		int r = 0;
		for (size_t i = 0; r >= 0 && st->esp_members[i]; i++) {
			_cleanup_free_ char *disk = partition_parent(st->esp_members[i]);
			r = nvram_entry_one(disk, st->esp_members[i], shim);
		}
		return r;
	}
	return nvram_entry_one(st->boot_disk, st->esp_device, shim);
}

/* The ESP directory (no leading slash) where the GRUB image at grub (a
 * path in the target) reads its grub.cfg: the image's own prefix; NULL
 * (with a warning) for an image whose prefix cannot be read. Logs which
 * images are signed, for the Secure Boot chain. */
static int grub_cfg_dir(const azl_target *t, const char *grub, const char *shim, char **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = target_read_file(t, grub, EFI_MAX, &data, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read /%s", grub);
	_cleanup_free_ char *prefix = NULL;
	r = efi_grub_prefix(data, len, &prefix);
	if (r < 0) {
		/* grub.cfg is next to it anyway ($cmdpath, where GRUB
		 * images built without a prefix look). */
		log_warning(
			"cannot tell where '/%s' reads its grub.cfg (%s); writing it next to the image only",
			grub, r == -ENOENT ? "it has no prefix" : "not a GRUB EFI image");
		*ret = NULL;
		return 0;
	}
	const char *p = prefix;
	while (*p == '/')
		p++;
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n == 0 || strstr(p, ".."))
		return log_error_errno(
			EINVAL, "'/%s' has the prefix '%s', which is no directory of the ESP", grub,
			prefix);
	*ret = xstrndup(p, n);
	bool grub_signed = efi_pe_signed(data, len);
	bool shim_signed = false;
	if (shim) {
		free(data);
		data = NULL;
		if (target_read_file(t, shim, EFI_MAX, &data, &len) >= 0)
			shim_signed = efi_pe_signed(data, len);
	}
	log_info("GRUB '/%s' (%s) reads /%s/grub.cfg on the ESP; shim: %s", grub,
		 grub_signed ? "signed" : "not signed", *ret,
		 !shim	       ? "none"
		 : shim_signed ? "signed"
			       : "not signed");
	return 0;
}

int bootloader_write_esp(const azl_target *t, const azl_installed_storage *st, bool *ret_shim)
{
	if (!st->esp_device)
		return log_error_errno(EINVAL,
				       "UEFI needs an EFI system partition; the plan has none");
	/* What the target's packages provide: Fedora's shim-x64 and
	 * grub2-efi-x64 put their images under /boot/efi/EFI/VENDOR (in the
	 * root filesystem when the ESP was not mounted during the
	 * transaction); the demo repository ships a monolithic image. */
	static const char *const shims[] = {
		"boot/efi/EFI/" VENDOR "/shimx64.efi",
		"boot/efi/EFI/BOOT/BOOTX64.EFI.shim",
		"usr/share/shim/x64/shimx64.efi",
		"usr/share/shim/shimx64.efi",
		NULL,
	};
	static const char *const grubs[] = {
		"boot/efi/EFI/" VENDOR "/grubx64.efi",
		"usr/lib/grub/x86_64-efi/monolithic/grubx64.efi",
		"usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed",
		NULL,
	};
	_cleanup_free_ char *shim = first_existing(t, shims);
	_cleanup_free_ char *grub = first_existing(t, grubs);
	if (!grub)
		return log_error_errno(ENOENT, "the target has no GRUB for UEFI (grub2-efi-x64)");
	/* Where this GRUB reads grub.cfg: its built-in prefix, e.g.
	 * Debian's signed image says /EFI/debian (docs/secure-boot.md). */
	_cleanup_free_ char *cfg_dir = NULL;
	int r = grub_cfg_dir(t, grub, shim, &cfg_dir);
	if (r < 0)
		return r;
	const char *uuid = st->boot_uuid ? st->boot_uuid : st->root_uuid;
	_cleanup_free_ char *stub = xasprintf("search --no-floppy --fs-uuid --set=dev %s\n"
					      "set prefix=($dev)%s/grub2\n"
					      "export $prefix\n"
					      "configfile $prefix/grub.cfg\n",
					      uuid, boot_prefix(st));
	esp_file f[12]; /* at most 10 below */
	size_t n = 0;
	f[n++] = (esp_file){"EFI/BOOT/BOOTX64.EFI", shim ? shim : grub, NULL, 0};
	if (shim) {
		f[n++] = (esp_file){"EFI/BOOT/grubx64.efi", grub, NULL, 0};
		f[n++] = (esp_file){"EFI/" VENDOR "/shimx64.efi", shim, NULL, 0};
	}
	f[n++] = (esp_file){"EFI/" VENDOR "/grubx64.efi", grub, NULL, 0};
	f[n++] = (esp_file){"EFI/" VENDOR "/grub.cfg", NULL, stub, 0};
	f[n++] = (esp_file){"EFI/BOOT/grub.cfg", NULL, stub, 0};
	_cleanup_free_ char *cfg_path = cfg_dir ? xasprintf("%s/grub.cfg", cfg_dir) : NULL;
	if (cfg_dir && !streq_ptr(cfg_dir, "EFI/" VENDOR) && !streq_ptr(cfg_dir, "EFI/BOOT"))
		f[n++] = (esp_file){cfg_path, NULL, stub, 0};
	/* shim-x64's helpers: MokManager beside shim, the fallback loader
	 * beside BOOTX64.EFI (shim runs it when started from there). */
	_cleanup_free_ char *mm = xstrdup("boot/efi/EFI/" VENDOR "/mmx64.efi");
	_cleanup_free_ char *fb = xstrdup("boot/efi/EFI/BOOT/fbx64.efi");
	if (shim && target_exists(t, mm))
		f[n++] = (esp_file){"EFI/" VENDOR "/mmx64.efi", mm, NULL, 0};
	/* fbx64.efi makes an NVRAM entry from \EFI\VENDOR\BOOTX64.CSV
	 * (UCS-2, as Fedora's shim-x64 ships it) when the firmware starts
	 * \EFI\BOOT\BOOTX64.EFI; without the file it would find nothing. */
	static const char csv_text[] =
		"shimx64.efi," TITLE ",,This is the boot entry for " TITLE "\n";
	char csv[2 * sizeof(csv_text) + 2];
	size_t csv_len = 0;
	csv[csv_len++] = (char)0xff; /* byte order mark */
	csv[csv_len++] = (char)0xfe;
	for (size_t i = 0; csv_text[i]; i++) {
		csv[csv_len++] = csv_text[i];
		csv[csv_len++] = 0;
	}
	if (shim && target_exists(t, fb)) {
		f[n++] = (esp_file){"EFI/BOOT/fbx64.efi", fb, NULL, 0};
		f[n++] = (esp_file){"EFI/" VENDOR "/BOOTX64.CSV", NULL, csv, csv_len};
	}
	if (esp_mounted(t)) {
		log_info("writing the ESP through /boot/efi");
		r = write_esp_mounted(t, f, n, cfg_dir);
	} else {
		log_info("the ESP %s is not mounted; writing it with mtools", st->esp_device);
		r = write_esp_mtools(t, st->esp_device, f, n, cfg_dir);
	}
	if (r < 0)
		return r;
	log_info("GRUB for UEFI on %s (%s)", st->esp_device,
		 shim ? "shim first" : "no shim in the target");
	*ret_shim = shim != NULL;
	return 0;
}

static int install_uefi(const azl_target *t, const azl_installed_storage *st, bool own_firmware)
{
	bool shim = false;
	int r = bootloader_write_esp(t, st, &shim);
	return r < 0 ? r : nvram_entry(st, shim, own_firmware);
}

int bootloader_apply(const azl_model *m, const azl_plan *p, const azl_target *t,
		     const azl_installed_storage *st, bool own_firmware)
{
	if (!st || !st->root_uuid)
		return log_error_errno(EINVAL, "the boot loader needs the installed storage");
	progress_phase(AZL_PHASE_BOOTLOADER, 0, _("Installing the kernel"));
	_cleanup_strv_free_ char **kernels = find_kernels(t);
	if (!kernels)
		return log_error_errno(ENOENT,
				       "the target has no kernel (/usr/lib/modules/*/vmlinuz)");
	/* --nvram-entry says the same as the live environment: this
	 * machine boots the disk. */
	bool hostonly = own_firmware && !image_device(st->boot_disk);
	_cleanup_free_ char *rescue = NULL;
	int r = install_kernels(t, kernels, st, hostonly, &rescue);
	if (r < 0)
		return r;

	progress_phase(AZL_PHASE_BOOTLOADER, 40, _("Writing boot entries"));
	_cleanup_free_ char *cmdline = bootloader_cmdline(m, st, selinux_target_has_policy(t));
	log_info("kernel command line: %s", cmdline);
	r = write_bls(t, kernels, cmdline, boot_prefix(st), rescue);
	if (r < 0)
		return r;
	/* The rescue entry last in a menu without blscfg too. */
	if (rescue)
		strv_push(&kernels, xstrdup(rescue));
	r = target_mkdir_p(t, "boot/grub2", 0755);
	_cleanup_free_ char *cfg = grub_cfg_text(m, t, st, kernels, cmdline);
	if (r >= 0 && !cfg)
		r = -EIO;
	if (r >= 0)
		r = target_write_file(t, "boot/grub2/grub.cfg", cfg, strlen(cfg), 0600, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /boot/grub2/grub.cfg");
	progress_phase(AZL_PHASE_BOOTLOADER, 60, _("Installing GRUB (%s)"),
		       p->firmware == AZL_FIRMWARE_UEFI ? "UEFI" : "BIOS");
	r = p->firmware == AZL_FIRMWARE_UEFI ? install_uefi(t, st, own_firmware)
					     : install_bios(t, st);
	if (r < 0)
		return r;
	/* Last of the installed files: now they can be labelled. */
	if ((r = selinux_label(m, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_BOOTLOADER, 100, _("Boot loader installed"));
	return 0;
}
