# ihpa_library(NAME SOURCES ... [DEPS ...]): one static library per folder, with our warnings,
# the repository root on the include path (headers are included as "folder/file.hpp").
function(ihpa_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ihpa_warnings)
endfunction()

# ihpa_test(NAME SOURCES ... [DEPS ...] [LABELS ...]): a GoogleTest binary registered with CTest.
function(ihpa_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main ihpa_warnings)
    target_compile_definitions(${name} PRIVATE
        IHPA_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        IHPA_BINARY="$<TARGET_FILE:ihpa>")
    # An empty LABELS value would vanish when the properties are forwarded, shifting the
    # ENVIRONMENT pair into the labels: only name the labels when there are some.
    set(properties ENVIRONMENT "IHPA_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    if(ARG_LABELS)
        list(APPEND properties LABELS "${ARG_LABELS}")
    endif()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${properties})
endfunction()
