# Installation and the Debian package (docs/install.md).
#
# `cmake --install` puts aiperf, aiperf-mock-server and the genai-perf link in bin/, the bash,
# zsh and fish completions and the man pages where Debian's shells and man-db look for them.
# The completions and man pages are generated at build time from the program's own tables
# (aiperf-docgen), so they always match the binary. `cpack -G DEB` builds aiperf_<ver>_<arch>.deb
# whose Depends come from dpkg-shlibdeps (the Debian packages of the libraries the binaries link),
# and, when the MPI module was built, aiperf-mpi_<ver>_<arch>.deb with lib/aiperf/modules/ (the module)
# (its own package, so that Open MPI is a dependency only of those who run under mpirun).
include(GNUInstallDirs)
set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME main)

set(gen ${PROJECT_BINARY_DIR}/generated)
set(docgen $<TARGET_FILE:aiperf-docgen>)
add_custom_command(
  OUTPUT ${gen}/completions/aiperf ${gen}/completions/_aiperf ${gen}/completions/aiperf.fish
         ${gen}/man/aiperf.1.gz ${gen}/man/aiperf-mock-server.1.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}/completions ${gen}/man
  COMMAND ${docgen} completion bash > ${gen}/completions/aiperf
  COMMAND ${docgen} completion zsh > ${gen}/completions/_aiperf
  COMMAND ${docgen} completion fish > ${gen}/completions/aiperf.fish
  COMMAND ${docgen} man | gzip -9n > ${gen}/man/aiperf.1.gz
  COMMAND $<TARGET_FILE:aiperf-mock-server> --help
          | ${docgen} man-from-help aiperf-mock-server
            "an OpenAI-compatible mock inference server for testing aiperf"
          | gzip -9n > ${gen}/man/aiperf-mock-server.1.gz
  DEPENDS aiperf-docgen aiperf-mock-server
  COMMENT "Generating shell completions and man pages"
  VERBATIM)
add_custom_target(aiperf-generated-docs ALL
  DEPENDS ${gen}/completions/aiperf ${gen}/man/aiperf.1.gz ${gen}/man/aiperf-mock-server.1.gz)

install(TARGETS aiperf aiperf-mock-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# genai-perf: the same binary; run under that name it speaks GenAI-Perf's command line.
# CMAKE_INSTALL_PREFIX is read at install time (--prefix, cpack's staging prefix).
install(CODE "
  set(bindir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  file(MAKE_DIRECTORY \"\${bindir}\")
  execute_process(COMMAND \${CMAKE_COMMAND} -E create_symlink aiperf \"\${bindir}/genai-perf\")
  message(STATUS \"Installing: \${bindir}/genai-perf -> aiperf\")")
install(FILES ${gen}/completions/aiperf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${gen}/completions/_aiperf DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${gen}/completions/aiperf.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${gen}/man/aiperf.1.gz ${gen}/man/aiperf-mock-server.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The MPI module where aiperf looks for it: <prefix>/lib/aiperf/modules (cluster/launch.cpp); a
# private module, not a library for the dynamic linker (so no ldconfig maintainer scripts).
if(TARGET aiperf_mpi)
  install(TARGETS aiperf_mpi LIBRARY DESTINATION lib/aiperf/modules COMPONENT mpi)
endif()

# ---- Debian package
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "aiperf")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL main)
set(CPACK_DEBIAN_MAIN_PACKAGE_NAME "aiperf")
if(TARGET aiperf_mpi)
  list(APPEND CPACK_COMPONENTS_ALL mpi)
  set(CPACK_DEBIAN_MPI_PACKAGE_NAME "aiperf-mpi")
  set(CPACK_DEBIAN_MPI_PACKAGE_DEPENDS "aiperf (= ${PROJECT_VERSION}), openmpi-bin")
  set(CPACK_DEBIAN_MPI_PACKAGE_SECTION "utils")
  set(CPACK_DEBIAN_MPI_DESCRIPTION
      "MPI module of aiperf: one benchmark across several processes and hosts\n\
Loaded by aiperf when it runs as one of several ranks under mpirun (docs/scale-out.md).")
  set(CPACK_DEBIAN_MAIN_PACKAGE_SUGGESTS "ffmpeg, aiperf-mpi")
endif()
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "aiperf maintainers <aiperf@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "benchmark client for generative-AI inference servers (AIPerf-compatible)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "aiperf measures OpenAI-compatible inference servers: time to first token, inter-token\n\
latency, request latency, throughput and goodput at a chosen concurrency or request rate,\n\
with AIPerf's command line, config files and result files. Includes aiperf-mock-server.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "ffmpeg")  # synthetic video (--video-*)
set(CPACK_DEBIAN_MAIN_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/ai-dynamo/aiperf")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
include(CPack)
