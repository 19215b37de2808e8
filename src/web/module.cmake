# The console's pages (one family per file with its header beside it), the HTML writer, the
# widgets and status vocabulary, the frame, and the stylesheet and layout template embedded
# into the binary at build time.
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
aicos_module(web
  SOURCES page.c html.c status.c widget.c console.c msg.c signin_page.c deploy_section.c
          deploy_page.c integrations_page.c integrations_now.c integrations_workbench.c
          orders_page.c orders_csv.c order_page.c
          sync_page.c products_page.c cases_page.c error_page.c team_page.c records_page.c
          shipment_form.c download.c settings_page.c dashboard_page.c case_page.c actions_page.c
          shipments_page.c settlements_page.c settlements_export.c alerts_page.c shops.c tracking_settings_page.c
  DEPS aicos_app aicos_reply aicos_http aicos_readiness aicos_settlement aicos_tracking aicos_sync
       aicos_deploy aicos_auth aicos_export)
target_sources(aicos_web PRIVATE ${CMAKE_BINARY_DIR}/generated/web_assets.c)
# The console benchmark's static files (bench/run-console-bench; src/web/bench_static.h): only
# with -DAICOS_BENCH_STATIC_DIR=<dir>, which must hold dashboard.html and orders.html.
set(AICOS_BENCH_STATIC_DIR "" CACHE PATH "console bench: folder of the static files to embed")
if(AICOS_BENCH_STATIC_DIR)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/generated/web_bench_assets.c
    COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/generated/web_bench_assets.c
            -DHEADER=web/bench_static.h -DNAMES=web_bench_dashboard_html,web_bench_orders_html
            -DINPUTS=${AICOS_BENCH_STATIC_DIR}/dashboard.html,${AICOS_BENCH_STATIC_DIR}/orders.html
            -P ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
    DEPENDS ${AICOS_BENCH_STATIC_DIR}/dashboard.html ${AICOS_BENCH_STATIC_DIR}/orders.html
            ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
    COMMENT "Embedding the console benchmark's static files"
    VERBATIM)
  target_sources(aicos_web PRIVATE ${CMAKE_SOURCE_DIR}/src/web/bench_static.c
                                   ${CMAKE_BINARY_DIR}/generated/web_bench_assets.c)
  target_compile_definitions(aicos_web PUBLIC AICOS_BENCH_STATIC=1)
endif()
