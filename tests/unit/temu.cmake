# Unit tests of the Temu client (src/temu); included from tests/unit/CMakeLists.txt.
aicos_unit_test(test_temu_sign test_temu_sign.c)
aicos_unit_test(test_temu_errors test_temu_errors.c)
aicos_unit_test(test_temu_client test_temu_client.c)
aicos_unit_test(test_temu_api test_temu_api.c)
aicos_unit_test(test_temu_webhook test_temu_webhook.c)
aicos_unit_test(test_temu_http test_temu_http.c)
aicos_unit_test(test_temu_cli test_temu_cli.c)
add_dependencies(test_temu_cli aicos)

# Fuzz targets (tests/fuzz): LLVMFuzzerTestOneInput plus the replay driver, which runs every
# file of the committed corpus tests/fuzz/corpus/<target>/ under ctest. For real fuzzing build
# the target file alone with clang -fsanitize=fuzzer,address (see tests/fuzz/replay.c).
foreach(target temu_envelope temu_sign temu_webhook)
  add_executable(fuzz_${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${target}.c
                                ${CMAKE_SOURCE_DIR}/tests/fuzz/replay.c)
  target_link_libraries(fuzz_${target} PRIVATE aicos_core)
  add_test(NAME fuzz_${target}
           COMMAND fuzz_${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${target})
  set_tests_properties(fuzz_${target} PROPERTIES LABELS "unit" ENVIRONMENT "${AICOS_TEST_ENV}")
endforeach()
