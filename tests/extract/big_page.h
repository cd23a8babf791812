// A large, plausible job-listing page, generated instead of committed: MakeBigPage(5 << 20) is
// the 5 MB fixture of the extraction tests and benchmark. Deterministic.
#ifndef ADWATCH_TESTS_EXTRACT_BIG_PAGE_H_
#define ADWATCH_TESTS_EXTRACT_BIG_PAGE_H_

#include <cstddef>
#include <string>

namespace adwatch::testing {

inline std::string MakeBigPage(size_t target_bytes) {
  static const char* const kTitles[] = {"Admin Gudang", "Customer Service Online", "Operator Produksi",
                                        "Perawat Lansia", "Sopir Pribadi", "Pelayan Restoran",
                                        "Data Entry", "Marketing Freelance"};
  static const char* const kPlaces[] = {"Bekasi", "Batam", "Phnom Penh", "Kuala Lumpur",
                                        "Osaka", "Myawaddy", "Surabaya", "Vientiane"};
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
      "<title>Semua Lowongan - Arsip Besar</title>"
      "<meta name=\"description\" content=\"Arsip lowongan kerja.\">"
      "<style>.card{margin:4px}.card h2{font-size:1.2em}</style>"
      "<script>var tracking = {page: 'archive', items: 0};</script></head>\n"
      "<body><nav class=\"navbar\"><a href=\"/\">Beranda</a> <a href=\"/cari\">Cari</a></nav>\n"
      "<main><h1>Arsip lowongan</h1>\n";
  html.reserve(target_bytes + 4096);
  for (size_t i = 0; html.size() < target_bytes; ++i) {
    const char* title = kTitles[i % 8];
    const char* place = kPlaces[(i / 8) % 8];
    html += "<div class=\"card\" id=\"job-" + std::to_string(i) + "\"><a href=\"/lowongan/" + std::to_string(i) +
            "\"><h2>" + title + " &ndash; " + place + "</h2></a>\n<p>Dibutuhkan segera " + title +
            " untuk penempatan di " + place + ". Gaji Rp " + std::to_string(3 + i % 20) +
            ".500.000 per bulan, <b>mess</b> dan makan ditanggung. Hubungi 0812-3456-" +
            std::to_string(1000 + i % 9000) + ".</p>\n<ul><li>Usia 18&ndash;35</li><li>Pendidikan min. SMA</li></ul>"
            "<span class=\"date\">Diposting 2024-05-0" + std::to_string(1 + i % 9) + "</span></div>\n";
  }
  html += "</main><footer>Arsip &copy; 2024</footer></body></html>\n";
  return html;
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_EXTRACT_BIG_PAGE_H_
