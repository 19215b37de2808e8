# Unit tests of the statement readers (src/settlement); included from tests/unit/CMakeLists.txt.
aicos_unit_test(test_table test_table.c)
aicos_unit_test(test_xlsx test_xlsx.c)
# Fixtures are written at test time: with libzip from XML in the test, and with libxlsxwriter.
target_link_libraries(test_xlsx PRIVATE PkgConfig::LIBZIP PkgConfig::XLSXWRITER)
aicos_unit_test(test_csv_reader test_csv_reader.c)

# The fuzz targets fuzz_xlsx and fuzz_csv are in the fuzz target list (tests/fuzz/CMakeLists.txt).
aicos_unit_test(test_airwallex test_airwallex.c)
