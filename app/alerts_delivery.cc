#include "alerts_delivery.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "admin.h"
#include "adwatch/alerts/dispatcher.h"
#include "adwatch/alerts/webhook.h"
#include "adwatch/export/mail.h"
#include "alerts_config.h"
#include "outbox_factory.h"

namespace adwatch::app {

struct DeliveryStack {
  std::unique_ptr<watch::Outbox> outbox;
  std::unique_ptr<exporter::MailSender> mail;
  std::unique_ptr<alerts::WebhookSender> webhooks;
  std::unique_ptr<alerts::Dispatcher> dispatcher;
};

namespace {

// One pass at a time per process: the service's loop and an `alerts deliver` that arrives
// through the admin socket would otherwise both pick up the same due delivery.
std::mutex& PassMutex() {
  static std::mutex mu;
  return mu;
}

Result<std::unique_ptr<DeliveryStack>> BuildStack(const Config& config, storage::Store& store,
                                                  const Clock& clock) {
  auto options = ResolveAlerts(config.alerts);
  if (!options) return options.error();
  auto stack = std::make_unique<DeliveryStack>();
  bool any_email = false, any_webhook = false;
  for (const auto& r : options->recipients) {
    any_email = any_email || !r.email.empty();
    any_webhook = any_webhook || !r.webhooks.empty();
  }
  if (any_email) {
    // The digests' SMTP server and sender, password from the same environment variable.
    exporter::SmtpOptions smtp = config.digest.smtp;
    if (!config.digest.smtp_password_env.empty()) {
      const char* pw = std::getenv(config.digest.smtp_password_env.c_str());
      if (pw == nullptr) {
        return Status::InvalidArgument(
            "digest.smtp.password_env",
            "the environment variable " + config.digest.smtp_password_env + " is not set");
      }
      smtp.password = pw;
    }
    auto mail = exporter::NewSmtpSender(smtp);
    if (!mail) return mail.error();
    stack->mail = std::move(*mail);
  }
  if (any_webhook) {
    auto hooks = alerts::NewCurlWebhookSender(config.alerts.webhooks);
    if (!hooks) return hooks.error();
    stack->webhooks = std::move(*hooks);
  }
  stack->outbox = OpenOutbox(store);
  if (!stack->outbox) return Status::Internal("alerts", "the store has no outbox");
  auto d = alerts::Dispatcher::Create(std::move(*options), *stack->outbox, stack->mail.get(),
                                      stack->webhooks.get(), clock);
  if (!d) return d.error();
  stack->dispatcher = std::move(*d);
  return stack;
}

Result<alerts::PassStats> RunPass(alerts::Dispatcher& d) {
  std::lock_guard lock(PassMutex());
  return d.RunOnce();
}

std::string Describe(const alerts::PassStats& s) {
  return Sprintf(
      "%d alert(s) expanded into %d deliveries (%d without recipients); %d message(s) sent for "
      "%d deliveries (%d folded into summaries); %d to retry, %d failed, %d held by rate limits",
      s.expanded, s.deliveries, s.unrouted, s.messages, s.sent, s.folded, s.retried, s.failed,
      s.postponed);
}

int DeliverCommand(WriteContext& w, const nlohmann::json&) {
  const Config* config = w.app.config();
  if (!config) return kExitFailure;
  if (!config->alerts.configured) {
    w.out.Err("adwatch alerts deliver: the config has no alerts: section (docs/alerts.md)");
    return kExitUsage;
  }
  SystemClock clock;
  auto stack = BuildStack(*config, w.store, clock);
  if (!stack) {
    w.out.Err("adwatch alerts deliver: " + stack.error().message());
    return kExitFailure;
  }
  auto stats = RunPass(*(*stack)->dispatcher);
  if (!stats) {
    w.out.Err("adwatch alerts deliver: " + stats.error().ToString());
    return kExitFailure;
  }
  w.out.Out(Describe(*stats));
  return kExitOk;
}

}  // namespace

Result<std::unique_ptr<DispatcherService>> DispatcherService::Start(const Config& config,
                                                                    storage::Store& store,
                                                                    const Clock& clock) {
  if (!config.alerts.configured) return std::unique_ptr<DispatcherService>();
  auto stack = BuildStack(config, store, clock);
  if (!stack) return stack.error();
  return std::unique_ptr<DispatcherService>(
      new DispatcherService(std::move(*stack), config.alerts.interval_s));
}

DispatcherService::DispatcherService(std::unique_ptr<DeliveryStack> stack, int interval_s)
    : stack_(std::move(stack)), interval_s_(interval_s) {
  thread_ = std::thread([this] { Loop(); });
}

DispatcherService::~DispatcherService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DispatcherService::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto stats = RunPass(*stack_->dispatcher);
    if (!stats) {
      spdlog::error("alerts: {}", stats.error().ToString());
    } else if (stats->expanded + stats->sent + stats->retried + stats->failed > 0) {
      spdlog::info("alerts: {}", Describe(*stats));
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(interval_s_), [this] { return stop_; });
  }
}

void AddAlertsDeliverCommand(CLI::App& app, AppContext& ctx) {
  WritingCommands()["alerts.deliver"] = DeliverCommand;
  CLI::App* alerts = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == "alerts") alerts = sub;
  }
  if (alerts == nullptr) {
    alerts = app.add_subcommand("alerts", "Watch-list alerts and their delivery (docs/alerts.md)");
    alerts->require_subcommand(1);
  }
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = alerts->add_subcommand(
      "deliver",
      "Expand new alerts into deliveries and send those that are due, once (for cron and tests;\n"
      "`adwatch serve` does this every alerts.interval_s seconds). Through the admin socket when\n"
      "the service holds the database.");
  AddDbOption(*cmd, *db);
  cmd->callback([&ctx, db] {
    ctx.action = [&ctx, db] {
      return RunWriting(ctx, *db, "alerts deliver", "alerts.deliver", {});
    };
  });
}

}  // namespace adwatch::app
