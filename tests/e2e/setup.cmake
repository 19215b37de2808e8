# The e2e fixture: copies the browser test into DST and installs its npm packages there with
# `npm ci` (exact versions from package-lock.json). A second run with the same lock file and the
# packages in place installs nothing, so re-runs work offline.
# cmake -DSRC=tests/e2e -DDST=<build>/tests/e2e/run -DNPM=npm -P setup.cmake
foreach(var SRC DST NPM)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "e2e_setup: ${var} is not set")
  endif()
endforeach()
file(MAKE_DIRECTORY ${DST})
# FILES (optional, comma-separated) and PROBE (a package that must be installed) let other npm
# tooling (tests/openapi) reuse this fixture.
if(NOT DEFINED FILES)
  set(FILES package.json package-lock.json integrations.e2e.mjs)
endif()
string(REPLACE "," ";" FILES "${FILES}")
if(NOT DEFINED PROBE)
  set(PROBE playwright-core)
endif()
foreach(f ${FILES})
  file(COPY_FILE ${SRC}/${f} ${DST}/${f} ONLY_IF_DIFFERENT)
endforeach()

set(stamp ${DST}/node_modules/.aicos-installed-lock.json)
if(EXISTS ${stamp} AND EXISTS ${DST}/node_modules/${PROBE}/package.json)
  file(SHA256 ${stamp} have)
  file(SHA256 ${DST}/package-lock.json want)
  if(have STREQUAL want)
    message(STATUS "e2e_setup: npm packages already installed from this package-lock.json")
    return()
  endif()
endif()

execute_process(COMMAND ${NPM} ci --no-audit --no-fund
                WORKING_DIRECTORY ${DST}
                RESULT_VARIABLE rc
                TIMEOUT 240)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "e2e_setup: `npm ci` in ${DST} failed (${rc}). The browser test needs "
                      "Node.js, npm and the npm registry; scripts/install-deps installs Node.js "
                      "and npm.")
endif()
file(COPY_FILE ${DST}/package-lock.json ${stamp})
