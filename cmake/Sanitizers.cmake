# -DADWATCH_SANITIZE=ON builds everything (our code and tests) with ASan + UBSan.
if(ADWATCH_SANITIZE)
  set(_adwatch_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${_adwatch_san})
  add_link_options(${_adwatch_san})
endif()
