# Temu authorization (issue 5): sessions, callback, connections, manual tokens, the inspector.
aicos_module(connect
  SOURCES connect.c inspect.c
  DEPS aicos_deploy aicos_temu aicos_store)
