#include <e2ekit/codec/base58.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

using namespace e2ekit;
using namespace e2ekit::codec;
using e2ekit::test::unhex;

TEST_CASE("base58: Bitcoin Core base58_encode_decode vectors", "[codec][base58]") {
    // From bitcoin/src/test/data/base58_encode_decode.json.
    const std::pair<const char*, const char*> v[] = {
        {"", ""},
        {"61", "2g"},
        {"626262", "a3gV"},
        {"636363", "aPEr"},
        {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
        {"00eb15231dfceb60925886b67d065299925915aeb172c06647",
         "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
        {"516b6fcd0f", "ABnLTmg"},
        {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
        {"572e4794", "3EFU7m"},
        {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
        {"10c8511e", "Rt5zm"},
        {"00000000000000000000", "1111111111"},
    };
    for (const auto& [h, s] : v) {
        CHECK(base58::encode(unhex(h)) == s);
        CHECK(*base58::decode(s) == unhex(h));
    }
}

TEST_CASE("base58: rejects characters outside the alphabet and long input", "[codec][base58]") {
    for (const char* bad : {"0", "O", "I", "l", "3EFU7m ", " 3EFU7m", "+", "3EF\xc3\xa9"})
        CHECK(base58::decode(bad).error() == decode_error::invalid_character);
    CHECK(base58::decode(std::string(1025, '2')).error() == decode_error::too_large);
    CHECK(base58::decode(std::string(1025, '2')).error() == condition::limit_exceeded);
    CHECK(base58::decode(std::string(1024, '2')).has_value());
    CHECK(base58::decode(std::string(40, '2'), 39).error() == decode_error::too_large);
}

TEST_CASE("base58check: a Bitcoin P2PKH address", "[codec][base58]") {
    // Bitcoin wiki, "Technical background of version 1 Bitcoin addresses":
    // version 0x00 || RIPEMD-160(SHA-256(public key)).
    const auto payload = unhex("00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31");
    CHECK(base58check::encode(payload) == "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs");
    auto back = base58check::decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs");
    REQUIRE(back);
    CHECK(*back == payload);
    CHECK(base58check::decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt").error() ==
          decode_error::bad_checksum);
    CHECK(base58check::decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUA").error() ==
          decode_error::bad_checksum);
    CHECK(base58check::decode("2g").error() == decode_error::truncated);
    CHECK(base58check::decode("").error() == decode_error::truncated);
    CHECK(base58check::decode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUA0").error() ==
          decode_error::invalid_character);
    CHECK(*base58check::decode(base58check::encode({})) == bytes{});
}

TEST_CASE("base58: round trips keep leading zeros", "[codec][base58]") {
    bytes b;
    for (int n = 0; n < 60; ++n) {
        const auto s = base58::encode(b);
        CHECK(*base58::decode(s) == b);
        CHECK(base58::encode(*base58::decode(s)) == s);
        b.push_back(static_cast<byte>(n < 5 ? 0 : n * 53 + 7));
    }
}
