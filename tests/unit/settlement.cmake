# Unit tests of the statement readers (src/settlement); included from tests/unit/CMakeLists.txt.
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
aicos_unit_test(test_table test_table.c)
aicos_unit_test(test_xlsx test_xlsx.c)
# Fixtures are written at test time: with libzip from XML in the test, and with libxlsxwriter.
target_link_libraries(test_xlsx PRIVATE PkgConfig::LIBZIP PkgConfig::XLSXWRITER)
aicos_unit_test(test_csv_reader test_csv_reader.c)

# Fuzz targets replayed over tests/fuzz/corpus/<target>/ (see tests/unit/temu.cmake).
foreach(target xlsx csv)
  add_executable(fuzz_${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${target}.c
                                ${CMAKE_SOURCE_DIR}/tests/fuzz/replay.c)
  target_link_libraries(fuzz_${target} PRIVATE aicos_core)
  add_test(NAME fuzz_${target}
           COMMAND fuzz_${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${target})
  set_tests_properties(fuzz_${target} PROPERTIES LABELS "unit" ENVIRONMENT "${AICOS_TEST_ENV}")
endforeach()
