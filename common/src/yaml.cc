#include "adwatch/common/yaml.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace adwatch {
namespace {

std::string Located(const std::string& file, const YAML::Mark& mark, std::string_view msg) {
  std::string out = file;
  if (mark.line >= 0) out += ":" + std::to_string(mark.line + 1);
  out += ": ";
  out += msg;
  return out;
}

Result<YAML::Node> Parse(std::istream& in, const std::string& name) {
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    std::string msg = name;
    if (e.mark.line >= 0) {
      msg += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(msg, e.msg);
  }
}

}  // namespace

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

Result<YAML::Node> LoadYamlFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path, "cannot open file");
  return Parse(in, path);
}

Result<YAML::Node> LoadYamlText(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  return Parse(in, name);
}

std::string YamlWhere(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? file + ":" + std::to_string(mark.line + 1) : file;
}

YamlMap::YamlMap(const std::string& file, const YAML::Node& node, std::string path)
    : file_(file), node_(node), path_(std::move(path)) {}

Status YamlMap::CheckIsMap() const {
  if (!node_ || node_.IsNull() || node_.IsMap()) return Status::OK();
  return Status::InvalidArgument(Located(file_, node_.Mark(), path_.empty() ? "top level" : path_),
                                 "expected a mapping of keys to values");
}

bool YamlMap::Has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined();
}

std::string YamlMap::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string YamlMap::Where(std::string_view key) const {
  if (!key.empty() && Has(key)) return YamlWhere(file_, node_[std::string(key)]);
  return YamlWhere(file_, node_);
}

Status YamlMap::Error(std::string_view key, std::string_view message) const {
  return Status::InvalidArgument(Where(key) + ": " + PathOf(key), message);
}

YAML::Node YamlMap::Child(std::string_view key) {
  read_.emplace_back(key);
  // A missing key yields a valid Undefined node, never yaml-cpp's "zombie" node, which throws
  // InvalidNode when assigned or inspected.
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node n = node_[std::string(key)];
  return n.IsDefined() ? n : YAML::Node(YAML::NodeType::Undefined);
}

namespace {

template <typename T>
Status ReadScalar(YamlMap& m, std::string_view key, T& out, bool required, const char* what) {
  YAML::Node n = m.Child(key);
  if (!n.IsDefined() || n.IsNull()) {
    return required ? m.Error(key, "is required") : Status::OK();
  }
  if (!n.IsScalar()) return m.Error(key, std::string("expected ") + what);
  try {
    out = n.as<T>();
  } catch (const YAML::Exception&) {
    return m.Error(key, std::string("expected ") + what + ", got '" + n.Scalar() + "'");
  }
  return Status::OK();
}

}  // namespace

Status YamlMap::Read(std::string_view key, std::string& out, bool required) {
  return ReadScalar(*this, key, out, required, "a string");
}
Status YamlMap::Read(std::string_view key, bool& out, bool required) {
  return ReadScalar(*this, key, out, required, "true or false");
}
Status YamlMap::Read(std::string_view key, int64_t& out, bool required) {
  return ReadScalar(*this, key, out, required, "an integer");
}
Status YamlMap::Read(std::string_view key, int& out, bool required) {
  return ReadScalar(*this, key, out, required, "an integer");
}
Status YamlMap::Read(std::string_view key, double& out, bool required) {
  double value = out;
  ADWATCH_RETURN_IF_ERROR(ReadScalar(*this, key, value, required, "a number"));
  // YAML's .nan and .inf are numbers to yaml-cpp; no weight, rate or limit here means them.
  if (!std::isfinite(value)) {
    return Error(key, "expected a finite number, got '" + Child(key).Scalar() + "'");
  }
  out = value;
  return Status::OK();
}

Status YamlMap::Read(std::string_view key, std::vector<std::string>& out, bool required) {
  YAML::Node n = Child(key);
  if (!n.IsDefined() || n.IsNull()) {
    return required ? Error(key, "is required") : Status::OK();
  }
  out.clear();
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return Status::OK();
  }
  if (!n.IsSequence()) return Error(key, "expected a string or a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      return Status::InvalidArgument(YamlWhere(file_, item) + ": " + PathOf(key),
                                     "expected a list of strings");
    }
    out.push_back(item.Scalar());
  }
  return Status::OK();
}

Status YamlMap::ReadEnum(std::string_view key, std::string& out,
                         std::initializer_list<std::string_view> allowed, bool required) {
  std::string value = out;
  ADWATCH_RETURN_IF_ERROR(Read(key, value, required));
  if (!Has(key)) return Status::OK();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (auto a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    return Error(key, "'" + value + "' is not one of: " + list);
  }
  out = value;
  return Status::OK();
}

Status YamlMap::Finish() const {
  if (!node_.IsMap()) return Status::OK();
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
      return Status::InvalidArgument(YamlWhere(file_, kv.first) + ": " + PathOf(key),
                                     "unknown key");
    }
  }
  return Status::OK();
}

}  // namespace adwatch
