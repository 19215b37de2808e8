# The security core's accounts, sessions, tokens and audit log.
list(APPEND AICOS_CORE_SOURCES
  src/auth/roles.c src/auth/password.c src/auth/users.c src/auth/sessions.c
  src/auth/tokens.c src/auth/audit.c src/base/secure.c)
list(APPEND AICOS_CORE_LIBS PkgConfig::SODIUM)
list(APPEND AICOS_CORE_SOURCES src/api/auth_api.c src/api/security_api.c)
list(APPEND AICOS_CORE_SOURCES src/cli/cmd_user.c src/cli/cmd_token.c src/cli/cmd_vault.c
     src/cli/cmd_audit.c)
