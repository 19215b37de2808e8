# Unit tests of the deployment planner (src/deploy); included from tests/unit/CMakeLists.txt.
aicos_unit_test(test_deploy_inputs test_deploy_inputs.c)
aicos_unit_test(test_deploy_initenv test_deploy_initenv.c)
target_compile_definitions(test_deploy_initenv PRIVATE AICOS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
aicos_unit_test(test_deploy_preflight test_deploy_preflight.c)
aicos_unit_test(test_deploy_smoke_checks test_deploy_smoke_checks.c)
aicos_unit_test(test_deploy_record test_deploy_record.c PG)
aicos_unit_test(test_deploy_plan test_deploy_plan.c PG)
