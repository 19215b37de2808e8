# The console data pages (issue 7, "Console"): orders, sync runs, products and buyer cases, and
# the orders JSON lists, against the real temu-sandbox, on SQLite and PostgreSQL.
if(TARGET temu-sandbox)
  aicos_integration_test(test_pages test_pages.c)
  add_dependencies(test_pages temu-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_pages_${db} APPEND PROPERTY ENVIRONMENT
                 "SANDBOX_BIN=$<TARGET_FILE:temu-sandbox>")
  endforeach()
endif()
# The console as a product (issue 16): error pages, post/redirect/get with the session's flash
# notice, and the Users, API tokens, Audit log and Secrets pages.
aicos_integration_test(test_console test_console.c)
# Buyer cases with classification and reply drafts (issue 15): API and pages.
aicos_integration_test(test_cases test_cases.c)
