# `aicos ai` and POST /api/v1/ai/classify (issue 15): held-out targets, byte-for-byte
# retraining, bad input, corrections; on SQLite and PostgreSQL.
aicos_integration_test(test_ai_cli test_ai_cli.c)
foreach(db sqlite pg)
  set_property(TEST test_ai_cli_${db} APPEND PROPERTY ENVIRONMENT "AICOS_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endforeach()
