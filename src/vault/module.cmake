# The vault: secrets encrypted at rest under a key ring wrapped by the master key.
aicos_module(vault
  SOURCES vault.c
  DEPS aicos_store PkgConfig::SODIUM)
