#!/usr/bin/env python3
"""Writes N synthetic job ads as JSONL for `adwatch import` (bench/import/run.sh).

Usage: gen_ads.py N [SEED] > ads.jsonl

Each line is {"id", "text", "title", "url", "source", "lang"}: an Indonesian job ad built from
templates and word lists, about one in five carrying trafficking markers (destinations, paid
travel, WhatsApp recruiters), every text distinct (a random number and contact) so none is a
repost of another. Deterministic for a seed; nothing is committed but this script.
"""
import json
import random
import sys

JOBS = ["staf gudang", "admin toko", "operator produksi", "customer service", "kasir", "sopir",
        "pelayan restoran", "tukang las", "perawat lansia", "asisten rumah tangga", "barista",
        "marketing online", "teknisi AC", "satpam", "cleaning service", "juru masak"]
CITIES = ["Bekasi", "Batam", "Surabaya", "Medan", "Makassar", "Semarang", "Malang", "Bandung",
          "Pontianak", "Denpasar", "Palembang", "Kupang"]
ABROAD = ["Kamboja", "Myanmar", "Laos", "Thailand", "Malaysia", "Dubai", "Arab Saudi", "Taiwan"]
PLAIN = [
    "Dibutuhkan {job} di {city}. Syarat: pria/wanita usia 20-35 tahun, pendidikan minimal SMA, "
    "jujur dan disiplin. Gaji UMR {city}, BPJS, lembur dibayar. Lamaran dikirim ke HRD {co}, "
    "Jl. {street} No. {n}. Kode lowongan {ref}.",
    "Lowongan {job} untuk cabang {city}. Pengalaman 1 tahun diutamakan, bersedia kerja shift. "
    "Kirim CV ke rekrutmen@{dom}.co.id sebelum akhir bulan. Ref {ref}.",
    "{co} membuka kesempatan kerja sebagai {job} di {city}. Kontrak 12 bulan dapat diperpanjang, "
    "tunjangan transport dan makan. Wawancara di kantor kami, Jl. {street} {n}. No. {ref}.",
]
FLAGGED = [
    "Loker {job} di {abroad}! Gaji 15-25 juta per bulan, tiket pesawat dan visa ditanggung "
    "perusahaan, tidak perlu pengalaman, cukup KTP. Berangkat minggu depan dari {city}. "
    "Hubungi WA 0812{phone} (Bu {name}). Kuota terbatas, kode {ref}.",
    "Dicari {job} untuk kerja online di {abroad}, usia 18-30, bisa mengetik, gaji dolar. Paspor "
    "diurus agen, potong gaji untuk biaya keberangkatan. Chat Telegram @{handle}{n} sekarang. "
    "Ref {ref}.",
]
NAMES = ["Sari", "Dewi", "Rina", "Ani", "Lestari", "Wati", "Yanti"]
STREETS = ["Sudirman", "Diponegoro", "Ahmad Yani", "Gatot Subroto", "Pemuda", "Merdeka"]
COS = ["PT Sinar Jaya", "CV Maju Bersama", "PT Karya Mandiri", "PT Sumber Rejeki", "Toko Berkah"]


def main():
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
    out = sys.stdout
    for i in range(n):
        job, city = rnd.choice(JOBS), rnd.choice(CITIES)
        flagged = rnd.random() < 0.2
        tmpl = rnd.choice(FLAGGED if flagged else PLAIN)
        text = tmpl.format(job=job, city=city, abroad=rnd.choice(ABROAD), co=rnd.choice(COS),
                           street=rnd.choice(STREETS), n=rnd.randint(1, 999),
                           ref="%d-%06d" % (i, rnd.randint(0, 999999)),
                           phone="%08d" % rnd.randint(0, 99999999), name=rnd.choice(NAMES),
                           handle="rekrut", dom="kerja%d" % rnd.randint(1, 500))
        ad = {"id": "bench-%d" % i, "title": "Lowongan %s %s" % (job, city), "text": text,
              "url": "https://jobs.example/ad/%d" % i, "source": "bench-import", "lang": "id"}
        out.write(json.dumps(ad, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
