#include "services.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace adwatch::app {

Result<std::unique_ptr<classifier::Classifier>> LoadClassifier(
    const Config& config, const std::string& rules_dir_override) {
  classifier::RuleSetOptions options = config.rules;
  if (!rules_dir_override.empty()) options.rules_dir = rules_dir_override;
  auto rules = classifier::RuleSet::Load(options);
  if (!rules) return rules.error();
  return std::make_unique<classifier::Classifier>(std::move(rules.value()), config.scoring);
}

Result<std::string> ReadInput(const std::string& path) {
  if (path.empty() || path == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    return buf.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path, "cannot open file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError(path, "read failed");
  return buf.str();
}

Result<JsonAd> ParseJsonAd(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("expected a JSON object");
  auto text = j.find("text");
  if (text == j.end() || !text->is_string()) {
    return Status::InvalidArgument("missing string field \"text\"");
  }
  JsonAd in;
  in.ad.origin = CandidateOrigin::kImport;
  in.ad.text = text->get<std::string>();
  auto str = [&](const char* key, std::string& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::OK();
    if (it->is_string()) {
      out = it->get<std::string>();
    } else if (it->is_number_integer() && std::string_view(key) == "id") {
      out = it->dump();
    } else {
      return Status::InvalidArgument(std::string("field \"") + key + "\" must be a string");
    }
    return Status::OK();
  };
  ADWATCH_RETURN_IF_ERROR(str("id", in.id));
  ADWATCH_RETURN_IF_ERROR(str("label", in.label));
  ADWATCH_RETURN_IF_ERROR(str("family", in.family));
  ADWATCH_RETURN_IF_ERROR(str("writer", in.writer));
  ADWATCH_RETURN_IF_ERROR(str("title", in.ad.title));
  ADWATCH_RETURN_IF_ERROR(str("url", in.ad.url));
  ADWATCH_RETURN_IF_ERROR(str("lang", in.ad.lang));
  ADWATCH_RETURN_IF_ERROR(str("posted_at", in.ad.posted_at));
  ADWATCH_RETURN_IF_ERROR(str("source", in.ad.source));
  ADWATCH_RETURN_IF_ERROR(str("author", in.ad.author));
  if (auto pt = j.find("page_types"); pt != j.end() && !pt->is_null()) {
    if (!pt->is_array())
      return Status::InvalidArgument("field \"page_types\" must be a list of strings");
    for (const auto& t : *pt) {
      if (!t.is_string())
        return Status::InvalidArgument("field \"page_types\" must be a list of strings");
      in.ad.page_types.push_back(t.get<std::string>());
    }
  }
  if (in.ad.text.size() + in.ad.title.size() > kMaxTextBytes) {
    return Status::InvalidArgument("text longer than 4 MiB");
  }
  return in;
}

void ForEachJsonAd(const std::string& data, const std::function<bool(int, Result<JsonAd>)>& fn) {
  std::istringstream lines(data);
  (void)ForEachJsonAdIn(lines, "<data>", fn);  // a string stream does not fail
}

Status ForEachJsonAdIn(std::istream& in, const std::string& name,
                       const std::function<bool(int, Result<JsonAd>)>& fn) {
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!fn(line_no, ParseJsonAd(line))) return Status::OK();
  }
  if (in.bad()) return Status::IOError(name, "read failed after line " + std::to_string(line_no));
  return Status::OK();
}

FetchResult SavedPage(std::string body, const std::string& url) {
  FetchResult fetch;
  fetch.requested_url = fetch.final_url = url;
  fetch.http_status = 200;
  fetch.source = "cli";
  fetch.body = std::move(body);
  return fetch;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) != 0; }

}  // namespace adwatch::app
