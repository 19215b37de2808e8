# The Temu Open Platform client (issue 3): signing, errors, regions, rate limiting, the libcurl
# call path, typed API wrappers, webhook verification, and the `aicos temu` subcommand.
list(APPEND AICOS_CORE_SOURCES
  src/temu/sign.c src/temu/errors.c src/temu/regions.c src/temu/ratelimit.c
  src/temu/client.c src/temu/api.c src/temu/webhook.c
  src/cli/cmd_temu.c)
list(APPEND AICOS_CORE_LIBS PkgConfig::CURL PkgConfig::OPENSSL PkgConfig::SODIUM)
# The signature benchmark (bench/temu.cmake), built with the other benchmarks.
include(${CMAKE_SOURCE_DIR}/bench/temu.cmake OPTIONAL)
# App credentials in the vault (the security core's part of the Temu integration).
list(APPEND AICOS_CORE_SOURCES src/temu/credentials.c src/cli/cmd_temu_credentials.c)
