// The recruiter network as a small inline SVG: ads on an outer ring, the contacts they share on
// an inner ring, a line for each "ad carries contact". Server-generated elements only (no
// script, no style attribute), labels escaped, every shape with a <title> for screen readers.
#include <cmath>

#include "adwatch/common/escape.h"
#include "web_internal.h"

namespace adwatch::web::internal {

std::string NetworkSvg(const NetGraph& g, std::string_view title) {
  constexpr double kW = 420, kH = 320, kCx = kW / 2, kCy = kH / 2;
  std::vector<size_t> ads, contacts;
  for (size_t i = 0; i < g.nodes.size(); ++i) (g.nodes[i].is_ad ? ads : contacts).push_back(i);
  std::vector<std::pair<double, double>> at(g.nodes.size());
  auto ring = [&](const std::vector<size_t>& ids, double rx, double ry, double phase) {
    for (size_t k = 0; k < ids.size(); ++k) {
      const double a = phase + 2 * M_PI * static_cast<double>(k) / static_cast<double>(ids.size());
      at[ids[k]] = {kCx + rx * std::cos(a), kCy + ry * std::sin(a)};
    }
  };
  ring(ads, 170, 125, -M_PI / 2);
  if (contacts.size() == 1) {
    at[contacts[0]] = {kCx, kCy};
  } else {
    ring(contacts, 70, 50, -M_PI / 2 + 0.3);
  }
  auto num = [](double v) { return std::to_string(static_cast<int>(std::lround(v))); };
  std::string s =
      "<svg class=\"net\" role=\"img\" viewBox=\"0 0 420 320\" width=\"420\" "
      "height=\"320\" xmlns=\"http://www.w3.org/2000/svg\"><title>" +
      HtmlEscape(title) + "</title>";
  for (const auto& [a, b] : g.edges) {
    s += "<line x1=\"" + num(at[a].first) + "\" y1=\"" + num(at[a].second) + "\" x2=\"" +
         num(at[b].first) + "\" y2=\"" + num(at[b].second) +
         "\" stroke=\"#8c959f\" stroke-width=\"1.5\"/>";
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const NetNode& n = g.nodes[i];
    const auto [x, y] = at[i];
    s += "<g><title>" + HtmlEscape(n.label) + "</title>";
    if (n.is_ad) {
      s += "<rect x=\"" + num(x - 7) + "\" y=\"" + num(y - 7) +
           "\" width=\"14\" height=\"14\" rx=\"2\" fill=\"" + (n.self ? "#a40e26" : "#0b5cad") +
           "\"/>";
    } else {
      s += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"7\" fill=\"#8a4600\"/>";
    }
    s += "<text x=\"" + num(x) + "\" y=\"" + num(y + (n.is_ad ? 20 : -11)) +
         "\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1b1f24\">" +
         HtmlEscape(Collapse(n.label, 24)) + "</text></g>";
  }
  s += "</svg>";
  return s;
}

}  // namespace adwatch::web::internal
