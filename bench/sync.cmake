# The sync benchmark (included from src/sync/module.cmake): ingest throughput against an
# unthrottled local temu-sandbox, the engine against a fair C reference (bench/ingest_ref.c)
# and a Python one (bench/ingest_ref.py), and the shared request budget at 20 requests/s:
#   build/<dir>/bench/sync_bench [--orders N] [--calls N]   (AICOS_BENCH_PG_URL adds PostgreSQL)
if(DEFINED AICOS_BUILD_BENCH AND NOT AICOS_BUILD_BENCH)
  return()
endif()
add_executable(sync_bench ${CMAKE_SOURCE_DIR}/bench/sync_bench.c
               ${CMAKE_SOURCE_DIR}/bench/ingest_ref.c)
target_link_libraries(sync_bench PRIVATE aicos_core PkgConfig::CURL PkgConfig::SQLITE PkgConfig::PQ
                      PkgConfig::SODIUM PkgConfig::JANSSON Threads::Threads)
target_compile_definitions(sync_bench PRIVATE
                           AICOS_BENCH_PYREF="${CMAKE_SOURCE_DIR}/bench/ingest_ref.py")
set_target_properties(sync_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
# The orders-list benchmark (bench/run-list-bench): query_orders_list on generated databases.
add_executable(list_bench ${CMAKE_SOURCE_DIR}/bench/list_bench.c)
target_link_libraries(list_bench PRIVATE aicos_core)
set_target_properties(list_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
