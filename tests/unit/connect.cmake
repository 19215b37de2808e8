# Unit tests of src/connect at its module seams; included from tests/unit/CMakeLists.txt.
aicos_unit_test(test_connect_modules test_connect_modules.c PG)
