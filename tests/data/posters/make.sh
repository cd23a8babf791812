#!/bin/sh
# Renders the poster fixtures of tests/ocr and bench/ocr: Indonesian (and English, Malay,
# Vietnamese) job offers with a phone number on coloured backgrounds, variants of one poster
# (resized, recompressed, re-bordered, rotated, noisy, low-resolution), an unrelated poster, and
# hostile files (a decompression bomb, a truncated PNG). Needs ImageMagick's convert, DejaVu fonts
# and python3 at generation time only: the outputs are committed. The phone numbers are made up.
# Usage: tests/data/posters/make.sh   (writes beside itself; *.txt hold each poster's true text)
set -eu
cd "$(dirname "$0")"
FONT=DejaVu-Sans-Bold

# render NAME BG INK: NAME.txt's lines onto a 900x500 background, one every 70 px. The text goes
# in as arguments (ImageMagick's policy refuses @file); none of it holds '%' or a leading '@'.
render() {
  name=$1 bg=$2 ink=$3
  set -- -size 900x500 "xc:$bg" -font "$FONT" -pointsize 38 -fill "$ink"
  y=20
  while IFS= read -r line; do
    y=$((y + 70))
    set -- "$@" -annotate "+40+$y" "$line"
  done < "$name.txt"
  convert "$@" -strip "PNG8:$name.png"
}

write() {  # write NAME BG INK, lines on stdin
  cat > "$1.txt"
  render "$1" "$2" "$3"
}

write lure_id '#ffcc00' black <<'T'
LOKER KAMBOJA - ADMIN ONLINE
Gaji 15 juta per bulan
Tiket dan visa ditanggung
Tanpa pengalaman, usia 18-35
Berangkat minggu depan
WA 0812-3456-7890
T
write unrelated_id '#3366cc' white <<'T'
PROMO NASI GORENG SPESIAL
Beli dua gratis satu
Buka setiap hari jam 10-22
Jalan Melati nomor 12
Pesan antar tersedia
T
write lure_en '#ff9966' black <<'T'
URGENT HIRING IN CAMBODIA
Salary 1500 USD per month
Free flight ticket and visa
No experience needed
Chat on WhatsApp now
+855 12 345 678
T
write lure_ms '#99ee99' black <<'T'
KERJA KILANG DI JOHOR
Gaji RM 3000 sebulan
Permit diuruskan oleh ejen
Tempat tinggal percuma
Hubungi WhatsApp segera
+60 12-345 6789
T
write lure_vi '#ffdddd' black <<'T'
TUYỂN GẤP NHÂN VIÊN
Lương 30 triệu mỗi tháng
Bao vé máy bay và visa
Không cần kinh nghiệm
Liên hệ Zalo ngay hôm nay
0912 345 678
T

# Variants of lure_id: what reposting does to a poster.
convert lure_id.png -resize 60% -quality 55 lure_id_small.jpg
convert lure_id.png -bordercolor '#222222' -border 40 -strip PNG8:lure_id_border.png
convert lure_id.png -quality 40 lure_id_recompressed.jpg
convert lure_id.png -background "#ffcc00" -rotate 3 -quality 70 lure_id_rotated.jpg
convert lure_id.png -attenuate 0.4 +noise Gaussian -quality 70 lure_id_noisy.jpg
convert lure_id.png -resize 400x -quality 80 lure_id_lowres.jpg
convert lure_id.png -quality 80 lure_id.webp
convert lure_id.png -colors 16 lure_id.gif

# Hostile files.
head -c $(($(wc -c < lure_id.png) / 2)) lure_id.png > truncated.png
python3 - <<'PY'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
# 30,000 x 30,000 pixels of 1-bit black: about 110 KB that would decode to 112 MB (1-bit) or
# 3.6 GB (as the 32-bit image OCR works on).
w = h = 30000
row = b"\x00" + b"\x00" * ((w + 7) // 8)
z = zlib.compressobj(9)
data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
png += chunk(b"IDAT", data) + chunk(b"IEND", b"")
open("bomb_30000.png", "wb").write(png)
PY
ls -l ./*.png ./*.jpg ./*.webp ./*.gif

# The demo site's image-only classified ads (examples/site/img; numbers 0812-5555-xxxx as the
# rest of the demo site).
cd ../../../examples/site/img
write() {  # write NAME BG INK, lines on stdin (no .txt is kept here)
  cat > "$1.txt"
  render "$1" "$2" "$3"
  rm -f "$1.txt"
}
write poster-kamboja '#ff3333' white <<'T'
DIBUTUHKAN ADMIN CS ONLINE
Penempatan Kamboja
Gaji 18 juta per bulan
Tiket, visa, mess ditanggung
Tanpa pengalaman, cukup bisa ngetik
WA 0812-5555-0177
T
write poster-malaysia '#33aa55' white <<'T'
KERJA KILANG MALAYSIA
Gaji RM 2500 per bulan
Cukup KTP, tanpa paspor
Berangkat lewat Batam
Potong gaji untuk biaya
WA 0812-5555-0188
T
write poster-warung '#ffffff' black <<'T'
WARUNG SARI RASA BANDUNG
Dicari juru masak
Pengalaman minimal 1 tahun
Gaji sesuai UMR, makan siang
Datang langsung ke warung
Telepon 022-555-0123
T
