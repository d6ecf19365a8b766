#include <e2ekit/identity/fingerprint.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/ripemd160.hpp>
#include <e2ekit/crypto/sha2.hpp>

using namespace e2ekit;

namespace {

struct one_round {
    using hash = crypto::sha512;
    static constexpr unsigned iterations = 1;
    static constexpr std::uint16_t version = 0x0102;
};
static_assert(identity::numeric_fingerprint_params<one_round>);

// Near misses, each lacking one requirement.
struct no_hash : one_round {
    using hash = int;
};
struct short_digest : one_round { // 20 bytes cannot fill six 5-byte chunks
    using hash = crypto::ripemd160;
};
struct no_iterations : one_round {
    static constexpr const char* iterations = "many";
};
struct zero_iterations : one_round {
    static constexpr unsigned iterations = 0;
};
struct no_version : one_round {
    static constexpr const char* version = "v0";
};
static_assert(crypto::hash_function<crypto::ripemd160>);
static_assert(!identity::numeric_fingerprint_params<no_hash>);
static_assert(!identity::numeric_fingerprint_params<short_digest>);
static_assert(!identity::numeric_fingerprint_params<no_iterations>);
static_assert(!identity::numeric_fingerprint_params<zero_iterations>);
static_assert(!identity::numeric_fingerprint_params<no_version>);

struct two_rounds {
    using hash = crypto::sha512;
    static constexpr unsigned iterations = 2;
    static constexpr std::uint16_t version = 0;
};

using nf = identity::numeric_fingerprint<one_round>;

} // namespace

TEST_CASE("numeric fingerprint: the rounds and the digits", "[identity][fingerprint]") {
    const bytes key{0x05, 0xaa, 0xbb};
    // By its definition, one round: H(version ‖ key ‖ id ‖ key).
    crypto::sha512::digest h1;
    const byte_array<2> v{0x01, 0x02};
    crypto::sha512::hash(h1, v, key, as_bytes(std::string_view("id")), key);
    CHECK(nf::of(key, "id") == h1);
    // Each further round: H(previous ‖ key) (here with version 0).
    crypto::sha512::digest v0_h1, h2;
    crypto::sha512::hash(v0_h1, byte_array<2>{}, key, as_bytes(std::string_view("id")), key);
    crypto::sha512::hash(h2, v0_h1, key);
    CHECK(identity::numeric_fingerprint<two_rounds>::of(key, "id") == h2);

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
