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
# The products and buyer_cases streams (and the webhook intake): ground truth, crash, faults.
if(TARGET temu-sandbox)
  aicos_integration_test(test_sync_streams test_sync_streams.c)
  add_dependencies(test_sync_streams temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_sync_streams_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
# Two `aicos worker` processes on one database: leases and the shared request budget.
if(TARGET temu-sandbox)
  aicos_integration_test(test_sync_workers test_sync_workers.c)
  add_dependencies(test_sync_workers temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_sync_workers_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
