# Installs e2ekit into a scratch prefix, then configures, builds and runs a
# tiny project that finds it with find_package(e2ekit).
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/lib -G ${GENERATOR}
  -DCMAKE_INSTALL_PREFIX=${prefix} -DE2EKIT_BUILD_TESTS=OFF -DE2EKIT_BUILD_EXAMPLES=OFF
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK}/lib COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE}/tests/consumer/project -B ${WORK}/app
  -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX}
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/app COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${WORK}/app/consumer COMMAND_ERROR_IS_FATAL ANY)
