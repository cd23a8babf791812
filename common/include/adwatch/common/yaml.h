// Reading YAML files with errors that name the file, line and key: the shared helper of the
// rule loader (classifier/) and the config reader (app/). yaml-cpp types appear here because
// both callers walk yaml-cpp nodes; no other public header names them. Thread-compatible.
#ifndef ADWATCH_COMMON_YAML_H_
#define ADWATCH_COMMON_YAML_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "adwatch/common/status.h"

namespace adwatch {

// Loads a YAML file. Returns NotFound when it cannot be read and InvalidArgument with
// "file:line:column: message" on a syntax error.
Result<YAML::Node> LoadYamlFile(const std::string& path);

// A path written in a config file, taken relative to the file's folder `base_dir` unless it is
// absolute (or base_dir is ""); "" stays "".
std::string ResolvePath(const std::string& base_dir, const std::string& path);

// Parses YAML text; `name` stands in for the file name in errors.
Result<YAML::Node> LoadYamlText(std::string_view text, const std::string& name);

// A cursor over one mapping of a file, for typed reads with located errors. Every error reads
// "FILE:LINE: KEY_PATH: message". Keys not read by the time Finish() is called are reported as
// unknown, which catches typos in config and rule files.
class YamlMap {
 public:
  // REQUIRES: node outlives this object. `path` is the dotted key path of `node` ("" at top).
  YamlMap(const std::string& file, const YAML::Node& node, std::string path);

  // Returns InvalidArgument unless the node is a mapping (or null, which reads as empty).
  Status CheckIsMap() const;

  bool Has(std::string_view key) const;
  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }

  // Typed reads. A missing key leaves `out` unchanged and returns OK unless `required` is set.
  Status Read(std::string_view key, std::string& out, bool required = false);
  Status Read(std::string_view key, bool& out, bool required = false);
  Status Read(std::string_view key, int64_t& out, bool required = false);
  Status Read(std::string_view key, int& out, bool required = false);
  Status Read(std::string_view key, double& out, bool required = false);
  // A string or a list of strings.
  Status Read(std::string_view key, std::vector<std::string>& out, bool required = false);
  // Reads a string that must be one of `allowed`.
  Status ReadEnum(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed,
                  bool required = false);

  // The child node at `key` (an Undefined node when absent), marked as read.
  YAML::Node Child(std::string_view key);
  // "FILE:LINE" of `key` (or of this mapping when absent).
  std::string Where(std::string_view key = {}) const;
  // The dotted path of `key`.
  std::string PathOf(std::string_view key) const;
  // An InvalidArgument located at `key`.
  Status Error(std::string_view key, std::string_view message) const;

  // Returns an error for the first key that was never read.
  Status Finish() const;

 private:
  std::string file_;
  const YAML::Node& node_;
  std::string path_;
  std::vector<std::string> read_;
};

// "FILE:LINE" for any node (line counted from 1).
std::string YamlWhere(const std::string& file, const YAML::Node& node);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_YAML_H_
