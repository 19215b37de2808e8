# The action center on the Temu sandbox (issue 14): the expected items at the epoch, the 24 h
# lead on the virtual clock, auto-resolve within one sync, no duplicates across restarts and
# two concurrent evaluations; on SQLite and PostgreSQL.
if(TARGET temu-sandbox)
  aicos_integration_test(test_actions_sandbox test_actions_sandbox.c)
  add_dependencies(test_actions_sandbox temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_actions_sandbox_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
  # The alert settings over HTTP: thresholds and notification hooks (API and /settings/alerts).
  aicos_integration_test(test_actions_alerts test_actions_alerts.c)
  add_dependencies(test_actions_alerts temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_actions_alerts_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
