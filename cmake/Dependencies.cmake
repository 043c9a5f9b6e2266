# Every external library comes through pkg-config. A missing one stops
# configure with the Debian package that provides it (scripts/deps.sh
# installs them all).
find_package(PkgConfig REQUIRED)

function(azl_require var module debian)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR
      "pkg-config module '${module}' was not found.\n"
      "Install it with: apt-get install ${debian}\n"
      "(or run scripts/deps.sh, which installs everything the build needs)")
  endif()
  message(STATUS "${module} ${${var}_VERSION}")
endfunction()

azl_require(NCURSESW   ncursesw       libncurses-dev)
azl_require(PARTED     libparted      libparted-dev) # headers; dlopen()ed
azl_require(BLKID      blkid          libblkid-dev)
azl_require(CRYPTSETUP libcryptsetup  libcryptsetup-dev)
azl_require(NM         libnm          libnm-dev)
azl_require(YAML       yaml-0.1       libyaml-dev)
azl_require(RPM        rpm            librpm-dev)
azl_require(SOLV       libsolv        libsolv-dev)
azl_require(SOLVEXT    libsolvext     libsolvext-dev)
azl_require(CURL       libcurl        libcurl4-openssl-dev)
azl_require(ARCHIVE    libarchive     libarchive-dev)
azl_require(XCRYPT     libxcrypt      libcrypt-dev)
azl_require(GCRYPT     libgcrypt      libgcrypt20-dev)
azl_require(CRYPTO     libcrypto      libssl-dev) # X.509: the TLS library of libcurl4-openssl
azl_require(CMOCKA     cmocka         libcmocka-dev)
