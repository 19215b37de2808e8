list(APPEND AICOS_CORE_SOURCES src/readiness/progress.c src/readiness/registry.c)
