// A real interop peer as a child process speaking JSON lines (one request
// per line on its stdin, one reply per line on its stdout), as the peers of
// tests/interop/signal_c/PROTOCOL.md do, with the hex and key helpers
// every driver of those peers needs.
#ifndef E2EKIT_TESTS_SUPPORT_PEER_PROCESS_HPP
#define E2EKIT_TESTS_SUPPORT_PEER_PROCESS_HPP

#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/bytes.hpp>

#include <nlohmann/json.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace e2ekit::test {

using json = nlohmann::json;

struct failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline std::string hex(bytes_view b) {
    return codec::hex::encode(b);
}
inline bytes unhex(const json& j) {
    auto r = codec::hex::decode(j.get<std::string>());
    if (!r) throw failure("peer sent bad hex");
    return std::move(*r);
}

/// A peer process: one JSON request per line, one reply per line.
class peer {
public:
    explicit peer(const std::vector<std::string>& cmd) {
        int in[2], out[2];
        if (pipe(in) || pipe(out)) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addclose(&fa, in[1]);
        posix_spawn_file_actions_addclose(&fa, out[0]);
        std::vector<char*> argv;
        for (const auto& a : cmd)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start the peer");
        posix_spawn_file_actions_destroy(&fa);
        close(in[0]);
        close(out[1]);
        to_ = fdopen(in[1], "w");
        from_ = fdopen(out[0], "r");
    }
    ~peer() {
        std::fputs("{\"cmd\":\"quit\"}\n", to_);
        std::fclose(to_);
        char buf[256]; // the reply to quit: read to the end, so the peer never writes into a closed
                       // pipe
        while (std::fgets(buf, sizeof buf, from_)) {
        }
        std::fclose(from_);
        int st = 0;
        waitpid(pid_, &st, 0);
    }
    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

    json call(json req) {
        const std::string line = req.dump() + "\n";
        std::fputs(line.c_str(), to_);
        std::fflush(to_);
        std::string reply;
        char buf[65536];
        while (std::fgets(buf, sizeof buf, from_)) {
            reply += buf;
            if (!reply.empty() && reply.back() == '\n') break;
        }
        if (reply.empty()) throw failure("peer died on " + req["cmd"].get<std::string>());
        return json::parse(reply);
    }
    json ok(json req) {
        const std::string cmd = req["cmd"];
        json r = call(std::move(req));
        if (!r.value("ok", false)) throw failure("peer " + cmd + ": " + r.dump());
        return r;
    }

private:
    pid_t pid_ = 0;
    FILE* to_ = nullptr;
    FILE* from_ = nullptr;
};

} // namespace e2ekit::test

#endif
