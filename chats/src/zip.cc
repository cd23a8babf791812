// A WhatsApp export zip read from memory with minizip (Debian's libminizip-dev), through its
// file-function table so that nothing is written to disk. Sizes are counted while inflating:
// a zip's headers are the attacker's word.
#include <unzip.h>

#include <cstring>
#include <memory>

#include "adwatch/chats/chats.h"
#include "text.h"

namespace adwatch::chats {
namespace {

struct MemFile {
  std::string_view data;
  uint64_t pos = 0;
};

voidpf ZCALLBACK MemOpen(voidpf opaque, const void*, int mode) {
  if ((mode & ZLIB_FILEFUNC_MODE_WRITE) != 0) return nullptr;
  return opaque;
}
uLong ZCALLBACK MemRead(voidpf, voidpf stream, void* buf, uLong size) {
  auto* f = static_cast<MemFile*>(stream);
  if (f->pos >= f->data.size()) return 0;
  const uLong n = static_cast<uLong>(std::min<uint64_t>(size, f->data.size() - f->pos));
  std::memcpy(buf, f->data.data() + f->pos, n);
  f->pos += n;
  return n;
}
uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK MemTell(voidpf, voidpf stream) { return static_cast<MemFile*>(stream)->pos; }
long ZCALLBACK MemSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* f = static_cast<MemFile*>(stream);
  uint64_t base = 0;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      base = 0;
      break;
    case ZLIB_FILEFUNC_SEEK_CUR:
      base = f->pos;
      break;
    case ZLIB_FILEFUNC_SEEK_END:
      base = f->data.size();
      break;
    default:
      return -1;
  }
  if (offset > f->data.size() || base + offset > f->data.size()) return -1;
  f->pos = base + offset;
  return 0;
}
int ZCALLBACK MemClose(voidpf, voidpf) { return 0; }
int ZCALLBACK MemError(voidpf, voidpf) { return 0; }

Status ZipError(const std::string& detail) {
  return Status::InvalidArgument("WhatsApp zip", detail);
}

bool EndsWithTxt(const std::string& name) {
  return name.size() > 4 && (name.compare(name.size() - 4, 4, ".txt") == 0 ||
                             name.compare(name.size() - 4, 4, ".TXT") == 0);
}

}  // namespace

Result<WhatsAppZip> ReadWhatsAppZip(std::string_view zip_bytes, const ZipLimits& limits) {
  MemFile file{zip_bytes, 0};
  zlib_filefunc64_def io{MemOpen, MemRead, MemWrite, MemTell, MemSeek, MemClose, MemError, &file};
  std::unique_ptr<void, int (*)(unzFile)> zip(unzOpen2_64("export.zip", &io), unzClose);
  if (!zip) return ZipError("not a zip file");
  unz_global_info64 info;
  if (unzGetGlobalInfo64(zip.get(), &info) != UNZ_OK) return ZipError("a damaged zip directory");
  if (info.number_entry > limits.max_entries) {
    return ZipError("more than " + std::to_string(limits.max_entries) + " entries");
  }
  WhatsAppZip out;
  size_t total = 0;
  bool have_txt = false;
  int rc = unzGoToFirstFile(zip.get());
  while (rc == UNZ_OK) {
    unz_file_info64 fi;
    char name_buf[1024];
    if (unzGetCurrentFileInfo64(zip.get(), &fi, name_buf, sizeof name_buf, nullptr, 0, nullptr,
                                0) != UNZ_OK) {
      return ZipError("a damaged entry header");
    }
    std::string name(name_buf, strnlen(name_buf, sizeof name_buf));
    const bool is_dir = !name.empty() && name.back() == '/';
    if (!is_dir) {
      if (!IsSafeRelativePath(name) || !IsUtf8(name)) {
        return ZipError("an entry name that leaves the folder: \"" + name + "\"");
      }
      if (unzOpenCurrentFile(zip.get()) != UNZ_OK) {
        return ZipError("entry \"" + name + "\" cannot be opened (encrypted or damaged)");
      }
      std::string bytes;
      char buf[1 << 16];
      for (;;) {
        const int n = unzReadCurrentFile(zip.get(), buf, sizeof buf);
        if (n < 0) {
          unzCloseCurrentFile(zip.get());
          return ZipError("entry \"" + name + "\" is damaged");
        }
        if (n == 0) break;
        bytes.append(buf, static_cast<size_t>(n));
        total += static_cast<size_t>(n);
        if (bytes.size() > limits.max_entry_bytes || total > limits.max_total_bytes) {
          unzCloseCurrentFile(zip.get());
          return ZipError("entry \"" + name + "\" inflates past the size limit");
        }
      }
      if (unzCloseCurrentFile(zip.get()) != UNZ_OK) {
        return ZipError("entry \"" + name + "\" fails its CRC check");
      }
      const std::string base =
          name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
      if (EndsWithTxt(name)) {
        if (have_txt) return ZipError("more than one .txt in the zip");
        have_txt = true;
        out.txt_name = base;
        out.txt = std::move(bytes);
      } else {
        out.media[base] = std::move(bytes);
      }
    }
    rc = unzGoToNextFile(zip.get());
  }
  if (rc != UNZ_END_OF_LIST_OF_FILE) return ZipError("a damaged zip directory");
  if (!have_txt) return ZipError("no .txt chat in the zip");
  return out;
}

}  // namespace adwatch::chats
