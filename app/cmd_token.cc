// adwatch token create | list | revoke: who may use the API. Tokens are written through the
// running service when `adwatch serve` holds the database (its admin socket), else directly;
// either way the token text is printed once and only its SHA-256 is stored.
#include <cstdio>

#include "admin.h"
#include "adwatch/api/tokens.h"
#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

// "90d", "12h", "30m", "never" → milliseconds (0 for never). nullopt when it does not parse.
std::optional<int64_t> ParseTtl(const std::string& s) {
  if (s == "never") return 0;
  if (s.size() < 2 || s.size() > 8) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    n = n * 10 + (s[i] - '0');
  }
  if (n <= 0) return std::nullopt;
  switch (s.back()) {
    case 'd':
      return n * 86'400'000;
    case 'h':
      return n * 3'600'000;
    case 'm':
      return n * 60'000;
    default:
      return std::nullopt;
  }
}

int TokenCreate(WriteContext& w, const nlohmann::json& args) {
  api::TokenSpec spec;
  spec.org = args.value("org", "");
  auto role = ParseRole(args.value("role", ""));
  if (!role) {
    w.out.Err("adwatch token create: --role is ngo, police or taskforce");
    return kExitUsage;
  }
  spec.role = *role;
  spec.label = args.value("label", "");
  if (spec.label.empty()) spec.label = spec.org;
  spec.regions = args.value("regions", std::vector<std::string>{});
  auto ttl = ParseTtl(args.value("expires", "365d"));
  if (!ttl) {
    w.out.Err("adwatch token create: --expires is like 90d, 12h or never");
    return kExitUsage;
  }
  spec.ttl_ms = *ttl;
  if (Status v = api::Validate(spec); !v.ok()) {
    w.out.Err("adwatch token create: " + v.message());
    return kExitUsage;
  }
  // Region ids must be the gazetteer's, or the task force would silently read nothing.
  if (!spec.regions.empty()) {
    const Config* config = w.app.config();
    if (!config) return kExitFailure;
    auto rules = classifier::RuleSet::Load(config->rules);
    if (!rules) {
      w.out.Err("adwatch token create: " + rules.error().ToString());
      return kExitFailure;
    }
    for (const std::string& r : spec.regions) {
      const auto* place = (*rules)->gazetteer().Find(r);
      if (place == nullptr || place->country != "ID" ||
          (place->kind != PlaceKind::kProvince && place->kind != PlaceKind::kRegency)) {
        w.out.Err("adwatch token create: '" + r +
                  "' is not an Indonesian province or regency id of the gazetteer (e.g. "
                  "id.kepri, id.ntt.kupang)");
        return kExitUsage;
      }
    }
  }
  SystemClock clock;
  auto made = api::CreateToken(w.store, spec, clock);
  if (!made) {
    w.out.Err("adwatch token create: " + made.error().ToString());
    return kExitFailure;
  }
  AuditEvent e;
  e.at_ms = clock.NowMs();
  e.actor = w.user;
  e.org = spec.org;
  e.action = "token.create";
  e.object = made->token.id;
  e.outcome = "ok";
  e.detail = std::string(Name(spec.role)) + ", " + spec.label;
  (void)w.store.AppendAudit(e);
  const ApiToken& t = made->token;
  w.out.Out(made->text);
  w.out.Err("token " + t.id + " for " + t.org + " (" + std::string(Name(t.role)) + ", \"" +
            t.label + "\"), " +
            (t.expires_ms ? "expires " + FormatUtc(t.expires_ms) : std::string("never expires")));
  w.out.Err("Store it now: it is shown only once (adwatch keeps only its SHA-256).");
  return kExitOk;
}

int TokenList(WriteContext& w, const nlohmann::json& args) {
  auto tokens = w.store.ListTokens();
  if (!tokens) {
    w.out.Err("adwatch token list: " + tokens.error().ToString());
    return kExitFailure;
  }
  SystemClock clock;
  const int64_t now = clock.NowMs();
  if (args.value("json", false)) {
    for (const ApiToken& t : *tokens) {
      w.out.Out(nlohmann::json{{"id", t.id},
                               {"org", t.org},
                               {"role", Name(t.role)},
                               {"label", t.label},
                               {"regions", t.regions},
                               {"created", FormatUtc(t.created_ms)},
                               {"expires", t.expires_ms ? FormatUtc(t.expires_ms) : ""},
                               {"revoked", t.revoked}}
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return kExitOk;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-8s  %-20s  %-9s  %-8s  %-20s  %s", "ID", "ORG", "ROLE",
                "STATE", "EXPIRES", "LABEL");
  w.out.Out(line);
  for (const ApiToken& t : *tokens) {
    const char* state = t.revoked                               ? "revoked"
                        : (t.expires_ms && now >= t.expires_ms) ? "expired"
                                                                : "active";
    std::string label = t.label;
    if (!t.regions.empty()) {
      label += " [";
      for (size_t i = 0; i < t.regions.size(); ++i) label += (i ? ", " : "") + t.regions[i];
      label += "]";
    }
    std::snprintf(line, sizeof line, "%-8s  %-20s  %-9s  %-8s  %-20s  %s", t.id.c_str(),
                  t.org.c_str(), std::string(Name(t.role)).c_str(), state,
                  t.expires_ms ? FormatUtc(t.expires_ms).c_str() : "never", label.c_str());
    w.out.Out(line);
  }
  if (tokens->empty()) w.out.Err("no tokens yet: adwatch token create --org NAME --role ROLE");
  return kExitOk;
}

int TokenRevoke(WriteContext& w, const nlohmann::json& args) {
  const std::string id = args.value("id", "");
  SystemClock clock;
  Status s = w.store.RevokeToken(id, clock.NowMs());
  AuditEvent e;
  e.at_ms = clock.NowMs();
  e.actor = w.user;
  e.action = "token.revoke";
  e.object = id;
  e.outcome = s.ok() ? "ok" : s.IsNotFound() ? "not_found" : "error";
  (void)w.store.AppendAudit(e);
  if (!s.ok()) {
    w.out.Err("adwatch token revoke: " +
              (s.IsNotFound() ? "no token with id '" + id + "' (adwatch token list shows them)"
                              : s.ToString()));
    return s.IsNotFound() ? kExitUsage : kExitFailure;
  }
  w.out.Out("token " + id + " revoked; requests with it are refused from now on");
  return kExitOk;
}

struct TokenArgs {
  std::string db;
  std::string org, role, label, expires = "365d", id;
  std::vector<std::string> regions;
  bool json = false;
};

}  // namespace

void AddTokenCommands(CLI::App& app, AppContext& ctx) {
  WritingCommands()["token.create"] = TokenCreate;
  WritingCommands()["token.list"] = TokenList;
  WritingCommands()["token.revoke"] = TokenRevoke;
  auto args = std::make_shared<TokenArgs>();
  CLI::App* token = app.add_subcommand(
      "token", "API tokens: who may use `adwatch serve` (works while the service runs).");
  token->require_subcommand(1);

  CLI::App* create = token->add_subcommand(
      "create",
      "Make a token for an organisation and print it once. Only its SHA-256 is stored.\n"
      "  ngo        submits links and texts, reads its own submissions\n"
      "  police     reads ads, evidence and recruiter networks, labels ads\n"
      "  taskforce  reads the ads routed to its regions (--region, repeatable)");
  create->add_option("--org", args->org, "Organisation: lower-case letters, digits, '-'")
      ->required();
  create->add_option("--role", args->role, "ngo, police or taskforce")
      ->required()
      ->check(CLI::IsMember({"ngo", "police", "taskforce"}));
  create->add_option("--label", args->label,
                     "Who holds it (reviews are signed with it); default: the org");
  create->add_option("--expires", args->expires, "Lifetime: 90d, 12h, 30m or never (default 365d)");
  create->add_option("--region", args->regions, "Taskforce: a gazetteer region id (id.kepri)");
  AddDbOption(*create, args->db);
  create->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "token create", "token.create",
                        {{"org", args->org},
                         {"role", args->role},
                         {"label", args->label},
                         {"expires", args->expires},
                         {"regions", args->regions}});
    };
  });

  CLI::App* list = token->add_subcommand("list", "List tokens: id, org, role, state, expiry.");
  list->add_flag("--json", args->json, "One JSON object per token");
  AddDbOption(*list, args->db);
  list->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "token list", "token.list", {{"json", args->json}});
    };
  });

  CLI::App* revoke =
      token->add_subcommand("revoke", "Revoke a token by id; the next request with it is refused.");
  revoke->add_option("id", args->id, "Token id (adwatch token list)")->required();
  AddDbOption(*revoke, args->db);
  revoke->callback([args, &ctx] {
    ctx.action = [args, &ctx] {
      return RunWriting(ctx, args->db, "token revoke", "token.revoke", {{"id", args->id}});
    };
  });
}

}  // namespace adwatch::app
