# On-demand buyer shipping info (issue 7, orders stream): fetched only when asked, stored
# encrypted in the vault, audited; against the real temu-sandbox, on SQLite and PostgreSQL.
if(TARGET temu-sandbox)
  aicos_integration_test(test_shipping test_shipping.c)
  add_dependencies(test_shipping temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_shipping_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
