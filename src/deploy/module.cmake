# The deployment planner (issue 6): production files, preflight, smoke test, DNS, records.
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
list(APPEND AICOS_CORE_SOURCES
  src/deploy/findings.c src/deploy/dns.c src/deploy/inputs.c src/deploy/templates.c
  src/deploy/initenv.c src/deploy/preflight.c src/deploy/smoke.c src/deploy/record.c
  src/cli/cmd_deploy.c)
list(APPEND AICOS_CORE_LIBS PkgConfig::CURL PkgConfig::SODIUM PkgConfig::YAML)
# The plan, sign-off, re-runs and deployment packet over HTTP, and the console section.
list(APPEND AICOS_CORE_SOURCES src/deploy/plan.c src/api/deploy_api.c src/web/deploy_section.c)
