# Unit tests of the intent classifier (src/ai); the corrections also on PostgreSQL.
aicos_unit_test(test_ai test_ai.c PG)
foreach(t test_ai test_ai_pg)
  set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "AICOS_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endforeach()
