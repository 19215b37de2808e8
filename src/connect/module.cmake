# Temu authorization (issue 5): sessions, callback, connections, manual tokens, the inspector.
aicos_module(connect
  SOURCES common.c client.c gates.c session.c grant.c authorize.c connections.c inspect.c
  DEPS aicos_deploy aicos_temu aicos_store)
