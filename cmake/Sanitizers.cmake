# -DADWATCH_SANITIZE=ON builds everything (our code and tests) with ASan + UBSan.
if(ADWATCH_SANITIZE)
  set(_adwatch_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${_adwatch_san})
  add_link_options(${_adwatch_san})
  # GCC 12's -Wmaybe-uninitialized misreads ASan-instrumented code: libstdc++'s own <regex>
  # (std::function moved inside _NFA) is reported as uninitialized and -Werror stops the build.
  # The warning stays on in the normal build, where it is reliable.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
