# The security core's accounts, sessions, tokens and audit log.
aicos_module(auth
  SOURCES roles.c password.c users.c sessions.c tokens.c audit.c
  DEPS aicos_store aicos_export PkgConfig::SODIUM)
