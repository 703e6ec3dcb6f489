#include <Poco/Exception.h>

#include <iostream>

#include "muster/auth/mail.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {

namespace {

// How long a claimed message is left alone by other workers while it is sent.
constexpr Timestamp claimLeaseMillis = 120'000;

std::string failureText(const std::exception& error) {
    if (const auto* poco = dynamic_cast<const Poco::Exception*>(&error)) {
        return poco->displayText();
    }
    return error.what();
}

}  // namespace

std::chrono::seconds retryDelay(const DeliveryOptions& options, int attempts) {
    std::chrono::seconds delay = options.firstRetry;
    for (int i = 1; i < attempts && delay < options.maxRetry; ++i) delay *= 2;
    return std::min(delay, options.maxRetry);
}

OutboxWorker::OutboxWorker(Store& store, Sender sender, DeliveryOptions options)
    : store_(store), sender_(std::move(sender)), options_(options), thread_([this] { run(); }) {}

OutboxWorker::~OutboxWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void OutboxWorker::notify() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void OutboxWorker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        try {
            deliverDue();
        } catch (const Error& error) {
            // The store is away; the next poll tries again.
            std::cerr << "musterd: mail outbox: " << error.what() << std::endl;
        }
        lock.lock();
        wake_.wait_for(lock, options_.pollInterval, [this] { return stopping_ || woken_; });
        woken_ = false;
    }
}

int OutboxWorker::deliverDue() {
    std::vector<OutboxMail> due;
    {
        auto tx = store_.beginRead();
        due = tx->signIn().dueMail(nowMillis(), options_.batchSize);
    }
    int delivered = 0;
    for (const OutboxMail& mail : due) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
        }
        {
            auto tx = store_.beginWrite();
            const bool claimed =
                tx->signIn().claimMail(mail.id, mail.nextAttemptAt, nowMillis() + claimLeaseMillis);
            tx->commit();
            if (!claimed) continue;  // another worker has it
        }
        std::string failure;
        try {
            sender_(mail);
        } catch (const std::exception& error) {
            failure = failureText(error);
        }
        auto tx = store_.beginWrite();
        if (failure.empty()) {
            tx->signIn().markMailSent(mail.id, nowMillis());
            ++delivered;
        } else {
            const int attempts = mail.attempts + 1;
            const bool giveUp = attempts >= options_.maxAttempts;
            const Timestamp next = nowMillis() + retryDelay(options_, attempts).count() * 1000;
            tx->signIn().markMailFailed(mail.id, attempts, next, failure, giveUp);
            // The message id and the server's answer only: never the body,
            // which may carry a sign-in link.
            std::cerr << "musterd: mail " << mail.id << " attempt " << attempts
                      << (giveUp ? " failed, giving up: " : " failed, will retry: ") << failure
                      << std::endl;
        }
        tx->commit();
    }
    return delivered;
}

}  // namespace muster::auth
