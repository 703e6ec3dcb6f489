#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "muster/auth/mail.hpp"
#include "muster/core/error.hpp"

namespace muster::auth {

namespace {

bool isLoopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void fillMessage(Poco::Net::MailMessage& message, const SmtpOptions& options,
                 const OutboxMail& mail) {
    message.setSender(options.from);
    message.addRecipient(
        Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, mail.recipient));
    message.setSubject(Poco::Net::MailMessage::encodeWord(mail.subject, "UTF-8"));
    // 8bit keeps links intact for any reader; bodies are short text lines.
    message.setContentType("text/plain; charset=UTF-8");
    message.setContent(mail.body, Poco::Net::MailMessage::ENCODING_8BIT);
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) {
    // A password must not cross the network in the clear.
    if (!options_.username.empty() && !options_.startTls && !isLoopback(options_.host)) {
        throw Error(ErrorCode::invalid_input,
                    "smtp.username needs smtp.starttls: true unless the server is on this host",
                    "smtp.username");
    }
}

void SmtpMailer::send(const OutboxMail& mail) const {
    const Poco::Timespan timeout(options_.timeout.count(), 0);
    Poco::Net::StreamSocket socket;
    socket.connect(
        Poco::Net::SocketAddress(options_.host, static_cast<Poco::UInt16>(options_.port)), timeout);
    Poco::Net::SecureSMTPClientSession session(socket);
    session.setTimeout(timeout);
    session.login(options_.heloName);
    if (options_.startTls) {
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
        params.caLocation = options_.caFile;
        params.loadDefaultCAs = options_.caFile.empty();
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        if (!session.startTLS(context)) {
            throw Error(ErrorCode::unavailable, "the SMTP server does not offer STARTTLS");
        }
        // EHLO again over TLS: the server's capabilities may differ.
        session.login(options_.heloName);
    }
    if (!options_.username.empty()) {
        session.login(options_.heloName, Poco::Net::SMTPClientSession::AUTH_LOGIN,
                      options_.username, options_.password);
    }
    Poco::Net::MailMessage message;
    fillMessage(message, options_, mail);
    session.sendMessage(message);
    session.close();
}

}  // namespace muster::auth
