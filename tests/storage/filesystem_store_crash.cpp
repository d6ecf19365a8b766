// The crash test: a child process commits batches in a loop and is killed
// (SIGKILL) at a random moment, hundreds of times over one store. After
// each kill the store must open, every key of a batch must hold the same
// generation (atomicity), and that generation must be at least the last one
// the child was told had committed (durability). The child also compacts
// often, so kills land in compactions and in the replay of the next open.
//
// SIGKILL leaves what the kernel has accepted; a power cut can lose what it
// has not yet written, and that part is covered by the torn-tail and fault
// tests in filesystem_store.cpp.
#include <e2ekit/storage/filesystem_store.hpp>

#include <catch2/catch.hpp>

#include <tests/support/storage_tmpdir.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace e2ekit;
using storage::filesystem_store;

namespace {

constexpr int keys_per_batch = 8;
constexpr const char* spaces[] = {"crash.sessions", "crash.prekeys"};

std::string key_name(int k) {
    return "key-" + std::to_string(k);
}
std::string ns_of(int k) {
    return spaces[k % 2];
}

/// The value of every key at generation g: the number, then filler whose
/// bytes depend on the key and generation, so a value from another key or
/// generation cannot pass for this one.
bytes value_of(std::uint64_t g, int k) {
    std::string s = std::to_string(g) + ":";
    bytes v(s.begin(), s.end());
    for (int i = 0; i < 60 + 13 * k; ++i)
        v.push_back(static_cast<byte>(g * 131 + static_cast<std::uint64_t>(k) * 7 + i));
    return v;
}

storage::filesystem_options crash_options() {
    storage::filesystem_options o;
    o.compact_min_bytes = 16 * 1024; // a compaction every ~15 commits
    return o;
}

/// The child: open, continue from the stored generation, commit forever,
/// reporting each generation once commit() has returned.
[[noreturn]] void child(const std::filesystem::path& dir, int report_fd) {
    auto s = filesystem_store::open(dir, crash_options());
    if (!s) _exit(3);
    std::uint64_t g = 0;
    if (auto v = s->get(ns_of(0), key_name(0)))
        g = std::strtoull(reinterpret_cast<const char*>(v->data()), nullptr, 10);
    for (;;) {
        ++g;
        storage::batch b;
        for (int k = 0; k < keys_per_batch; ++k)
            b.put(ns_of(k), key_name(k), value_of(g, k));
        if (!s->commit(b)) _exit(4);
        if (::write(report_fd, &g, sizeof g) != sizeof g) _exit(5);
    }
}

/// Generations the child reported; 8-byte writes to a pipe are atomic.
std::uint64_t last_reported(int fd) {
    std::uint64_t last = 0, g = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &g, sizeof g);
        if (n == static_cast<ssize_t>(sizeof g)) {
            last = g;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return last;
    }
}

} // namespace

TEST_CASE("filesystem_store: SIGKILL at any moment loses no commit and splits no batch",
          "[storage][filesystem][crash]") {
    test::storage_tmpdir dir("crash");
    std::mt19937 rng(Catch::rngSeed());
    std::uniform_int_distribution<int> delay_us(0, 12000);
    const auto start = std::chrono::steady_clock::now();
    constexpr int iterations = 300;
    std::uint64_t previous = 0, commits_seen = 0;
    int killed_before_any_commit = 0;

    for (int it = 0; it < iterations; ++it) {
        INFO("iteration " << it);
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            child(dir.path(), fds[1]);
        }
        ::close(fds[1]);
        ::usleep(static_cast<useconds_t>(delay_us(rng)));
        REQUIRE(::kill(pid, SIGKILL) == 0);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        // The child must have been killed, not have given up on its own.
        INFO("child status " << status);
        REQUIRE(WIFSIGNALED(status));
        const std::uint64_t reported = last_reported(fds[0]);
        ::close(fds[0]);

        auto s = filesystem_store::open(dir.path(), crash_options());
        REQUIRE(s);
        auto first = s->get(ns_of(0), key_name(0));
        if (!first) {
            // Nothing committed yet, ever: every key must be absent.
            REQUIRE(first.error() == storage::storage_error::not_found);
            REQUIRE(previous == 0);
            REQUIRE(reported == 0);
            for (int k = 0; k < keys_per_batch; ++k)
                REQUIRE(s->get(ns_of(k), key_name(k)).error() == storage::storage_error::not_found);
            ++killed_before_any_commit;
            continue;
        }
        const std::uint64_t g =
            std::strtoull(reinterpret_cast<const char*>(first->data()), nullptr, 10);
        INFO("store holds generation " << g << ", child reported " << reported);
        for (int k = 0; k < keys_per_batch; ++k) {
            auto v = s->get(ns_of(k), key_name(k));
            REQUIRE(v);
            REQUIRE(equal_public(v->view(), value_of(g, k))); // atomicity
        }
        REQUIRE(g >= reported); // durability of what was acknowledged
        REQUIRE(g >= previous); // nothing acknowledged earlier went missing
        for (auto ns : spaces)
            REQUIRE(s->list(ns, "")->size() == keys_per_batch / 2);
        commits_seen += g - previous;
        previous = g;
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    CHECK(commits_seen > iterations); // the kills did land among commits
    CHECK(killed_before_any_commit < iterations / 10);
    CHECK(seconds.count() < 50.0);
    WARN("crash test: " << iterations << " kills, " << commits_seen << " commits survived, "
                        << seconds.count() << " s");
}
