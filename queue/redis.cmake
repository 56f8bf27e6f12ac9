# Redis Streams queue (scale-out mode). Included from queue/CMakeLists.txt when
# SENTIO_WITH_REDIS is ON. Apps get it through sentio_queue (define SENTIO_HAVE_REDIS).
add_library(sentio_queue_redis STATIC ${CMAKE_CURRENT_LIST_DIR}/redis_queue.cc)
target_link_libraries(sentio_queue_redis PUBLIC sentio_core PkgConfig::HIREDIS)
target_compile_definitions(sentio_queue_redis PUBLIC SENTIO_HAVE_REDIS=1)
target_link_libraries(sentio_queue INTERFACE sentio_queue_redis)

include(${PROJECT_SOURCE_DIR}/tests/harness/harness.cmake)
sentio_scaleout_fixture(redis)
sentio_scaleout_test(redis_queue_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/redis_queue_test.cc
                     LIBS sentio_queue_redis FIXTURES redis)

# The Redis event bridge lives in pipeline/ (pipeline/redis.cmake, include-guarded).
include(${PROJECT_SOURCE_DIR}/pipeline/redis.cmake)

# Queue + store end to end (kill -9 of a worker), when the PostgreSQL store is built too.
if(TARGET sentio_storage_postgres)
  sentio_scaleout_test(scaleout_e2e_test
                       SOURCES ${PROJECT_SOURCE_DIR}/tests/harness/scaleout_e2e_test.cc
                       LIBS sentio_queue_redis sentio_storage_postgres FIXTURES redis postgres)
endif()
if(TARGET sentio_storage_postgres)
  # Throughput tool for bench/bench_scaleout.sh.
  add_executable(scaleout_bench ${PROJECT_SOURCE_DIR}/tests/harness/scaleout_bench.cc)
  target_link_libraries(scaleout_bench PRIVATE sentio_queue_redis sentio_storage_postgres)
endif()
