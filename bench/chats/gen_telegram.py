#!/usr/bin/env python3
"""Writes a synthetic Telegram Desktop export (a private group) of N messages to stdout.

Invented senders and numbers only (+62 812 5550 xxxx). One message in ten is a recruitment
offer, the rest chatter; every 7th uses the array form of "text", every 13th is a forward,
every 17th a reply, every 50th a service message. Deterministic for a given N.
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
offers = [
    "Dibutuhkan segera admin untuk perusahaan di Sihanoukville. Gaji 14 juta per bulan, tanpa "
    "pengalaman. Tiket dan makan ditanggung. Hubungi WA 0857 5550 {:04d}",
    "Open rekrut operator CS penempatan Kamboja, gaji 15jt bersih, berangkat gratis lewat Batam, "
    "paspor dibantu. Japri 0813 5550 {:04d}",
    "Kerja kebun sawit di Malaysia cukup KTP, tanpa paspor, lewat Entikong, biaya potong gaji. "
    "Info 0821 5550 {:04d}",
]
chatter = [
    "Selamat pagi semua, semoga sehat selalu dan rezekinya lancar.",
    "Terima kasih infonya kak, nanti saya tanya keluarga dulu ya.",
    "Ada yang tahu jadwal kapal ke Tanjungpinang minggu ini?",
    "Siap, ditunggu kabar selanjutnya.",
]
out = sys.stdout
out.write('{\n "name": "Grup Uji Beban",\n "type": "private_supergroup",\n "id": 1999000001,\n "messages": [\n')
t0 = 1704034800
for i in range(1, n + 1):
    t = t0 + i * 37
    sender = 5550000 + (i * 7919) % 400
    m = {"id": i, "type": "message", "date": "2024-01-01T00:00:00", "date_unixtime": str(t),
         "from": "Anggota %d" % sender, "from_id": "user%d" % sender}
    if i % 50 == 0:
        m = {"id": i, "type": "service", "date": "2024-01-01T00:00:00", "date_unixtime": str(t),
             "actor": "Anggota %d" % sender, "actor_id": "user%d" % sender,
             "action": "invite_members", "members": ["Anggota Baru"], "text": ""}
    else:
        text = offers[i % 3].format(i % 10000) if i % 10 == 0 else chatter[i % 4] + " (%d)" % i
        if i % 7 == 0:
            m["text"] = [{"type": "bold", "text": "INFO"}, " " + text,
                         {"type": "text_link", "text": " daftar", "href": "https://wa.me/6281255%06d" % (i % 1000000)}]
        else:
            m["text"] = text
        if i % 13 == 0:
            m["forwarded_from"] = "Kanal Info %d" % (i % 20)
        if i % 17 == 0:
            m["reply_to_message_id"] = i - 1
        m["text_entities"] = [{"type": "plain", "text": text}]
    out.write("  " + json.dumps(m, ensure_ascii=False) + (",\n" if i < n else "\n"))
out.write(" ]\n}\n")
