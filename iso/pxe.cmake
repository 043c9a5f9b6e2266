# The PXE artifacts (docs/pxe.md): the live kernel and initramfs of
# iso/iso.cmake and sample iPXE, GRUB and pxelinux configurations.
#   cmake --build BUILD --target pxe   ->  BUILD/pxe/
set(AZL_PXE_DIR ${CMAKE_BINARY_DIR}/pxe)
set(AZL_PXE_STAMP ${CMAKE_BINARY_DIR}/pxe.stamp)
if(AZL_SANITIZE)
  add_custom_target(pxe DEPENDS live)
  return()
endif()
add_custom_command(OUTPUT ${AZL_PXE_STAMP}
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/boot/mkpxe.sh
          --kernel ${AZL_LIVE_KERNEL} --initrd ${AZL_LIVE_INITRD} --out ${AZL_PXE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${AZL_PXE_STAMP}
  DEPENDS ${AZL_LIVE_INITRD} ${AZL_LIVE_KERNEL} ${AZL_BOOT_INPUTS}
  COMMENT "Filling ${AZL_PXE_DIR}"
  VERBATIM)
add_custom_target(pxe DEPENDS ${AZL_PXE_STAMP})
