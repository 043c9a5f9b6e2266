# The demo repository (docs/demo-repo.md): a signed RPM repository with
# Azure Linux 4.0's minimal package names, built from the build machine's
# own kernel, busybox, cryptsetup, lvm and grub. Independent of the
# installer binary.
#   cmake --build build --target demo-repo   ->  build/demo-repo/
find_program(AZL_PYTHON3 python3)
set(DEMO_REPO_DIR ${CMAKE_BINARY_DIR}/demo-repo)
set(DEMO_REPO_WORK ${CMAKE_BINARY_DIR}/demo-repo-work)
set(DEMO_REPO_STAMP ${DEMO_REPO_WORK}/demo-repo.stamp)
file(GLOB_RECURSE DEMO_REPO_INPUTS CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/*.py
  ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/files/*)
# A kernel update on the build machine rebuilds the repository too.
file(GLOB DEMO_REPO_KERNELS CONFIGURE_DEPENDS /boot/vmlinuz-*)

add_custom_command(OUTPUT ${DEMO_REPO_STAMP}
  COMMAND ${AZL_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/demo-repo/build-repo.py
          --out ${DEMO_REPO_DIR} --work ${DEMO_REPO_WORK}
  COMMAND ${CMAKE_COMMAND} -E touch ${DEMO_REPO_STAMP}
  DEPENDS ${DEMO_REPO_INPUTS} ${DEMO_REPO_KERNELS}
  COMMENT "Building the signed demo RPM repository in ${DEMO_REPO_DIR}"
  USES_TERMINAL VERBATIM)
add_custom_target(demo-repo DEPENDS ${DEMO_REPO_STAMP})
