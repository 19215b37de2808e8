# The vault: secrets encrypted at rest under a key ring wrapped by the master key.
list(APPEND AICOS_CORE_SOURCES src/vault/vault.c)
list(APPEND AICOS_CORE_LIBS PkgConfig::SODIUM)
