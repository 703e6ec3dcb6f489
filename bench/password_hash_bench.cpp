// Password hashes per second with given parameters, on 1 thread and on N
// threads (make bench, via bench/sign_in). A sign-in costs one hash, so this
// is the ceiling of sign-ins per second.
//
// usage: muster_password_hash_bench ALGORITHM COST SECONDS THREADS
//   ALGORITHM pbkdf2-sha256 (COST = iterations) or scrypt (COST = log2 N, r=8, p=1)

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "muster/auth/password_hash.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double hashesPerSecond(const muster::auth::PasswordHasher& hasher, double seconds, int threads) {
    std::atomic<long> done{0};
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    const auto started = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            while (Clock::now() < until) {
                (void)hasher.hash("bench-Quartz-lantern-77");
                ++done;
            }
        });
    }
    for (std::thread& worker : workers) worker.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    return static_cast<double>(done) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s pbkdf2-sha256|scrypt COST SECONDS THREADS\n", argv[0]);
        return 64;
    }
    muster::auth::HashParameters parameters;
    const std::string algorithm = argv[1];
    const int cost = std::stoi(argv[2]);
    if (algorithm == "scrypt") {
        parameters.algorithm = muster::auth::HashAlgorithm::scrypt;
        parameters.scryptLogN = cost;
    } else {
        parameters.pbkdf2Iterations = cost;
    }
    const muster::auth::PasswordHasher hasher(parameters);
    const double seconds = std::stod(argv[3]);
    const int threads = std::stoi(argv[4]);
    std::printf("%s %.1f %.1f\n", muster::auth::describe(parameters).c_str(),
                hashesPerSecond(hasher, seconds, 1), hashesPerSecond(hasher, seconds, threads));
    return 0;
}
