# Every third-party dependency, from Debian 12's packages (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(CURL REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
find_package(OpenSSL REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(UCHARDET REQUIRED IMPORTED_TARGET uchardet)
pkg_check_modules(MINIZIP REQUIRED IMPORTED_TARGET minizip)  # chats/: WhatsApp export zips

# libphonenumber ships no CMake config.
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
if(NOT TARGET adwatch::phonenumber)
  add_library(adwatch::phonenumber UNKNOWN IMPORTED)
  set_target_properties(adwatch::phonenumber PROPERTIES
    IMPORTED_LOCATION ${PHONENUMBER_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR})
endif()

if(ADWATCH_BUILD_TESTS)
  find_package(Catch2 REQUIRED)
  include(Catch)
endif()
if(ADWATCH_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
