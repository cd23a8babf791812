// Every word the pages show, in Indonesian (the default) and English: one table.
#include <string_view>
#include <unordered_map>

#include "web_internal.h"

namespace adwatch::web::internal {
namespace {

struct Entry {
  std::string_view key, id, en;
};

constexpr Entry kTable[] = {
    // Shell and errors
    {"skip", "Langsung ke isi", "Skip to content"},
    {"nav", "Halaman", "Pages"},
    {"nav_queue", "Antrean tinjauan", "Review queue"},
    {"nav_ads", "Iklan wilayah kami", "Our regions' ads"},
    {"nav_check", "Periksa tawaran", "Check an offer"},
    {"nav_digests", "Ringkasan harian", "Daily digests"},
    {"logout", "Keluar", "Sign out"},
    {"footer", "pemantauan iklan lowongan berisiko TPPO", "watching job ads for trafficking risk"},
    {"go_home", "Ke halaman awal", "Go to the start page"},
    {"error", "Terjadi kesalahan", "Something went wrong"},
    {"error_internal", "Layanan gagal menjawab; operator sudah mendapat rinciannya.",
     "The service failed to answer; the operators have the details."},
    {"error_store", "Basis data tidak dapat dibaca sekarang. Coba lagi sebentar lagi.",
     "The database cannot be read right now. Try again shortly."},
    {"error_form", "Formulir tidak dapat dibaca.", "The form could not be read."},
    {"error_query", "Alamat halaman tidak valid.", "The page address is not valid."},
    {"error_method", "Cara permintaan ini tidak didukung di sini.",
     "This kind of request is not supported here."},
    {"error_csrf",
     "Formulir ini kedaluwarsa atau tidak berasal dari halaman ini. Muat ulang halaman lalu coba "
     "lagi.",
     "This form has expired or did not come from this page. Reload the page and try again."},
    {"error_signin", "Silakan masuk terlebih dahulu.", "Please sign in first."},
    {"not_found", "Tidak ditemukan", "Not found"},
    {"not_found_text", "Halaman ini tidak ada.", "This page does not exist."},
    {"forbidden", "Tidak diizinkan", "Not allowed"},
    {"forbidden_text", "Token Anda tidak membuka halaman ini.",
     "Your token does not open this page."},
    // Sign-in
    {"login_title", "Masuk", "Sign in"},
    {"login_help",
     "Tempelkan token adwatch Anda (diawali adw_) sekali. Anda tetap masuk sampai keluar atau "
     "sesi berakhir.",
     "Paste your adwatch token (it starts with adw_) once. You stay signed in until you sign out "
     "or the session ends."},
    {"login_token", "Token", "Token"},
    {"login_submit", "Masuk", "Sign in"},
    {"login_bad", "Token tidak dikenal, sudah dicabut atau kedaluwarsa.",
     "The token is unknown, revoked or expired."},
    {"login_expired", "Formulir masuk kedaluwarsa. Coba lagi.",
     "The sign-in form expired. Try again."},
    {"login_too_many", "Terlalu banyak percobaan masuk. Tunggu sebentar.",
     "Too many sign-in attempts. Wait a moment."},
    // Queue
    {"queue_title", "Antrean tinjauan", "Review queue"},
    {"ads_title", "Iklan di wilayah kami", "Ads in our regions"},
    {"filters", "Saring", "Filters"},
    {"f_since", "Dari tanggal", "From"},
    {"f_until", "Sampai tanggal", "Until"},
    {"f_level", "Tingkat risiko", "Risk level"},
    {"f_label", "Label", "Label"},
    {"f_pattern", "Pola", "Pattern"},
    {"f_region", "Wilayah", "Region"},
    {"f_source", "Sumber", "Source"},
    {"any", "Semua", "Any"},
    {"all_my_regions", "Semua wilayah kami", "All our regions"},
    {"apply", "Terapkan", "Apply"},
    {"reset", "Hapus saringan", "Clear filters"},
    {"queue_keys", "Tombol: j/k turun/naik, Enter buka, / saringan.",
     "Keys: j/k down/up, Enter opens, / filters."},
    {"count_in_range", "Iklan dalam rentang", "Ads in range"},
    {"showing", "menampilkan", "showing"},
    {"queue_empty", "Tidak ada iklan yang cocok dengan saringan ini.",
     "No ad matches these filters."},
    {"col_score", "Skor", "Score"},
    {"col_ad", "Iklan", "Ad"},
    {"col_regions", "Wilayah", "Regions"},
    {"col_day", "Tanggal", "Day"},
    {"col_label", "Label", "Label"},
    {"col_when", "Waktu (UTC)", "When (UTC)"},
    {"col_who", "Oleh", "By"},
    {"col_what", "Yang diperiksa", "What was checked"},
    {"col_status", "Status", "Status"},
    {"reposts", "Unggahan ulang", "Reposts"},
    {"previous", "Sebelumnya", "Previous"},
    {"next", "Berikutnya", "Next"},
    {"not_reviewed", "Belum ditinjau", "Not yet reviewed"},
    {"level_none", "TIDAK ADA", "NONE"},
    {"level_low", "RENDAH", "LOW"},
    {"level_medium", "SEDANG", "MEDIUM"},
    {"level_high", "TINGGI", "HIGH"},
    {"label_confirmed", "Terkonfirmasi", "Confirmed"},
    {"label_legit", "Sah", "Legitimate"},
    {"label_news", "Berita", "News"},
    {"label_unsure", "Ragu", "Unsure"},
    {"label_released", "Dilepas", "Released"},
    {"kind_other", "bukan iklan lowongan", "not a job ad"},
    {"kind_recruitment_ad", "iklan lowongan", "job ad"},
    {"kind_news", "berita atau peringatan", "news or warning"},
    {"kind_distress", "permintaan tolong", "call for help"},
    {"kind_gambling_promo", "promosi judi", "gambling promotion"},
    // One ad
    {"queue_nav", "Navigasi antrean", "Queue navigation"},
    {"back_to_queue", "Kembali ke antrean", "Back to the queue"},
    {"ad_not_found", "Iklan ini tidak ada atau tidak terlihat oleh token Anda.",
     "This ad does not exist or is not visible to your token."},
    {"deconf", "Koordinasi:", "Deconfliction:"},
    {"ad_text", "Teks iklan", "Ad text"},
    {"reasons", "Alasan", "Reasons"},
    {"negated", "dalam konteks peringatan", "in a warning context"},
    {"combination", "gabungan tanda di atas", "a combination of the signs above"},
    {"no_reasons", "Tidak ada aturan yang cocok.", "No rule matched."},
    {"label_it", "Beri label", "Label this ad"},
    {"note", "Catatan", "Note"},
    {"audit_trail", "Riwayat label", "Label history"},
    {"facts", "Rincian", "Details"},
    {"ruleset", "Versi aturan", "Ruleset version"},
    {"source", "Sumber", "Source"},
    {"url", "Alamat", "URL"},
    {"first_seen", "Pertama terlihat (UTC)", "First seen (UTC)"},
    {"last_seen", "Terakhir terlihat (UTC)", "Last seen (UTC)"},
    {"ad_id", "ID iklan", "Ad id"},
    {"contacts", "Kontak", "Contacts"},
    {"contact", "Kontak", "Contact"},
    {"phone", "Telepon", "Phone"},
    {"whatsapp", "WhatsApp", "WhatsApp"},
    {"telegram", "Telegram", "Telegram"},
    {"line", "LINE", "LINE"},
    {"email", "E-mail", "E-mail"},
    {"wechat", "WeChat", "WeChat"},
    {"other_ads", "iklan lain", "other ads"},
    {"no_contacts", "Tidak ada kontak ditemukan.", "No contact found."},
    {"add_note", "Tambah catatan koordinasi", "Add a deconfliction note"},
    {"note_help",
     "Catatan untuk semua pengguna polisi (mis. \"Polda NTT menangani nomor ini, hubungi …\")",
     "A note every police user sees (e.g. \"Polda NTT is working on this number, contact …\")"},
    {"save_note", "Simpan catatan", "Save note"},
    {"note_bad", "Catatan kosong atau kontak tidak valid.",
     "The note is empty or the contact is not valid."},
    {"ads_with_contact", "Iklan dengan kontak ini", "Ads with this contact"},
    {"network", "Jaringan perekrut", "Recruiter network"},
    {"network_none", "Tidak ada iklan lain yang berbagi kontak atau teks.",
     "No other ad shares a contact or the text."},
    {"network_ads", "Iklan dalam jaringan", "Ads in the network"},
    {"evidence", "Halaman saat diambil", "The page as fetched"},
    {"fetched_at", "Diambil (UTC)", "Fetched (UTC)"},
    {"bytes", "Ukuran (byte)", "Size (bytes)"},
    {"raw_title", "Halaman asli, dalam bingkai terisolasi",
     "The original page, in an isolated frame"},
    {"download_raw", "Unduh halaman asli", "Download the original page"},
    {"download_evidence", "Unduh paket bukti (.tar)", "Download the evidence bundle (.tar)"},
    {"body_dropped", "Isi halaman dihapus oleh aturan retensi pada",
     "The page body was dropped by retention on"},
    {"no_page", "Iklan ini tidak berasal dari halaman yang diambil (impor atau teks).",
     "This ad did not come from a fetched page (import or text)."},
    {"evidence_corrupt", "Halaman tersimpan tidak lagi cocok dengan SHA-256-nya.",
     "The stored page no longer matches its SHA-256."},
    {"history", "Riwayat penilaian", "Verdict history"},
    {"cause", "Sebab", "Cause"},
    // Check
    {"check_title", "Periksa tawaran kerja", "Check a job offer"},
    {"check_help",
     "Tempel tautan tawaran, atau salin teksnya bila tidak ada tautan. Hasilnya dapat dicetak "
     "dan ditunjukkan kepada keluarga.",
     "Paste the offer's link, or its text when there is no link. The result can be printed and "
     "shown to the family."},
    {"check_url", "Tautan", "Link"},
    {"check_text", "Teks tawaran", "Text of the offer"},
    {"check_submit", "Periksa", "Check"},
    {"check_one", "Isi tautan atau teks, tidak keduanya.", "Give a link or a text, not both."},
    {"check_none", "Isi tautan atau teks tawaran.", "Give the offer's link or its text."},
    {"past_checks", "Pemeriksaan organisasi kami", "Our organisation's checks"},
    {"no_past_checks", "Belum ada pemeriksaan.", "No checks yet."},
    {"status_queued", "menunggu", "waiting"},
    {"status_fetching", "sedang diperiksa", "being checked"},
    {"status_done", "selesai", "done"},
    {"status_failed", "gagal", "failed"},
    {"check_result", "Hasil pemeriksaan", "Check result"},
    {"check_not_found", "Pemeriksaan ini tidak ada.", "This check does not exist."},
    {"check_pending", "Sedang diperiksa… halaman ini akan diperbarui sendiri.",
     "Checking… this page updates itself."},
    {"check_failed", "Pemeriksaan gagal:", "The check failed:"},
    {"risk", "Risiko", "Risk"},
    {"shared_before", "Kontak di tawaran ini muncul di", "The contacts of this offer appear in"},
    {"shared_after", "iklan lain yang ditandai berisiko.", "other ads flagged as risky."},
    {"check_disclaimer",
     "Hasil ini dibuat otomatis dari tanda-tanda yang dikenal dan bukan jaminan. Bila ragu, "
     "hubungi BP2MI atau Disnaker setempat.",
     "This result is made automatically from known signs and is not a guarantee. When in doubt, "
     "contact BP2MI or the local manpower office."},
    {"check_another", "Periksa tawaran lain", "Check another offer"},
    // Digests
    {"digests_title", "Ringkasan harian", "Daily digests"},
    {"digests_ads", "Lihat iklan di wilayah kami", "See the ads in our regions"},
    {"digests_none", "Belum ada ringkasan untuk wilayah Anda.", "No digest for your regions yet."},
    {"digest", "Ringkasan", "Digest"},
    {"files", "Berkas", "Files"},
    {"open", "Buka", "Open"},
    {"open_alone", "Buka tanpa bingkai", "Open on its own"},
};

const std::unordered_map<std::string_view, const Entry*>& Index() {
  static const auto* kIndex = [] {
    auto* m = new std::unordered_map<std::string_view, const Entry*>();
    for (const Entry& e : kTable) m->emplace(e.key, &e);
    return m;
  }();
  return *kIndex;
}

}  // namespace

std::string_view Text(Lang lang, std::string_view key) {
  auto it = Index().find(key);
  if (it == Index().end()) return key;
  return lang == Lang::kEn ? it->second->en : it->second->id;
}

bool HasText(std::string_view key) { return Index().count(key) > 0; }

}  // namespace adwatch::web::internal
