# Installation and the Debian package (issue 19): `cpack -G DEB` in a build
# folder writes plenary_<version>_amd64.deb. tests/package/check-package builds
# it, runs lintian and runs the binaries out of an unpacked copy.
#
# Debian's layout, not GNUInstallDirs': the daemon in /usr/sbin (its manual is
# in section 8), the unit in /lib/systemd/system (bookworm's place), the
# configuration in /etc/plenary as a conffile, so an upgrade never overwrites
# what the administrator changed.

install(TARGETS plenaryd RUNTIME DESTINATION sbin)
install(TARGETS plenaryctl RUNTIME DESTINATION bin)
# The browser client as served: its vendored npm file (web/vendor/), not the
# npm tree it was copied from.
install(DIRECTORY web/ DESTINATION share/plenary/web
        PATTERN node_modules EXCLUDE PATTERN "package*.json" EXCLUDE
        PATTERN vendor.mjs EXCLUDE PATTERN README.md EXCLUDE PATTERN .gitignore EXCLUDE)
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/data)
  install(DIRECTORY data/ DESTINATION share/plenary/data)
endif()
install(FILES dist/plenary.conf DESTINATION /etc/plenary)
install(FILES dist/plenaryd.service DESTINATION /lib/systemd/system)
install(FILES dist/copyright DESTINATION share/doc/plenary)
install(FILES dist/lintian-overrides DESTINATION share/lintian/overrides RENAME plenary)

# Manual pages from scdoc, and the changelog, compressed as Debian wants them
# (gzip -n: no name or time inside, so the bytes depend on the text only).
find_program(SCDOC scdoc REQUIRED)
configure_file(dist/changelog.in ${CMAKE_BINARY_DIR}/dist/changelog @ONLY)
set(PLENARY_GZ_FILES)
foreach(page plenaryd.8 plenaryctl.1)
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/docs/man/${page}.scd)
  set(out ${CMAKE_BINARY_DIR}/dist/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND sh -c "SOURCE_DATE_EPOCH=1796119200 ${SCDOC} < '${src}' | gzip -9n > '${out}'"
    DEPENDS ${src} VERBATIM)
  list(APPEND PLENARY_GZ_FILES ${out})
  string(REGEX REPLACE ".*\\." "" section ${page})
  install(FILES ${out} DESTINATION share/man/man${section})
endforeach()
foreach(doc dist/changelog docs/OPERATIONS.md docs/CLUSTER.md docs/VIDEO.md)
  if(doc STREQUAL dist/changelog)
    set(src ${CMAKE_BINARY_DIR}/dist/changelog)
  else()
    set(src ${CMAKE_CURRENT_SOURCE_DIR}/${doc})
  endif()
  get_filename_component(name ${doc} NAME)
  set(out ${CMAKE_BINARY_DIR}/dist/${name}.gz)
  add_custom_command(OUTPUT ${out} COMMAND sh -c "gzip -9n < '${src}' > '${out}'"
    DEPENDS ${src} VERBATIM)
  list(APPEND PLENARY_GZ_FILES ${out})
  install(FILES ${out} DESTINATION share/doc/plenary)
endforeach()
add_custom_target(plenary_docs ALL DEPENDS ${PLENARY_GZ_FILES})

file(WRITE ${CMAKE_BINARY_DIR}/dist/conffiles "/etc/plenary/plenary.conf\n")
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME plenary)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGE_CONTACT "Plenary maintainers <plenary@example.org>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Plenary maintainers <plenary@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "floor of hybrid intergovernmental meetings")
# lintian wants the extended description in lines of at most 80 columns
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "Plenary runs the floor of hybrid intergovernmental meetings: delegates ask"
  "for the floor from a browser, in the room or remotely, the chair gives it,"
  "and the secretariat plans meetings that are fair across time zones."
  "This package holds the server, plenaryd, with its browser client and its"
  "systemd unit, and plenaryctl, a command-line client for every op.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/dist/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
