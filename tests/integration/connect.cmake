# Temu authorization, progress and registry (issue 5): aicos against the real temu-sandbox,
# on SQLite and PostgreSQL.
if(TARGET temu-sandbox)
  aicos_integration_test(test_connect test_connect.c)
  add_dependencies(test_connect temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_connect_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()

