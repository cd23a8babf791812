// adwatch watch add | list | remove, and adwatch alerts list: an organisation's watch list and the
// alerts it raised (docs/watch.md). Like tokens, they go through the running service's admin
// socket when `adwatch serve` holds the database, so an entry added while it runs matches the
// next ad it stores; else the database is opened here.
#include <algorithm>
#include <cstdio>
#include <set>

#include "admin.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "adwatch/watch/entry.h"
#include "adwatch/watch/store_outbox.h"
#include "cli.h"
#include "crawl_config.h"

namespace adwatch::app {
namespace {

// The organisation of entries added from the command line without --org.
constexpr const char* kDefaultOrg = "local";

void Audit(WriteContext& w, const std::string& org, const std::string& action,
           const std::string& object, const std::string& outcome, const std::string& detail) {
  AuditEvent e;
  e.actor = w.user;
  e.org = org;
  e.action = action;
  e.object = object;
  e.outcome = outcome;
  e.detail = detail;
  // An audit entry that cannot be written does not undo the change it records; the store
  // reports a failing disk on the next write anyway.
  (void)w.store.AppendAudit(e);
}

int WatchAdd(WriteContext& w, const nlohmann::json& args) {
  auto kind = ParseWatchKind(args.value("kind", ""));
  if (!kind) {
    w.out.Err("adwatch watch add: KIND is phone, whatsapp, telegram, email, domain or keyword");
    return kExitUsage;
  }
  watch::EntrySpec spec;
  spec.org = args.value("org", kDefaultOrg);
  spec.kind = *kind;
  spec.typed = args.value("value", "");
  spec.note = args.value("note", "");
  spec.created_by = w.user;
  const std::string expires = args.value("expires", "");
  if (!expires.empty() && expires != "never") {
    auto ttl = ParseDurationMs(expires);
    if (!ttl || *ttl <= 0) {
      w.out.Err("adwatch watch add: --expires is like 180d, 12h or never");
      return kExitUsage;
    }
    spec.ttl_ms = *ttl;
  }
  SystemClock clock;
  auto entry = watch::NewEntry(spec, clock.NowMs());
  if (!entry) {
    w.out.Err("adwatch watch add: " + entry.error().message());
    return kExitUsage;
  }
  if (Status s = w.store.PutWatchEntry(*entry); !s.ok()) {
    w.out.Err("adwatch watch add: " + s.message());
    return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  Audit(w, entry->org, "watch.add", entry->id, "ok",
        std::string(Name(entry->kind)) + " " + entry->value);
  w.out.Out(entry->id + "  " + std::string(Name(entry->kind)) + "  " + entry->value);
  w.out.Err("watching " + entry->value + " for " + entry->org +
            (entry->expires_ms ? " until " + FormatUtc(entry->expires_ms) : std::string()) +
            "; ads stored from now on that carry it raise an alert");
  return kExitOk;
}

int WatchList(WriteContext& w, const nlohmann::json& args) {
  const std::string org = args.value("org", "");
  auto entries = w.store.ListWatchEntries(org);
  if (!entries) {
    w.out.Err("adwatch watch list: " + entries.error().message());
    return entries.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  SystemClock clock;
  const int64_t now = clock.NowMs();
  w.out.Out(Sprintf("%-12s  %-16s  %-8s  %-8s  %-20s  %-28s  %s", "ID", "ORG", "KIND", "STATE",
                    "EXPIRES", "VALUE", "NOTE"));
  for (const WatchEntry& e : *entries) {
    w.out.Out(Sprintf(
        "%-12s  %-16s  %-8s  %-8s  %-20s  %-28s  %s", e.id.c_str(), e.org.c_str(),
        std::string(Name(e.kind)).c_str(), watch::Expired(e, now) ? "expired" : "active",
        e.expires_ms ? FormatUtc(e.expires_ms).c_str() : "never", e.value.c_str(), e.note.c_str()));
  }
  if (entries->empty()) w.out.Err("no watch entries: adwatch watch add KIND VALUE --note TEXT");
  return kExitOk;
}

int WatchRemove(WriteContext& w, const nlohmann::json& args) {
  const std::string id = args.value("id", "");
  std::string org = args.value("org", "");
  if (org.empty()) {
    // The operator of the machine may remove any organisation's entry by its id.
    auto all = w.store.ListWatchEntries("");
    if (!all) {
      w.out.Err("adwatch watch remove: " + all.error().message());
      return kExitFailure;
    }
    for (const auto& e : *all) {
      if (e.id == id) org = e.org;
    }
  }
  Status s = org.empty() ? Status::NotFound("watch entry") : w.store.DeleteWatchEntry(org, id);
  Audit(w, org, "watch.remove", id, s.ok() ? "ok" : s.IsNotFound() ? "not_found" : "error", "");
  if (!s.ok()) {
    w.out.Err("adwatch watch remove: " +
              (s.IsNotFound() ? "no watch entry with id '" + id + "' (adwatch watch list)"
                              : s.message()));
    return s.IsNotFound() ? kExitUsage : kExitFailure;
  }
  w.out.Out("watch entry " + id + " removed; alerts it raised stay");
  return kExitOk;
}

int AlertsList(WriteContext& w, const nlohmann::json& args) {
  SystemClock clock;
  auto since = ParseDurationMs(args.value("since", "7d"));
  if (!since || *since <= 0) {
    w.out.Err("adwatch alerts list: --since is like 7d, 12h or 30m");
    return kExitUsage;
  }
  std::vector<std::string> orgs;
  if (std::string org = args.value("org", ""); !org.empty()) {
    orgs.push_back(org);
  } else {
    // Every organisation that has entries, plus those burst rules name.
    std::set<std::string> all;
    auto entries = w.store.ListWatchEntries("");
    if (entries) {
      for (const auto& e : *entries) all.insert(e.org);
    }
    if (const Config* config = w.app.config()) {
      for (const auto& r : config->watch.bursts) all.insert(r.orgs.begin(), r.orgs.end());
    }
    orgs.assign(all.begin(), all.end());
  }
  std::vector<watch::Alert> alerts;
  for (const auto& org : orgs) {
    auto rows = w.store.ListAlerts(org, clock.NowMs() - *since, 0);
    if (!rows) {
      w.out.Err("adwatch alerts list: " + rows.error().message());
      return rows.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
    }
    for (const auto& row : *rows) {
      auto a = watch::FromRow(row);
      if (!a) {
        w.out.Err("adwatch alerts list: " + a.error().message());
        return kExitFailure;
      }
      alerts.push_back(std::move(*a));
    }
  }
  std::sort(alerts.begin(), alerts.end(),
            [](const watch::Alert& a, const watch::Alert& b) { return a.id > b.id; });
  for (const auto& a : alerts) {
    std::string why = a.note.empty() ? std::string(watch::AlertCauseName(a.cause)) : a.note;
    w.out.Out(FormatUtc(a.created_ms) + "  " + a.org + "  " + a.matched + "  \"" + why + "\"  " +
              a.ad_id + "  " + a.level + "  " + (a.ad_url.empty() ? "(pasted text)" : a.ad_url));
  }
  if (alerts.empty()) w.out.Err("no alerts in that time");
  return kExitOk;
}

struct WatchArgs {
  std::string db;
  std::string kind, value, note, org, expires, id, since = "7d";
};

}  // namespace

void AddWatchCommands(CLI::App& app, AppContext& ctx) {
  WritingCommands()["watch.add"] = WatchAdd;
  WritingCommands()["watch.list"] = WatchList;
  WritingCommands()["watch.remove"] = WatchRemove;
  WritingCommands()["alerts.list"] = AlertsList;
  auto args = std::make_shared<WatchArgs>();
  CLI::App* watch = app.add_subcommand(
      "watch",
      "Watch list: contacts, domains and keywords whose every new ad raises an alert (works "
      "while the service runs).");
  watch->require_subcommand(1);

  CLI::App* add = watch->add_subcommand(
      "add",
      "Watch a value; prints the entry's id and the form it is matched in.\n"
      "  phone     any written form: 0812-3456-7890, +62 812 3456 7890 (stored as E.164)\n"
      "  whatsapp  wa.me/62812… or api.whatsapp.com/send?phone=… (matched as its number)\n"
      "  telegram  @name or t.me/name\n"
      "  email     name@example.com\n"
      "  domain    kerja-luar.id or a URL on it (subdomains match too)\n"
      "  keyword   an RE2 pattern, matched case-insensitively in the ad's normalised text");
  add->add_option("kind", args->kind, "phone, whatsapp, telegram, email, domain or keyword")
      ->required()
      ->check(CLI::IsMember({"phone", "whatsapp", "telegram", "email", "domain", "keyword"}));
  add->add_option("value", args->value, "What to watch, as you have it")->required();
  add->add_option("--note", args->note, "Why it is watched (the case); alerts quote it");
  add->add_option("--org", args->org, "Organisation it belongs to (default: local)");
  add->add_option("--expires", args->expires, "Stop matching after 180d, 12h, ... (default never)");
  AddDbOption(*add, args->db);
  add->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      nlohmann::json j = {{"kind", args->kind},
                          {"value", args->value},
                          {"note", args->note},
                          {"expires", args->expires}};
      if (!args->org.empty()) j["org"] = args->org;
      return RunWriting(ctx, args->db, "watch add", "watch.add", j);
    };
  });

  CLI::App* list = watch->add_subcommand("list", "List watch entries, expired ones marked.");
  list->add_option("--org", args->org, "Only this organisation's entries");
  AddDbOption(*list, args->db);
  list->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "watch list", "watch.list", {{"org", args->org}});
    };
  });

  CLI::App* remove = watch->add_subcommand("remove", "Stop watching; alerts already raised stay.");
  remove->add_option("id", args->id, "Entry id (adwatch watch list)")->required();
  remove->add_option("--org", args->org, "The entry's organisation (default: whichever has it)");
  AddDbOption(*remove, args->db);
  remove->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "watch remove", "watch.remove",
                        {{"id", args->id}, {"org", args->org}});
    };
  });

  CLI::App* alerts = app.add_subcommand("alerts", "Alerts raised by watch entries and bursts.");
  alerts->require_subcommand(1);
  CLI::App* alist = alerts->add_subcommand(
      "list",
      "One line per alert, newest first: time (UTC), org, matched value, note, ad id, level, "
      "URL.");
  alist->add_option("--since", args->since, "How far back: 7d (default), 12h, 30m");
  alist->add_option("--org", args->org, "Only this organisation's alerts");
  AddDbOption(*alist, args->db);
  alist->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "alerts list", "alerts.list",
                        {{"since", args->since}, {"org", args->org}});
    };
  });
}

}  // namespace adwatch::app
