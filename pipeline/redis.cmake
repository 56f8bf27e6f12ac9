# Redis event bridge (scale-out mode). Included (include-guarded) from queue/redis.cmake;
# pipeline/CMakeLists.txt may include it too. Link sentio_redis_bridge to use it.
include_guard(GLOBAL)
add_library(sentio_redis_bridge STATIC ${CMAKE_CURRENT_LIST_DIR}/redis_event_bridge.cc)
target_link_libraries(sentio_redis_bridge PUBLIC sentio_pipeline sentio_core PkgConfig::HIREDIS)
include(${PROJECT_SOURCE_DIR}/tests/harness/harness.cmake)
sentio_scaleout_test(redis_event_bridge_test
                     SOURCES ${CMAKE_CURRENT_LIST_DIR}/redis_event_bridge_test.cc
                     LIBS sentio_redis_bridge FIXTURES redis)
if(SENTIO_FUZZ)
  add_executable(fuzz_event_bridge ${CMAKE_CURRENT_LIST_DIR}/fuzz_event_bridge.cc)
  target_link_libraries(fuzz_event_bridge PRIVATE sentio_redis_bridge)
  target_link_options(fuzz_event_bridge PRIVATE -fsanitize=fuzzer)
endif()
