# Temu sandbox tests (issue 3). The sandbox is started as a real process on a free loopback
# port; requests are signed by the test's own signer and by an independent Python script.
if(TARGET temu-sandbox)
  add_executable(test_sandbox ${CMAKE_CURRENT_SOURCE_DIR}/test_sandbox.c)
  target_link_libraries(test_sandbox PRIVATE aicos_testsupport PkgConfig::OPENSSL
                        PkgConfig::JANSSON Threads::Threads)
  add_dependencies(test_sandbox temu-sandbox)
  add_test(NAME test_sandbox COMMAND test_sandbox)
  set_tests_properties(test_sandbox PROPERTIES LABELS "integration" ENVIRONMENT
    "${AICOS_TEST_ENV};SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>;SANDBOX_SIGN_PY=${CMAKE_CURRENT_SOURCE_DIR}/sign_independent.py")

  # Contract tests: the aicos client (src/temu/client.h) against the running sandbox.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_temu_contract.c AND
     EXISTS ${CMAKE_SOURCE_DIR}/src/temu/client.h)
    add_executable(test_temu_contract ${CMAKE_CURRENT_SOURCE_DIR}/test_temu_contract.c)
    target_link_libraries(test_temu_contract PRIVATE aicos_testsupport Threads::Threads)
    target_compile_definitions(test_temu_contract PRIVATE
                               FIXTURES_DIR="${CMAKE_SOURCE_DIR}/tests/fixtures/temu")
    add_dependencies(test_temu_contract temu-sandbox)
    add_test(NAME test_temu_contract COMMAND test_temu_contract)
    set_tests_properties(test_temu_contract PROPERTIES LABELS "integration" ENVIRONMENT
      "${AICOS_TEST_ENV};SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
    # The after-sales APIs and the event switch (issue 11).
    add_executable(test_temu_cases_contract
                   ${CMAKE_CURRENT_SOURCE_DIR}/test_temu_cases_contract.c)
    target_link_libraries(test_temu_cases_contract PRIVATE aicos_testsupport Threads::Threads)
    add_dependencies(test_temu_cases_contract temu-sandbox)
    add_test(NAME test_temu_cases_contract COMMAND test_temu_cases_contract)
    set_tests_properties(test_temu_cases_contract PROPERTIES LABELS "integration" ENVIRONMENT
      "${AICOS_TEST_ENV};SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endif()
endif()
