# PostgreSQL store (scale-out mode). Included from storage/CMakeLists.txt when
# SENTIO_WITH_POSTGRES is ON. Apps get it through sentio_storage (define SENTIO_HAVE_POSTGRES).
add_library(sentio_storage_postgres STATIC ${CMAKE_CURRENT_LIST_DIR}/postgres_store.cc)
target_link_libraries(sentio_storage_postgres PUBLIC sentio_core PRIVATE sentio_text PkgConfig::LIBPQ)
target_compile_definitions(sentio_storage_postgres PUBLIC SENTIO_HAVE_POSTGRES=1)
target_link_libraries(sentio_storage INTERFACE sentio_storage_postgres)

include(${PROJECT_SOURCE_DIR}/tests/harness/harness.cmake)
sentio_scaleout_fixture(postgres)
sentio_scaleout_test(postgres_store_test
                     SOURCES ${CMAKE_CURRENT_LIST_DIR}/postgres_store_test.cc
                     LIBS sentio_storage_postgres PkgConfig::LIBPQ FIXTURES postgres)
