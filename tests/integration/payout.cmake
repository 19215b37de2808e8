# The payout provider's API import (issue 13): the real payout-sandbox (Airwallex emulator) and
# `aicos settlement airwallex`, on SQLite and PostgreSQL.
if(TARGET payout-sandbox)
  aicos_integration_test(test_payout test_payout.c)
  add_dependencies(test_payout payout-sandbox)
  foreach(db sqlite pg)
    set_property(TEST test_payout_${db} APPEND PROPERTY ENVIRONMENT
                 "PAYOUT_SANDBOX_BIN=$<TARGET_FILE:payout-sandbox>")
  endforeach()
endif()
