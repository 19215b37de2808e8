# The tracking benchmark (included from src/tracking/module.cmake): parcels refreshed per
# second against the 17TRACK limit (3 requests/s x 40 numbers), 10,000 parcels, peak memory:
#   build/<dir>/bench/tracking_bench [--parcels N] [--sandbox build/<dir>/track-sandbox]
if(DEFINED AICOS_BUILD_BENCH AND NOT AICOS_BUILD_BENCH)
  return()
endif()
add_executable(tracking_bench ${CMAKE_SOURCE_DIR}/bench/tracking_bench.c)
target_link_libraries(tracking_bench PRIVATE aicos_core Threads::Threads)
set_target_properties(tracking_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
