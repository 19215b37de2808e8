# Temu authorization (src/connect), its JSON handlers and the console's Integrations page.
list(APPEND AICOS_CORE_SOURCES src/connect/connect.c src/connect/inspect.c
     src/api/integrations_api.c src/web/console.c src/web/integrations_page.c
     ${CMAKE_BINARY_DIR}/generated/web_assets.c)

# The console's stylesheet and layout template, embedded into the binary at build time.
set(AICOS_WEB_ASSET_FILES ${CMAKE_SOURCE_DIR}/src/web/static/console.css
    ${CMAKE_SOURCE_DIR}/src/web/templates/layout.html)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/web_assets.c
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/generated/web_assets.c
          -DNAMES=web_asset_console_css,web_asset_layout_html
          -DINPUTS=${CMAKE_SOURCE_DIR}/src/web/static/console.css,${CMAKE_SOURCE_DIR}/src/web/templates/layout.html
          -P ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  DEPENDS ${AICOS_WEB_ASSET_FILES} ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  COMMENT "Embedding console assets"
  VERBATIM)
