list(APPEND AICOS_CORE_SOURCES src/web/html.c)
list(APPEND AICOS_CORE_SOURCES src/web/data_pages.c) # console data pages (issue 7)
