#include <e2ekit/identity/hex_fingerprint.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace e2ekit;

TEST_CASE("identity::colon_hex and hex_groups", "[identity][fingerprint]") {
    const bytes key{0x01, 0x23, 0xab, 0xcd, 0xef, 0x00, 0xff, 0x10, 0x05};
    CHECK(identity::colon_hex(key) == "01:23:AB:CD:EF:00:FF:10:05");
    CHECK(identity::colon_hex({}).empty());
    CHECK(identity::colon_hex(bytes{0x7f}) == "7F");
    CHECK(identity::hex_groups(key) == std::vector<std::string>{"0123abcd", "ef00ff10", "05"});
    CHECK(identity::hex_groups(key, 0) == std::vector<std::string>{"0123abcdef00ff1005"});
    // A 32-byte key: eight groups of eight, as python-omemo shows it.
    const bytes k32(32, 0x5a);
    const auto g = identity::hex_groups(k32);
    REQUIRE(g.size() == 8);
    for (const auto& s : g)
        CHECK(s == "5a5a5a5a");
}
