# The Temu signature benchmark (included from src/temu/module.cmake):
#   build/<dir>/bench/temu_sign_bench [seconds]
# prints the cost of one signature of a realistic order-list request and of a shipment
# confirm body (worked example 1), with raw OpenSSL MD5 over the same canonical string as
# the in-run reference.
if(DEFINED AICOS_BUILD_BENCH AND NOT AICOS_BUILD_BENCH)
  return()
endif()
add_executable(temu_sign_bench ${CMAKE_SOURCE_DIR}/bench/temu_sign_bench.c)
target_link_libraries(temu_sign_bench PRIVATE aicos_core)
set_target_properties(temu_sign_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)

# The Temu call benchmark: signed calls per second through the client against a local
# temu-sandbox (started by the bench on a free loopback port), with plain libcurl POSTs of the
# same pre-signed body as the in-run reference:
#   build/<dir>/bench/temu_call_bench [seconds]
add_executable(temu_call_bench ${CMAKE_SOURCE_DIR}/bench/temu_call_bench.c)
target_link_libraries(temu_call_bench PRIVATE aicos_core PkgConfig::CURL)
set_target_properties(temu_call_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
