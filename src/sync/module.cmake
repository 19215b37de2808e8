# The sync engine (issue 7): state, lease, run history and the orders stream, its JSON
# handlers and the `aicos sync` command.
list(APPEND AICOS_CORE_SOURCES src/sync/engine.c src/sync/orders.c src/api/sync_api.c
     src/cli/cmd_sync.c)
# The shared request budget, the scheduler and `aicos worker`.
list(APPEND AICOS_CORE_SOURCES src/sync/budget.c src/sync/scheduler.c src/cli/cmd_worker.c)
list(APPEND AICOS_CORE_SOURCES src/sync/query.c src/api/orders_api.c) # console data (issue 7)
list(APPEND AICOS_CORE_SOURCES src/sync/products.c src/sync/cases.c) # products, buyer_cases
list(APPEND AICOS_CORE_SOURCES src/sync/intake.c src/api/webhook_api.c) # webhook intake
list(APPEND AICOS_CORE_SOURCES src/sync/shipping.c src/api/shipping_api.c) # buyer PII on demand
# The sync benchmark (bench/sync.cmake), built with the other benchmarks.
include(${CMAKE_SOURCE_DIR}/bench/sync.cmake OPTIONAL)
