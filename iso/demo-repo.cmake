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

# AZL_REPOS_FROM=DIR (scripts/check.sh gives build-san its build/): this
# tree does not build the two repositories again (the real one is minutes
# of work); its demo-repo and real-repo targets build them in DIR, under
# DIR's locks, and BUILD/demo-repo, demo-repo-work, real-repo and
# real-repo-work become links to DIR's, so tests reading
# $AZL_BUILD_DIR/demo-repo read the same files.
set(AZL_REPOS_FROM "" CACHE PATH "Build tree whose demo-repo and real-repo this tree uses (empty: build its own)")
if(AZL_REPOS_FROM)
  get_filename_component(AZL_REPOS_FROM_ABS ${AZL_REPOS_FROM} ABSOLUTE)
  if(AZL_REPOS_FROM_ABS STREQUAL CMAKE_BINARY_DIR)
    message(FATAL_ERROR "AZL_REPOS_FROM is this build tree itself")
  endif()
  set(DEMO_REPO_DIR ${CMAKE_BINARY_DIR}/demo-repo)
  set(DEMO_REPO_STAMP ${AZL_REPOS_FROM_ABS}/demo-repo-work/demo-repo.stamp)
  set(REAL_REPO_DIR ${CMAKE_BINARY_DIR}/real-repo)
  foreach(r demo-repo real-repo)
    add_custom_target(${r}
      COMMAND ${CMAKE_COMMAND} --build ${AZL_REPOS_FROM_ABS} --target ${r}
      COMMAND bash -c "for d in \"$2\" \"$2-work\"; do [ -L \"$1/$d\" ] || rm -rf \"$1/$d\"; ln -sfn \"$0/$d\" \"$1/$d\"; done"
              ${AZL_REPOS_FROM_ABS} ${CMAKE_BINARY_DIR} ${r}
      COMMENT "Using ${r} of ${AZL_REPOS_FROM_ABS}"
      USES_TERMINAL VERBATIM)
  endforeach()
  return()
endif()

# Locked (scripts/build-repo-locked.sh): tests running side by side, or
# two build trees (AZL_REPOS_FROM), may ask for the same repository at
# once; the second waits, then finds it built instead of rebuilding it
# under the first one's readers.
add_custom_command(OUTPUT ${DEMO_REPO_STAMP}
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/build-repo-locked.sh
          ${CMAKE_BINARY_DIR}/demo-repo.lock ${DEMO_REPO_STAMP}
          ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo ${AZL_KERNEL_RELEASE} --
          ${AZL_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/build-repo.py
          --out ${DEMO_REPO_DIR} --work ${DEMO_REPO_WORK}
          --kernel ${AZL_KERNEL_DIR}
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
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/build-repo-locked.sh
          ${CMAKE_BINARY_DIR}/real-repo.lock ${REAL_REPO_STAMP}
          ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo ${AZL_KERNEL_RELEASE} --
          ${AZL_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/build-repo.py
          --out ${REAL_REPO_DIR} --work ${REAL_REPO_WORK}
          --kernel ${AZL_KERNEL_DIR}
          --table ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/system-packages.py
  DEPENDS ${DEMO_REPO_INPUTS} ${AZL_KERNEL_RELEASE}
  COMMENT "Building the signed real system RPM repository in ${REAL_REPO_DIR}"
  USES_TERMINAL VERBATIM)
add_custom_target(real-repo DEPENDS ${REAL_REPO_STAMP})
add_dependencies(real-repo kernel)
