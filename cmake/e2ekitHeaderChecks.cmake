# Every public header must compile on its own: one generated translation
# unit per header that includes it and nothing else. Compiled, not run.
#
# The fuzz build (clang, tests off) checks every header this way. A build
# with the tests leaves out the headers whose test (tests/<path>.cpp) already
# includes them first: that compiler's warnings reach them there, and the
# standalone check is the clang build's. This keeps CI's g++ build about a
# hundred translation units shorter.
file(GLOB_RECURSE _e2ekit_headers RELATIVE ${PROJECT_SOURCE_DIR}/include
  CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/e2ekit/*.hpp)
e2ekit_filter_only(_e2ekit_headers)
set(_e2ekit_header_sources)
foreach(h IN LISTS _e2ekit_headers)
  if(h MATCHES "/(impl)/")
    continue() # bodies included at the foot of their public header
  endif()
  if(E2EKIT_BUILD_TESTS)
    string(REGEX REPLACE "^e2ekit/(.*)\\.hpp$" "${PROJECT_SOURCE_DIR}/tests/\\1.cpp" test_src "${h}")
    if(EXISTS ${test_src})
      file(STRINGS ${test_src} first LIMIT_COUNT 1)
      if(first STREQUAL "#include <${h}>")
        continue()
      endif()
    endif()
  endif()
  string(MAKE_C_IDENTIFIER "${h}" id)
  set(src ${PROJECT_BINARY_DIR}/header_checks/${id}.cpp)
  set(content "#include <${h}>\n#include <${h}> // include guard\n")
  if(EXISTS ${src})
    file(READ ${src} old)
  else()
    set(old "")
  endif()
  if(NOT old STREQUAL content)
    file(WRITE ${src} "${content}")
  endif()
  list(APPEND _e2ekit_header_sources ${src})
endforeach()
if(_e2ekit_header_sources) # E2EKIT_ONLY may select no header
  add_library(e2ekit_header_checks OBJECT ${_e2ekit_header_sources})
  target_link_libraries(e2ekit_header_checks PRIVATE e2ekit::e2ekit e2ekit_warnings)
endif()
