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
# Carrier tracking (issue 12): `aicos tracking` and `aicos serve` against the real
# track-sandbox on its virtual clock, on SQLite and PostgreSQL.
if(TARGET track-sandbox)
  aicos_integration_test(test_tracking test_tracking.c)
  target_link_libraries(test_tracking PRIVATE PkgConfig::OPENSSL PkgConfig::JANSSON)
  add_dependencies(test_tracking track-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_tracking_${db} APPEND PROPERTY ENVIRONMENT
                 "TRACK_SANDBOX_BIN=$<TARGET_FILE:track-sandbox>")
  endforeach()
endif()
# The parcels of a temu-sandbox shop followed through Temu, then through the track-sandbox.
if(TARGET track-sandbox AND TARGET temu-sandbox)
  aicos_integration_test(test_tracking_temu test_tracking_temu.c)
  add_dependencies(test_tracking_temu track-sandbox temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_tracking_temu_${db} APPEND PROPERTY ENVIRONMENT
                 "TRACK_SANDBOX_BIN=$<TARGET_FILE:track-sandbox>"
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
# The track-sandbox pushing to `aicos serve` over HTTP: signed, retried, refused under a wrong
# key; then the pushes stop and gettracklist finds the parcels behind.
if(TARGET track-sandbox AND TARGET temu-sandbox)
  aicos_integration_test(test_tracking_push test_tracking_push.c)
  add_dependencies(test_tracking_push track-sandbox temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_tracking_push_${db} APPEND PROPERTY ENVIRONMENT
                 "TRACK_SANDBOX_BIN=$<TARGET_FILE:track-sandbox>"
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
