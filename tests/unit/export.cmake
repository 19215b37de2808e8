# Unit tests of the tabular export (src/export); included from tests/unit/CMakeLists.txt. The
# XLSX it writes is read back with the settlement reader and, for the cell types, with libzip.
aicos_unit_test(test_export test_export.c)
target_link_libraries(test_export PRIVATE PkgConfig::LIBZIP)
