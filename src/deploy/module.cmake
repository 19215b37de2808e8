# The deployment planner (issue 6): production files, preflight, smoke test, DNS, records, and
# the plan with its mainland China sign-off and server-side re-runs.
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
aicos_module(deploy
  SOURCES findings.c dns.c inputs.c templates.c initenv.c preflight.c preflight_env.c
          preflight_compose.c preflight_caddy.c preflight_docker.c smoke.c record.c plan.c
          plan_util.c signoff.c checks.c packet.c
  DEPS aicos_temu aicos_store PkgConfig::CURL PkgConfig::SODIUM PkgConfig::YAML)
# The production files' templates (src/deploy/templates) and the repository's Dockerfile,
# embedded at build time like the console's assets.
set(AICOS_DEPLOY_TEMPLATE_FILES
    ${CMAKE_SOURCE_DIR}/src/deploy/templates/production.env.tmpl
    ${CMAKE_SOURCE_DIR}/src/deploy/templates/docker-compose.prod.yml.tmpl
    ${CMAKE_SOURCE_DIR}/src/deploy/templates/Caddyfile.tmpl
    ${CMAKE_SOURCE_DIR}/src/deploy/templates/caddy_site.tmpl
    ${CMAKE_SOURCE_DIR}/infra/Dockerfile
    ${CMAKE_SOURCE_DIR}/infra/Dockerfile.dockerignore)
string(REPLACE ";" "," AICOS_DEPLOY_TEMPLATE_INPUTS "${AICOS_DEPLOY_TEMPLATE_FILES}")
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/deploy_templates.c
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/generated/deploy_templates.c
          -DHEADER=deploy/template_files.h
          -DNAMES=deploy_tmpl_env,deploy_tmpl_compose,deploy_tmpl_caddyfile,deploy_tmpl_caddy_site,deploy_file_dockerfile,deploy_file_dockerignore
          -DINPUTS=${AICOS_DEPLOY_TEMPLATE_INPUTS}
          -P ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  DEPENDS ${AICOS_DEPLOY_TEMPLATE_FILES} ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  COMMENT "Embedding the deployment templates"
  VERBATIM)
target_sources(aicos_deploy PRIVATE ${CMAKE_BINARY_DIR}/generated/deploy_templates.c)
