# The sync engine (issue 7): crash test, run history, progress and registry, against the real
# temu-sandbox, on SQLite and PostgreSQL.
if(TARGET temu-sandbox)
  aicos_integration_test(test_sync test_sync.c)
  add_dependencies(test_sync temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_sync_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
