// e2ekit's safety numbers against libsignal-protocol-c's fingerprint
// generator (signal_c_peer's `fingerprint`, ../signal_c/PROTOCOL.md): random
// identity keys and stable ids, several iteration counts; the displayable
// digits, both halves and the scannable bytes must be equal, and each side's
// scannable form must match the other's when e2ekit compares them. (npm
// libsignal 2.0.1's fingerprint code is not exported and does not run.)
#include <e2ekit/protocols/signal/fingerprint.hpp>

#include "../../support/peer_process.hpp"

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using json = nlohmann::json;
using test::failure;
using test::hex;
using test::unhex;

template <unsigned N>
void check(test::peer& p, const std::string& lid, const crypto::x25519::public_key& lk,
           const std::string& rid, const crypto::x25519::public_key& rk) {
    const auto mine = sig::make_fingerprint<N>(lid, lk, rid, rk);
    const auto theirs = sig::make_fingerprint<N>(rid, rk, lid, lk);
    json r = p.ok({{"cmd", "fingerprint"},
                   {"local_id", lid},
                   {"remote_id", rid},
                   {"local_identity_key", hex(sig::key_encoding::encode(lk))},
                   {"remote_identity_key", hex(sig::key_encoding::encode(rk))},
                   {"iterations", N},
                   {"version", 1}});
    if (r["displayable"] != mine.displayable || r["displayable_local"] != mine.local_digits ||
        r["displayable_remote"] != mine.remote_digits || unhex(r["scannable"]) != mine.scannable)
        throw failure("fingerprints differ for " + lid + " / " + rid);
    if (!theirs.matches(unhex(r["scannable"])).value() || !mine.matches(theirs.scannable).value())
        throw failure("scannable forms do not match");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: signal_v3_fingerprint_interop <peer command...>\n";
        return 1;
    }
    std::vector<std::string> cmd(argv + 1, argv + argc);
    if (access(cmd[0].c_str(), X_OK) != 0) return 77;
    const char* seed_env = std::getenv("SIGNAL_V3_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10)
                                        : static_cast<std::uint64_t>(std::random_device{}());
    std::cerr << "signal_v3 fingerprint seed " << seed << "\n";
    try {
        std::mt19937_64 rnd(seed);
        testing::deterministic_random rng(seed);
        test::peer p(cmd);
        p.ok({{"cmd", "init"}});
        int n = 0;
        for (; n < 100; ++n) {
            const auto a = crypto::x25519::generate(rng).pub;
            const auto b = crypto::x25519::generate(rng).pub;
            const std::string ida = "+1415" + std::to_string(rnd() % 10000000);
            std::string idb = n % 5 == 0 ? ida : "user" + std::to_string(rnd()) + "@example.org";
            if (n % 3 == 0)
                check<5200>(p, ida, a, idb, b);
            else if (n % 3 == 1)
                check<1024>(p, ida, a, idb, b);
            else
                check<1>(p, ida, a, idb, b);
        }
        std::cerr << "signal_v3 fingerprint: " << n << " pairs equal\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "signal_v3 fingerprint FAILED: " << e.what() << "\n";
        return 1;
    }
}
