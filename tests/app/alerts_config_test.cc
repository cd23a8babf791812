// The alerts section of adwatch.yaml as a user meets it: every mistake is named with its file,
// line and key before anything runs.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/run.h"

using adwatch::testing::Adwatch;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;

TEST_CASE("A bad alerts section names its file, line and key", "[app][alerts]") {
  TempDir dir;
  struct Case {
    std::string yaml;
    std::string expect;
  };
  const std::string smtp =
      "digest:\n  smtp: {url: 'smtp://127.0.0.1:2525', tls: none, from: a@b.example}\n";
  const std::vector<Case> cases = {
      {"alerts:\n  recipients:\n    - org: p\n      webhooks:\n        - url: "
       "http://169.254.169.254/x\n          secret_env: K\n",
       ":5: alerts.recipients[0].webhooks[0].url"},
      {"alerts:\n  recipients:\n    - org: p\n      webhooks:\n        - url: https://h.example/x\n"
       "          secret: hunter2\n          secret_env: K\n",
       ":6: alerts.recipients[0].webhooks[0].secret: the key is never written in the file"},
      {"alerts:\n  recipients:\n    - org: p\n      email: [a@p.example]\n",
       ":4: alerts.recipients[0].email: e-mail recipients need digest.smtp"},
      {smtp +
           "alerts:\n  recipients:\n    - org: p\n      language: fr\n      email: [a@p.example]\n",
       ":6: alerts.recipients[0].language"},
      {smtp + "alerts:\n  recipients:\n    - org: p\n      email: [a@p.example, a@p.example]\n",
       "listed twice"},
      {smtp + "alerts:\n  recipients:\n    - org: p\n      email: [a@p.example]\n"
              "      rate_limit: {max_messages: 0}\n",
       ":7: alerts.recipients[0].rate_limit.max_messages"},
      {"alerts:\n  retry: {backoff_s: [30, -1]}\n", ":2: alerts.retry.backoff_s"},
      {"alerts:\n  recipients:\n    - org: p\n", ":3: alerts.recipients[0]: a recipient needs"},
      {"alerts:\n  recipents: []\n", ":2: alerts.recipents: unknown key"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    const std::string cfg = dir.Write("alerts.yaml", c.yaml);
    auto r = RunCommand(Adwatch() + " classify --config " + cfg, "gaji 15jt");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains(c.expect));
  }
  const std::string good = dir.Write(
      "good.yaml", smtp +
                       "alerts:\n  base_url: https://adwatch.example.org\n  recipients:\n"
                       "    - org: p\n      language: en\n      email: [a@p.example]\n"
                       "      webhooks: [{url: 'https://h.example/x', secret_env: ADWATCH_K}]\n");
  CHECK(RunCommand(Adwatch() + " classify --config " + good, "gaji 15jt").exit_code == 0);
}
