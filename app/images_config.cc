#include "images_config.h"

namespace adwatch::app {

Status ParseImages(const std::string& file, YamlMap& top, const std::string& base,
                   ImagesConfig& c) {
  YAML::Node n = top.Child("images");
  YamlMap m(file, n, "images");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  ADWATCH_RETURN_IF_ERROR(m.Read("enabled", c.enabled));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_per_ad", c.max_per_ad));
  if (c.max_per_ad < 0 || c.max_per_ad > 64)
    return m.Error("max_per_ad", "must be between 0 and 64");
  int64_t max_bytes = static_cast<int64_t>(c.decode.max_bytes);
  ADWATCH_RETURN_IF_ERROR(m.Read("max_bytes", max_bytes));
  if (max_bytes < 1) return m.Error("max_bytes", "must be positive");
  c.decode.max_bytes = static_cast<size_t>(max_bytes);
  int64_t max_pixels = static_cast<int64_t>(c.decode.max_pixels);
  ADWATCH_RETURN_IF_ERROR(m.Read("max_pixels", max_pixels));
  if (max_pixels < 1) return m.Error("max_pixels", "must be positive");
  c.decode.max_pixels = static_cast<uint64_t>(max_pixels);
  int max_side = static_cast<int>(c.decode.max_side);
  ADWATCH_RETURN_IF_ERROR(m.Read("max_side", max_side));
  if (max_side < 1) return m.Error("max_side", "must be positive");
  c.decode.max_side = static_cast<uint32_t>(max_side);
  ADWATCH_RETURN_IF_ERROR(m.Read("languages", c.ocr.languages));
  std::string tessdata;
  ADWATCH_RETURN_IF_ERROR(m.Read("tessdata_dir", tessdata));
  if (!tessdata.empty()) c.ocr.tessdata_dir = ResolvePath(base, tessdata);
  ADWATCH_RETURN_IF_ERROR(m.Read("time_budget_ms", c.ocr.time_budget_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_concurrent", c.ocr.max_concurrent));
  ADWATCH_RETURN_IF_ERROR(m.Read("upscale_below_px", c.ocr.upscale_below_px));
  ADWATCH_RETURN_IF_ERROR(m.Read("min_word_confidence", c.ocr.min_word_confidence));
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  if (Status s = ocr::Validate(c.decode); !s.ok())
    return Status::InvalidArgument(m.Where() + ": images", s.message());
  if (Status s = ocr::Validate(c.ocr); !s.ok())
    return Status::InvalidArgument(m.Where() + ": images", s.message());
  return Status::OK();
}

}  // namespace adwatch::app
