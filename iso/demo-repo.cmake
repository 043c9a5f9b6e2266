# The kernel of the demo repository and of the live environment: Debian 12's
# linux-image package, fetched with `apt-get download` and unpacked into the
# build tree by scripts/fetch-kernel.sh, never installed on the build machine.
# The target runs every build (apt-cache says which package is current) but
# changes BUILD/kernel/release only when the package changes, and only then
# are the demo repository and the live initramfs rebuilt.
#   cmake --build build --target kernel   ->  build/kernel/{root,release,version}
set(AZL_KERNEL_DIR ${CMAKE_BINARY_DIR}/kernel)
set(AZL_KERNEL_RELEASE ${AZL_KERNEL_DIR}/release)
add_custom_target(kernel
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-kernel.sh ${AZL_KERNEL_DIR}
  BYPRODUCTS ${AZL_KERNEL_RELEASE}
  VERBATIM)

# The demo repository (docs/demo-repo.md): a signed RPM repository with
# Azure Linux 4.0's minimal package names, built from that kernel and the
# build machine's own busybox, cryptsetup, lvm and grub. Independent of the
# installer binary.
#   cmake --build build --target demo-repo   ->  build/demo-repo/
find_program(AZL_PYTHON3 python3)
set(DEMO_REPO_DIR ${CMAKE_BINARY_DIR}/demo-repo)
set(DEMO_REPO_WORK ${CMAKE_BINARY_DIR}/demo-repo-work)
set(DEMO_REPO_STAMP ${DEMO_REPO_WORK}/demo-repo.stamp)
file(GLOB_RECURSE DEMO_REPO_INPUTS CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/*.py
  ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/files/*)

# flock: tests running side by side (ctest -j) may ask for the same
# repository at once; the second waits instead of writing beside the first.
add_custom_command(OUTPUT ${DEMO_REPO_STAMP}
  COMMAND flock ${CMAKE_BINARY_DIR}/demo-repo.lock ${AZL_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/build-repo.py
          --out ${DEMO_REPO_DIR} --work ${DEMO_REPO_WORK}
          --kernel ${AZL_KERNEL_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${DEMO_REPO_STAMP}
  DEPENDS ${DEMO_REPO_INPUTS} ${AZL_KERNEL_RELEASE}
  COMMENT "Building the signed demo RPM repository in ${DEMO_REPO_DIR}"
  USES_TERMINAL VERBATIM)
add_custom_target(demo-repo DEPENDS ${DEMO_REPO_STAMP})
add_dependencies(demo-repo kernel)

# The real system repository (docs/demo-repo.md, "The real system
# repository"): Debian 12's systemd, dracut, NetworkManager, OpenSSH, ...
# repackaged as signed RPMs under Azure Linux names by the same builder,
# with iso/demo-repo/system-packages.py as the table. The Debian packages
# are resolved and downloaded at build time into real-repo-work/debs (kept
# across builds); rebuilt only when iso/demo-repo or the kernel changes.
#   cmake --build build --target real-repo   ->  build/real-repo/
set(REAL_REPO_DIR ${CMAKE_BINARY_DIR}/real-repo)
set(REAL_REPO_WORK ${CMAKE_BINARY_DIR}/real-repo-work)
set(REAL_REPO_STAMP ${REAL_REPO_WORK}/real-repo.stamp)
add_custom_command(OUTPUT ${REAL_REPO_STAMP}
  COMMAND flock ${CMAKE_BINARY_DIR}/real-repo.lock ${AZL_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/build-repo.py
          --out ${REAL_REPO_DIR} --work ${REAL_REPO_WORK}
          --kernel ${AZL_KERNEL_DIR}
          --table ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/system-packages.py
  COMMAND ${CMAKE_COMMAND} -E touch ${REAL_REPO_STAMP}
  DEPENDS ${DEMO_REPO_INPUTS} ${AZL_KERNEL_RELEASE}
  COMMENT "Building the signed real system RPM repository in ${REAL_REPO_DIR}"
  USES_TERMINAL VERBATIM)
add_custom_target(real-repo DEPENDS ${REAL_REPO_STAMP})
add_dependencies(real-repo kernel)
