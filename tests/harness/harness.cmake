# Throwaway PostgreSQL / Redis servers for the scale-out tests (CTest fixtures).
#   sentio_scaleout_fixture(postgres|redis): adds the setup/cleanup tests of fixture
#     scaleout_<kind>, which start the server on a free port in <build>/scaleout-<kind>/.
#   sentio_scaleout_test(NAME SOURCES ... LIBS ... FIXTURES kinds...): a GoogleTest binary
#     whose tests require those fixtures and read the server URLs from their env files
#     (SENTIO_TEST_ENV_FILES). Outside CTest the tests read SENTIO_TEST_PG_URL /
#     SENTIO_TEST_REDIS_URL, and skip when neither is available.
include_guard(GLOBAL)

function(sentio_scaleout_fixture kind)
  set(dir ${PROJECT_BINARY_DIR}/scaleout-${kind})
  add_test(NAME scaleout_${kind}_start
           COMMAND ${PROJECT_SOURCE_DIR}/tests/harness/ctest-fixture.sh start ${kind} ${dir})
  add_test(NAME scaleout_${kind}_stop
           COMMAND ${PROJECT_SOURCE_DIR}/tests/harness/ctest-fixture.sh stop ${kind} ${dir})
  set_tests_properties(scaleout_${kind}_start PROPERTIES FIXTURES_SETUP scaleout_${kind}
                       LABELS scaleout TIMEOUT 120)
  set_tests_properties(scaleout_${kind}_stop PROPERTIES FIXTURES_CLEANUP scaleout_${kind}
                       LABELS scaleout TIMEOUT 60)
endfunction()

function(sentio_scaleout_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;FIXTURES" ${ARGN})
  add_executable(${name} ${T_SOURCES} ${PROJECT_SOURCE_DIR}/tests/harness/test_env.cc)
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE SENTIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             SENTIO_BINARY_DIR="${PROJECT_BINARY_DIR}"
                             SENTIO_HARNESS_DIR="${PROJECT_SOURCE_DIR}/tests/harness")
  set(fixtures "")
  set(files "")
  foreach(k IN LISTS T_FIXTURES)
    list(APPEND fixtures scaleout_${k})
    list(APPEND files ${PROJECT_BINARY_DIR}/scaleout-${k}/env)
  endforeach()
  string(REPLACE ";" ":" files "${files}")
  list(LENGTH fixtures nfix)
  if(nfix GREATER 1)
    # gtest_discover_tests cannot pass a list-valued property: run the binary as one test.
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "scaleout" FIXTURES_REQUIRED "${fixtures}"
                         ENVIRONMENT "SENTIO_TEST_ENV_FILES=${files}" TIMEOUT 300)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS "scaleout" FIXTURES_REQUIRED "${fixtures}"
                 ENVIRONMENT "SENTIO_TEST_ENV_FILES=${files}" TIMEOUT 300)
  endif()
endfunction()
