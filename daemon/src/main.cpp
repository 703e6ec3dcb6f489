// musterd: the Muster daemon.

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "muster/config/config.hpp"
#include "muster/core/error.hpp"
#include "muster/core/role_service.hpp"
#include "muster/daemon/bootstrap.hpp"
#include "muster/daemon/dispatcher.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/store/sql_store.hpp"

namespace {

using namespace muster;
using Poco::Util::Application;
using Poco::Util::Option;
using Poco::Util::OptionSet;

// Exit codes from sysexits.h, so systemd and scripts can tell failures apart.
constexpr int exitConfigError = 78;  // EX_CONFIG
constexpr int exitUnavailable = 69;  // EX_UNAVAILABLE

constexpr std::chrono::seconds drainTimeout{30};

class MusterDaemon : public Poco::Util::ServerApplication {
  protected:
    void defineOptions(OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Option("config", "c", "read the configuration from FILE")
                              .argument("FILE")
                              .binding("muster.config"));
        options.addOption(Option("migrate-only", "", "apply schema migrations, then exit")
                              .binding("muster.migrate-only"));
        options.addOption(
            Option("help", "h", "show this help")
                .callback(Poco::Util::OptionCallback<MusterDaemon>(this, &MusterDaemon::showHelp)));
    }

    void showHelp(const std::string&, const std::string&) {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("--config FILE [--migrate-only]");
        help.setHeader("Muster identity provisioning daemon.");
        help.format(std::cout);
        helpRequested_ = true;
        stopOptionsProcessing();
    }

    int main(const std::vector<std::string>&) override {
        if (helpRequested_) return EXIT_OK;
        config::Config configuration;
        try {
            configuration =
                config::loadConfigFile(config().getString("muster.config", "config/muster.yaml"));
        } catch (const Error& error) {
            std::cerr << "musterd: " << error.what() << std::endl;
            return exitConfigError;
        }
        try {
            return serve(configuration);
        } catch (const Error& error) {
            std::cerr << "musterd: " << error.what() << std::endl;
            return error.code() == ErrorCode::invalid_input ? exitConfigError : exitUnavailable;
        } catch (const Poco::Exception& error) {
            std::cerr << "musterd: " << error.displayText() << std::endl;
            return exitUnavailable;
        }
    }

  private:
    int serve(const config::Config& configuration) {
        std::unique_ptr<Store> store = store::openStore(
            store::StoreOptions{configuration.store.url, configuration.store.poolSize,
                                configuration.store.busyTimeoutMs});
        const int applied = store->migrate();
        if (config().hasProperty("muster.migrate-only")) {
            std::cout << "musterd: schema at version " << store->schemaVersion() << " (" << applied
                      << " migrations applied)" << std::endl;
            return EXIT_OK;
        }

        holdTerminationSignals();
        // Roles added to the YAML catalogue reach tenants created before.
        RoleService(*store).addMissingRoles(daemon::roleCatalogueOf(configuration));
        daemon::ServerContext context(configuration, *store);
        daemon::registerAllRoutes(context);
        printBootstrapToken(context);
        if (context.sync) context.sync->startScheduler();  // directory sources on their interval

        Poco::ThreadPool threads("http", 2, configuration.listen.threads);
        std::vector<std::unique_ptr<Poco::Net::HTTPServer>> servers;
        servers.push_back(startHttp(context, threads));
        if (configuration.listen.tls.enabled) servers.push_back(startHttps(context, threads));

        waitForTerminationRequest();
        std::cout << "musterd: shutting down, draining requests" << std::endl;
        drain(servers);
        if (context.sync) context.sync->stop();
        return EXIT_OK;
    }

    // SIGTERM, SIGINT and SIGQUIT stay pending until waitForTerminationRequest
    // takes them. Blocked before any thread starts (threads inherit the mask):
    // otherwise one that arrives before the main thread waits for it (just
    // after "listening on") takes its default action and kills the process
    // instead of draining it.
    static void holdTerminationSignals() {
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGQUIT);
        sigaddset(&signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    }

    static void printBootstrapToken(daemon::ServerContext& context) {
        const char* preset = std::getenv("MUSTER_BOOTSTRAP_TOKEN");
        std::optional<std::string> secret =
            daemon::bootstrapIfEmpty(context, preset != nullptr ? preset : "");
        if (secret) std::cout << "bootstrap admin token: " << *secret << std::endl;
    }

    static Poco::Net::HTTPServerParams::Ptr serverParams(const config::ListenConfig& listen) {
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(listen.threads);
        params->setMaxQueued(listen.maxQueued);
        params->setKeepAlive(listen.keepAlive);
        params->setKeepAliveTimeout(Poco::Timespan(listen.keepAliveTimeoutSeconds, 0));
        params->setServerName("musterd");
        return params;
    }

    static std::unique_ptr<Poco::Net::HTTPServer> startHttp(daemon::ServerContext& context,
                                                            Poco::ThreadPool& threads) {
        const config::ListenConfig& listen = context.config.listen;
        Poco::Net::ServerSocket socket(
            Poco::Net::SocketAddress(listen.address, static_cast<Poco::UInt16>(listen.port)));
        auto server = std::make_unique<Poco::Net::HTTPServer>(
            new daemon::DispatcherFactory(context), threads, socket, serverParams(listen));
        server->start();
        std::cout << "musterd: listening on http://" << socket.address().toString() << std::endl;
        return server;
    }

    static std::unique_ptr<Poco::Net::HTTPServer> startHttps(daemon::ServerContext& context,
                                                             Poco::ThreadPool& threads) {
        const config::TlsConfig& tls = context.config.listen.tls;
        Poco::Net::Context::Params tlsParams;
        tlsParams.privateKeyFile = tls.privateKeyFile;
        tlsParams.certificateFile = tls.certificateFile;
        tlsParams.caLocation = tls.caFile;
        tlsParams.verificationMode = Poco::Net::Context::VERIFY_NONE;  // no client certificates
        tlsParams.cipherList = "HIGH:!aNULL:!MD5:!RC4";
        Poco::Net::Context::Ptr tlsContext =
            new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, tlsParams);
        tlsContext->disableProtocols(
            Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
        Poco::Net::SecureServerSocket socket(
            Poco::Net::SocketAddress(tls.address, static_cast<Poco::UInt16>(tls.port)), 64,
            tlsContext);
        auto server =
            std::make_unique<Poco::Net::HTTPServer>(new daemon::DispatcherFactory(context), threads,
                                                    socket, serverParams(context.config.listen));
        server->start();
        std::cout << "musterd: listening on https://" << socket.address().toString() << std::endl;
        return server;
    }

    // Stops accepting, lets requests in flight finish (keep-alive connections
    // close after their current request), bounded by drainTimeout.
    static void drain(std::vector<std::unique_ptr<Poco::Net::HTTPServer>>& servers) {
        for (auto& server : servers) server->stopAll(false);
        const auto deadline = std::chrono::steady_clock::now() + drainTimeout;
        for (auto& server : servers) {
            while (server->currentConnections() > 0 &&
                   std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
    }

    bool helpRequested_ = false;
};

}  // namespace

POCO_SERVER_MAIN(MusterDaemon)
