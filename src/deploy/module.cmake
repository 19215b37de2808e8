# The deployment planner (issue 6): production files, preflight, smoke test, DNS, records, and
# the plan with its mainland China sign-off and server-side re-runs.
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
aicos_module(deploy
  SOURCES findings.c dns.c inputs.c templates.c initenv.c preflight.c preflight_env.c
          preflight_compose.c preflight_caddy.c preflight_docker.c smoke.c record.c plan.c
          plan_util.c signoff.c checks.c packet.c
  DEPS aicos_temu aicos_store PkgConfig::CURL PkgConfig::SODIUM PkgConfig::YAML)
