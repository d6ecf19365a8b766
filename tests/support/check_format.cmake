# Fails when any project source differs from what clang-format makes of it.
file(GLOB_RECURSE files ${ROOT}/include/*.hpp ${ROOT}/tests/*.hpp ${ROOT}/tests/*.cpp
  ${ROOT}/tests/*.c ${ROOT}/bench/*.cpp ${ROOT}/bench/*.hpp ${ROOT}/fuzz/*.cpp
  ${ROOT}/fuzz/*.hpp ${ROOT}/examples/*.cpp)
list(FILTER files EXCLUDE REGEX "/node_modules/")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${files}
  RESULT_VARIABLE rc WORKING_DIRECTORY ${ROOT})
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clang-format: the files above differ from .clang-format")
endif()
