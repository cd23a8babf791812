#include "adwatch/storage/page_write_codec.h"

#include "adwatch/common/hash.h"
#include "codec.h"

namespace adwatch::storage {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdWrite, ad, verdict, regions, region_hint)

std::string EncodePageWrite(const PageWrite& write) {
  nlohmann::json j = {
      {"crawler_version", write.crawler_version}, {"cause", write.cause}, {"ads", write.ads}};
  if (write.page) {
    FetchResult meta = *write.page;
    meta.body.clear();
    j["page"] = meta;
    j["body_sha256"] = Sha256Hex(write.page->body);
    j["body_bytes"] = write.page->body.size();
  }
  return internal::EncodeJson(j);
}

Result<PageWrite> DecodePageWrite(std::string_view encoded, std::string body) {
  constexpr std::string_view kWhat = "encoded page write";
  auto j = internal::DecodeJson(encoded, kWhat);
  if (!j) return j.error();
  PageWrite w;
  std::string sha;
  uint64_t bytes = 0;
  try {
    if (!j->is_object()) return Status::Corruption(kWhat, "not a JSON object");
    w.crawler_version = j->value("crawler_version", std::string());
    w.cause = j->value("cause", std::string("crawl"));
    if (auto it = j->find("ads"); it != j->end()) w.ads = it->get<std::vector<AdWrite>>();
    if (auto it = j->find("page"); it != j->end()) {
      w.page = it->get<FetchResult>();
      sha = j->value("body_sha256", std::string());
      bytes = j->value("body_bytes", uint64_t{0});
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(kWhat, e.what());
  }
  if (!w.page) {
    if (!body.empty()) return Status::Corruption(kWhat, "a body without a page");
    return w;
  }
  if (body.size() != bytes || Sha256Hex(body) != sha) {
    return Status::Corruption(kWhat,
                              "the body (" + std::to_string(body.size()) +
                                  " bytes) does not match its recorded SHA-256 and length (" +
                                  std::to_string(bytes) + " bytes)");
  }
  w.page->body = std::move(body);
  return w;
}

}  // namespace adwatch::storage
