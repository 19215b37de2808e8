# The Temu Open Platform client (issue 3): signing, errors, regions, rate limiting, the libcurl
# call path, typed API wrappers, webhook verification, and app credentials in the vault.
aicos_module(temu
  SOURCES sign.c errors.c regions.c ratelimit.c client.c api.c webhook.c credentials.c
  DEPS aicos_vault PkgConfig::CURL PkgConfig::OPENSSL PkgConfig::SODIUM)
# The signature benchmark (bench/temu.cmake), built with the other benchmarks.
include(${CMAKE_SOURCE_DIR}/bench/temu.cmake OPTIONAL)
