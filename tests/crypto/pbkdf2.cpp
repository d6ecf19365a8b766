#include <e2ekit/crypto/pbkdf2.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

template <class P>
bool wycheproof_case(const nlohmann::json& tc) {
    const auto password = unhex(tc.at("password"));
    const auto salt = unhex(tc.at("salt"));
    const auto iterations = tc.at("iterationCount").get<std::uint32_t>();
    const auto dk = unhex(tc.at("dk"));
    auto out = P::derive(tc.at("dkLen").get<std::size_t>(), password, salt, iterations);
    return out && equal_public(out->view(), dk);
}

} // namespace

TEST_CASE("pbkdf2: Wycheproof pbkdf2_hmacsha256_test.json", "[crypto][pbkdf2][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto t =
        test::run_wycheproof("pbkdf2_hmacsha256_test.json", [](const auto&, const auto& tc) {
            return wycheproof_case<pbkdf2_sha256>(tc);
        });
    CHECK(t.valid == 60);
}

TEST_CASE("pbkdf2: Wycheproof pbkdf2_hmacsha512_test.json", "[crypto][pbkdf2][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto t =
        test::run_wycheproof("pbkdf2_hmacsha512_test.json", [](const auto&, const auto& tc) {
            return wycheproof_case<pbkdf2_sha512>(tc);
        });
    CHECK(t.valid == 58);
}

TEST_CASE("pbkdf2: RFC 7914 §11 PBKDF2-HMAC-SHA256 vector", "[crypto][pbkdf2]") {
    // P = "passwd", S = "salt", c = 1, dkLen = 64.
    auto dk = pbkdf2_sha256::derive<64>(as_bytes("passwd"), as_bytes("salt"), 1);
    REQUIRE(dk);
    CHECK(test::tohex(dk->view()) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST_CASE("pbkdf2: secret outputs, prefixes agree, bad parameters", "[crypto][pbkdf2]") {
    struct backup_key_tag;
    auto a = pbkdf2_sha512::derive<64, backup_key_tag>(as_bytes("pw"), as_bytes("salt"), 10);
    auto b = pbkdf2_sha512::derive(32, as_bytes("pw"), as_bytes("salt"), 10);
    REQUIRE(a);
    REQUIRE(b);
    static_assert(std::is_same_v<decltype(*a), secret<64, backup_key_tag>&>);
    // PBKDF2 blocks are independent: a shorter output is a prefix.
    CHECK(equal_public(a->view().first(32), b->view()));

    byte_array<8> out{1, 1, 1, 1, 1, 1, 1, 1};
    CHECK(pbkdf2_sha256::derive(out, as_bytes("pw"), as_bytes("s"), 0).error() ==
          crypto_error::invalid_argument);
    CHECK(ct::is_zero(out));
    CHECK(pbkdf2_sha256::derive(0, as_bytes("pw"), as_bytes("s"), 1).error() ==
          crypto_error::invalid_argument);
    // Empty password and salt are legal in RFC 8018.
    CHECK(pbkdf2_sha256::derive<16>({}, {}, 2));
}
