#include <e2ekit/identity/fingerprint.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/sha2.hpp>

using namespace e2ekit;

namespace {

struct one_round {
    using hash = crypto::sha512;
    static constexpr unsigned iterations = 1;
    static constexpr std::uint16_t version = 0x0102;
};
static_assert(identity::numeric_fingerprint_params<one_round>);

struct short_hash {
    using hash = crypto::sha512;
    static constexpr std::uint16_t version = 0;
};
static_assert(!identity::numeric_fingerprint_params<short_hash>); // no iteration count

using nf = identity::numeric_fingerprint<one_round>;

} // namespace

TEST_CASE("numeric fingerprint: the rounds and the digits", "[identity][fingerprint]") {
    const bytes key{0x05, 0xaa, 0xbb};
    // By its definition, one round: H(version ‖ key ‖ id ‖ key).
    crypto::sha512::digest h1;
    const byte_array<2> v{0x01, 0x02};
    crypto::sha512::hash(h1, v, key, as_bytes(std::string_view("id")), key);
    CHECK(nf::of(key, "id") == h1);

    crypto::sha512::digest d{};
    d[4] = 1;     // first chunk 1
    d[9] = 0xa0;  // second chunk 160
    d[10] = 0xff; // third chunk 0xff00000000 % 100000
    const std::string s = nf::display(d);
    CHECK(s.size() == 30);
    CHECK(s.substr(0, 10) == "0000100160");
    CHECK(s.substr(10, 5) == "60480"); // 0xff00000000 mod 100000
    CHECK(nf::combine("2", "1") == "12");
    CHECK(nf::combine("1", "2") == "12");
}
