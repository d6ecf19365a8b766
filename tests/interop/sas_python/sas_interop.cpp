// e2ekit's SAS against python-olm's olm.Sas (libolm's olm_sas), both ways:
// keys exchanged, then for several info strings and inputs both sides must
// produce the same bytes, and so the same emoji indexes and decimals, and
// the same MACs in all three of libolm's forms. Skipped (77) without
// /usr/bin/python3 and python3-olm.
#include <e2ekit/identity/sas.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/random.hpp>

#include <tests/support/peer_process.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace e2ekit;

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    if (std::system("/usr/bin/python3 -c 'import olm' 2>/dev/null") != 0) return 77;
    test::peer py({"/usr/bin/python3", argv[1]});
    testing::deterministic_random rng(41);
    auto mine = identity::sas::create(rng);
    const auto theirs = codec::base64::decode<codec::base64::standard_unpadded>(
                            py.ok({{"cmd", "key"}})["key"].get<std::string>())
                            .value();
    crypto::x25519::public_key their_key{};
    std::copy(theirs.begin(), theirs.end(), their_key.begin());
    if (!mine.set_their_key(their_key)) return 1;
    py.ok({{"cmd", "their"},
           {"key", codec::base64::encode<codec::base64::standard_unpadded>(mine.public_key())}});
    int failures = 0;
    for (const std::string& info :
         {std::string(
              "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICE|x|@bob:example.org|BOB|y|t"),
          std::string(""), std::string("short")}) {
        for (std::size_t n : {5u, 6u, 32u}) {
            const auto ours = mine.generate_bytes(info, n);
            const auto hex = py.ok({{"cmd", "bytes"}, {"info", info}, {"n", n}})["hex"];
            if (hex != codec::hex::encode(ours.view())) {
                std::fprintf(stderr, "bytes differ (info '%s', %zu)\n", info.c_str(), n);
                ++failures;
            }
        }
        const auto six = mine.generate_bytes(info, 6);
        const auto e = identity::sas::emoji(fixed_view<6>(six.data(), 6));
        const auto five = mine.generate_bytes(info, 5);
        const auto d = identity::sas::decimal(fixed_view<5>(five.data(), 5));
        const auto r6 = py.ok({{"cmd", "bytes"}, {"info", info}, {"n", 6}});
        const auto r5 = py.ok({{"cmd", "bytes"}, {"info", info}, {"n", 5}});
        if (r6["emoji"] != test::json(e) || r5["decimal"] != test::json(d)) {
            std::fprintf(stderr, "emoji or decimals differ (info '%s')\n", info.c_str());
            ++failures;
        }
        for (const std::string& input : {std::string("ed25519:DEVICE"), std::string("a,b,c")}) {
            const auto r = py.ok({{"cmd", "mac"}, {"input", input}, {"info", info}});
            if (r["fixed"] != mine.mac_base64(as_bytes(input), info) ||
                r["legacy"] != mine.mac_libolm_legacy(as_bytes(input), info) ||
                r["long_kdf"] != mine.mac_long_kdf(as_bytes(input), info)) {
                std::fprintf(stderr, "MACs differ: %s\n", r.dump().c_str());
                ++failures;
            }
        }
    }
    if (failures) {
        std::fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    std::puts("sas: e2ekit and python-olm agree on bytes, emoji, decimals and MACs");
    return 0;
}
