# Finds the libraries the e2ekit headers call into and defines one imported
# target each (e2ekit_dep::*). Used by the build tree and by the installed
# e2ekitConfig.cmake alike, so a consumer links exactly what we test with.
include(CMakeFindDependencyMacro)
find_dependency(OpenSSL 3.0 COMPONENTS Crypto)
find_dependency(PkgConfig)
if(NOT TARGET e2ekit_dep::sodium)
  pkg_check_modules(E2EKIT_SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium>=1.0.18)
  add_library(e2ekit_dep::sodium ALIAS PkgConfig::E2EKIT_SODIUM)
endif()
if(NOT TARGET e2ekit_dep::secp256k1)
  pkg_check_modules(E2EKIT_SECP256K1 REQUIRED IMPORTED_TARGET GLOBAL libsecp256k1)
  add_library(e2ekit_dep::secp256k1 ALIAS PkgConfig::E2EKIT_SECP256K1)
endif()
if(NOT TARGET e2ekit_dep::xeddsa)
  # Debian's libxeddsa-dev ships no CMake or pkg-config file.
  find_library(E2EKIT_XEDDSA_LIBRARY NAMES xeddsa REQUIRED)
  add_library(e2ekit_dep::xeddsa UNKNOWN IMPORTED GLOBAL)
  set_target_properties(e2ekit_dep::xeddsa PROPERTIES IMPORTED_LOCATION "${E2EKIT_XEDDSA_LIBRARY}")
endif()
# XML for the OMEMO element forms (<encrypted>, <bundle>, <list>/<devices>).
find_dependency(pugixml 1.11)
# Header-only dependencies the codec layer includes.
find_dependency(nlohmann_json 3.11)
find_dependency(Boost 1.74 CONFIG COMPONENTS headers)
if(NOT TARGET e2ekit_dep::protozero)
  # Debian's libprotozero-dev ships headers only, no CMake file.
  find_path(E2EKIT_PROTOZERO_INCLUDE_DIR protozero/pbf_reader.hpp REQUIRED)
  add_library(e2ekit_dep::protozero INTERFACE IMPORTED GLOBAL)
  set_target_properties(e2ekit_dep::protozero PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${E2EKIT_PROTOZERO_INCLUDE_DIR}")
endif()
