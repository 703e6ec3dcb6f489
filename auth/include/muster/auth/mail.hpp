#pragma once

// Mail delivery (SPEC U-4, A-4): the outbox worker takes messages that
// sign-in wrote to the mail_outbox table in the transaction of the change
// and hands them to an SMTP server (Poco SMTPClientSession, optional
// STARTTLS and AUTH), retrying with exponential back-off.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "muster/core/sign_in_store.hpp"
#include "muster/core/store.hpp"

namespace muster::auth {

struct SmtpOptions {
    std::string host;  // empty: mail is queued but not delivered
    int port = 25;
    bool startTls = false;  // STARTTLS required before anything else is sent
    std::string caFile;     // CA certificates for the server's certificate; system CAs if empty
    std::string username;   // AUTH LOGIN when set (only after STARTTLS, or on loopback)
    std::string password;
    std::string from = "muster@localhost";
    std::string heloName = "muster";
    std::chrono::seconds timeout{20};
};

struct DeliveryOptions {
    int maxAttempts = 8;
    std::chrono::seconds firstRetry{5};  // doubled per attempt
    std::chrono::seconds maxRetry{std::chrono::hours(1)};
    std::chrono::milliseconds pollInterval{1000};
    std::size_t batchSize = 20;
};

// Sends one message; throws (Poco or muster::Error) on failure.
class SmtpMailer {
  public:
    explicit SmtpMailer(SmtpOptions options);
    void send(const OutboxMail& mail) const;

  private:
    SmtpOptions options_;
};

// When the next attempt after `attempts` failed ones is due.
std::chrono::seconds retryDelay(const DeliveryOptions& options, int attempts);

// A background thread delivering due mail. Several daemons on one
// PostgreSQL store may run it: each message is claimed before it is sent.
class OutboxWorker {
  public:
    using Sender = std::function<void(const OutboxMail&)>;

    OutboxWorker(Store& store, Sender sender, DeliveryOptions options);
    ~OutboxWorker();  // stops and joins
    OutboxWorker(const OutboxWorker&) = delete;
    OutboxWorker& operator=(const OutboxWorker&) = delete;

    // Wakes the worker now instead of at its next poll.
    void notify();
    // One pass over due mail; returns how many messages were delivered.
    // (The thread calls it; tests may too.)
    int deliverDue();

  private:
    void run();

    Store& store_;
    Sender sender_;
    DeliveryOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace muster::auth
