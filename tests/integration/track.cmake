# track-sandbox tests (issue 12): the 17TRACK v2.2 emulator as a real process on a free
# loopback port; webhook signatures are checked by the test's own SHA-256 (OpenSSL).
if(TARGET track-sandbox)
  add_executable(test_track_sandbox ${CMAKE_CURRENT_SOURCE_DIR}/test_track_sandbox.c)
  target_link_libraries(test_track_sandbox PRIVATE aicos_testsupport PkgConfig::OPENSSL
                        PkgConfig::JANSSON Threads::Threads)
  add_dependencies(test_track_sandbox track-sandbox)
  add_test(NAME test_track_sandbox COMMAND test_track_sandbox)
  set_tests_properties(test_track_sandbox PROPERTIES LABELS "integration" ENVIRONMENT
    "${AICOS_TEST_ENV};TRACK_SANDBOX_BIN=$<TARGET_FILE:track-sandbox>")
endif()
