list(APPEND AICOS_CORE_SOURCES src/web/html.c)
