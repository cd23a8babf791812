// Runs a command line through /bin/sh and captures its exit code, standard output and error.
#ifndef ADWATCH_TESTS_SUPPORT_RUN_H_
#define ADWATCH_TESTS_SUPPORT_RUN_H_

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace adwatch::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` (a shell command line) with `input` on standard input.
inline RunResult RunCommand(const std::string& command, const std::string& input = "") {
  TempDir dir;
  const std::string in = dir.Write("stdin", input);
  const std::string out = dir / "stdout";
  const std::string err = dir / "stderr";
  const int status =
      std::system((command + " <'" + in + "' >'" + out + "' 2>'" + err + "'").c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream f(p);
    std::stringstream b;
    b << f.rdbuf();
    return b.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// The adwatch binary of this build.
inline std::string Adwatch() { return std::string(ADWATCH_BINARY_DIR) + "/app/adwatch"; }

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_RUN_H_
