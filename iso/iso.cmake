# The live environment and the hybrid ISO (docs/live.md).
#   cmake --build BUILD --target live   ->  BUILD/live/vmlinuz, BUILD/live/initrd.img
#   cmake --build BUILD --target iso    ->  BUILD/azl-installer.iso
# Options:
#   -DAZL_REPO=DIR            the repository on the ISO (default: the demo repository)
#   -DAZL_LIVE_FROM_REPO=ON   assemble the live sysroot with `azl-installer install
#                             --root` from AZL_REPO instead of the build machine's
#                             own packages
#   -DAZL_ISO_ANSWERS=FILE    put FILE on the ISO as /azl-answers.yaml
set(AZL_REPO "" CACHE PATH "RPM repository to put on the ISO (empty: the demo repository)")
option(AZL_LIVE_FROM_REPO "Build the live sysroot from AZL_REPO with install --root" OFF)
set(AZL_ISO_ANSWERS "" CACHE FILEPATH "Answer file to put on the ISO as /azl-answers.yaml")
set(AZL_ISO_LABEL "AZL_4_0_X86_64" CACHE STRING "ISO 9660 volume label of the installer")

set(AZL_LIVE_DIR ${CMAKE_BINARY_DIR}/live)
set(AZL_LIVE_KERNEL ${AZL_LIVE_DIR}/vmlinuz)
set(AZL_LIVE_INITRD ${AZL_LIVE_DIR}/initrd.img)
set(AZL_ISO ${CMAKE_BINARY_DIR}/azl-installer.iso)
file(GLOB AZL_LIVE_INPUTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/live/*)
file(GLOB AZL_BOOT_INPUTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/boot/*)
file(GLOB AZL_EXAMPLES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/examples/*.yaml)

if(AZL_REPO)
  set(AZL_ISO_REPO ${AZL_REPO})
  set(AZL_ISO_REPO_DEPS)
else()
  set(AZL_ISO_REPO ${DEMO_REPO_DIR})
  set(AZL_ISO_REPO_DEPS ${DEMO_REPO_STAMP})
endif()

if(AZL_LIVE_FROM_REPO)
  set(AZL_LIVE_SYSROOT ${CMAKE_BINARY_DIR}/live-sysroot)
  set(AZL_LIVE_SYSROOT_STAMP ${CMAKE_BINARY_DIR}/live-sysroot.stamp)
  add_custom_command(OUTPUT ${AZL_LIVE_SYSROOT_STAMP}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${AZL_LIVE_SYSROOT}
    COMMAND $<TARGET_FILE:azl-installer> install --root ${AZL_LIVE_SYSROOT}
            --answers ${CMAKE_CURRENT_SOURCE_DIR}/live/live-sysroot.yaml
            --repo ${AZL_ISO_REPO}
    COMMAND ${CMAKE_COMMAND} -E touch ${AZL_LIVE_SYSROOT_STAMP}
    DEPENDS azl-installer ${CMAKE_CURRENT_SOURCE_DIR}/live/live-sysroot.yaml
            ${AZL_ISO_REPO_DEPS}
    COMMENT "Installing the live sysroot from ${AZL_ISO_REPO}"
    USES_TERMINAL VERBATIM)
  set(AZL_LIVE_KERNEL_ARGS)
  set(AZL_LIVE_KERNEL_DEPS)
else()
  # Tools from the build machine; the kernel from BUILD/kernel (fetched,
  # never the build machine's own /boot and /lib/modules).
  set(AZL_LIVE_SYSROOT /)
  set(AZL_LIVE_SYSROOT_STAMP)
  set(AZL_LIVE_KERNEL_ARGS --kernel ${AZL_KERNEL_DIR})
  set(AZL_LIVE_KERNEL_DEPS ${AZL_KERNEL_RELEASE})
endif()

if(AZL_SANITIZE)
  # The live environment carries a release build: an ASan binary would not
  # run without its runtime and would need several times the memory.
  add_custom_target(live
    COMMAND ${CMAKE_COMMAND} -E echo
            "the live environment needs a build without AZL_SANITIZE"
    COMMAND false)
  add_custom_target(iso DEPENDS live)
  return()
endif()

add_custom_command(OUTPUT ${AZL_LIVE_INITRD} ${AZL_LIVE_KERNEL}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${AZL_LIVE_DIR}
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live/mkinitramfs.sh
          --installer $<TARGET_FILE:azl-installer>
          --sysroot ${AZL_LIVE_SYSROOT} ${AZL_LIVE_KERNEL_ARGS}
          --label ${AZL_ISO_LABEL}
          --out ${AZL_LIVE_INITRD} --vmlinuz-out ${AZL_LIVE_KERNEL}
  DEPENDS azl-installer ${AZL_LIVE_INPUTS} ${AZL_LIVE_SYSROOT_STAMP}
          ${AZL_LIVE_KERNEL_DEPS}
  COMMENT "Building the live initramfs in ${AZL_LIVE_DIR}"
  USES_TERMINAL VERBATIM)
add_custom_target(live DEPENDS ${AZL_LIVE_INITRD} ${AZL_LIVE_KERNEL})
add_dependencies(live kernel)

set(AZL_ISO_ARGS)
if(AZL_ISO_ANSWERS)
  list(APPEND AZL_ISO_ARGS --answers ${AZL_ISO_ANSWERS})
endif()
add_custom_command(OUTPUT ${AZL_ISO}
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/boot/mkiso.sh
          --kernel ${AZL_LIVE_KERNEL} --initrd ${AZL_LIVE_INITRD}
          --repo ${AZL_ISO_REPO} --label ${AZL_ISO_LABEL}
          --examples ${CMAKE_SOURCE_DIR}/docs/examples
          --out ${AZL_ISO} ${AZL_ISO_ARGS}
  DEPENDS ${AZL_LIVE_INITRD} ${AZL_LIVE_KERNEL} ${AZL_BOOT_INPUTS}
          ${AZL_ISO_REPO_DEPS} ${AZL_EXAMPLES} ${AZL_ISO_ANSWERS}
  COMMENT "Building ${AZL_ISO}"
  USES_TERMINAL VERBATIM)
add_custom_target(iso DEPENDS ${AZL_ISO})

# The same live system on a medium whose repository is the real one
# (build/real-repo: Debian 12's systemd, dracut, NetworkManager, OpenSSH,
# ... as signed RPMs): what `make demo` installs. The tests of the
# installer's mechanics keep the small demo repository's ISO above.
#   cmake --build build --target iso-real   ->  build/azl-installer-real.iso
set(AZL_ISO_REAL ${CMAKE_BINARY_DIR}/azl-installer-real.iso)
add_custom_command(OUTPUT ${AZL_ISO_REAL}
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/boot/mkiso.sh
          --kernel ${AZL_LIVE_KERNEL} --initrd ${AZL_LIVE_INITRD}
          --repo ${CMAKE_BINARY_DIR}/real-repo --label ${AZL_ISO_LABEL}
          --examples ${CMAKE_SOURCE_DIR}/docs/examples
          --out ${AZL_ISO_REAL} ${AZL_ISO_ARGS}
  DEPENDS ${AZL_LIVE_INITRD} ${AZL_LIVE_KERNEL} ${AZL_BOOT_INPUTS}
          ${CMAKE_BINARY_DIR}/real-repo/repodata/repomd.xml ${AZL_EXAMPLES}
          ${AZL_ISO_ANSWERS}
  COMMENT "Building ${AZL_ISO_REAL}"
  USES_TERMINAL VERBATIM)
add_custom_target(iso-real DEPENDS ${AZL_ISO_REAL})
add_dependencies(iso-real real-repo)
