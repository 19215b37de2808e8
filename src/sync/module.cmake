# The sync engine (issue 7): state, lease, run history and the orders stream, its JSON
# handlers and the `aicos sync` command.
list(APPEND AICOS_CORE_SOURCES src/sync/engine.c src/sync/orders.c src/api/sync_api.c
     src/cli/cmd_sync.c)
