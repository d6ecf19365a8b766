#include <e2ekit/crypto/hkdf.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

namespace {

template <class K>
void run(const char* file) {
    auto t =
        e2ekit::test::run_wycheproof(file, [](const nlohmann::json&, const nlohmann::json& tc) {
            const auto ikm = unhex(tc.at("ikm"));
            const auto salt = unhex(tc.at("salt"));
            const auto info = unhex(tc.at("info"));
            const auto okm = unhex(tc.at("okm"));
            bytes out(tc.at("size").get<std::size_t>(), 0xAA);
            auto r = K::derive(out, ikm, salt, info);
            if (!r) {
                CHECK(r.error() == crypto_error::invalid_argument);
                CHECK(ct::is_zero(out)); // wiped on failure
                return false;
            }
            // Extract then expand gives the same bytes.
            bytes again(out.size());
            auto prk = K::extract(salt, ikm);
            CHECK(K::expand(again, prk.view(), info));
            CHECK(again == out);
            return out == okm;
        });
    CHECK(t.acceptable_accepted + t.acceptable_rejected == 0);
    CHECK(t.valid > 0);
    CHECK(t.invalid > 0); // the SizeTooLarge cases
}

} // namespace

TEST_CASE("hkdf-sha256: Wycheproof hkdf_sha256_test.json", "[crypto][hkdf][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    run<hkdf_sha256>("hkdf_sha256_test.json");
}

TEST_CASE("hkdf-sha512: Wycheproof hkdf_sha512_test.json", "[crypto][hkdf][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    run<hkdf_sha512>("hkdf_sha512_test.json");
}

// RFC 5869 Appendix A.1 and A.3 (SHA-256): with and without salt and info.
TEST_CASE("hkdf-sha256: RFC 5869 test cases 1 and 3", "[crypto][hkdf]") {
    const bytes ikm(22, 0x0b);
    const auto salt = unhex("000102030405060708090a0b0c");
    const auto info = unhex("f0f1f2f3f4f5f6f7f8f9");
    CHECK(tohex(hkdf_sha256::extract(salt, ikm).view()) ==
          "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    bytes okm(42);
    REQUIRE(hkdf_sha256::derive(okm, ikm, salt, info));
    CHECK(tohex(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                        "34007208d5b887185865");

    CHECK(tohex(hkdf_sha256::extract({}, ikm).view()) ==
          "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    REQUIRE(hkdf_sha256::derive(okm, ikm, {}, {}));
    CHECK(tohex(okm) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                        "9d201395faa4b61a96c8");
    // "Not provided" is HashLen zeros (RFC 5869 §2.2).
    bytes okm2(42);
    REQUIRE(hkdf_sha256::derive(okm2, ikm, bytes(32, 0), {}));
    CHECK(okm2 == okm);
}

TEST_CASE("hkdf: output bounds and tagged secrets", "[crypto][hkdf]") {
    bytes ikm(32, 1);
    bytes max(hkdf_sha256::max_output_size);
    CHECK(hkdf_sha256::derive(max, ikm, {}, as_bytes("x")));
    bytes over(hkdf_sha256::max_output_size + 1, 0x55);
    auto r = hkdf_sha256::derive(over, ikm, {}, as_bytes("x"));
    CHECK(r.error() == crypto_error::invalid_argument);
    CHECK(ct::is_zero(over));
    CHECK(hkdf_sha256::expand(over, ikm, {}).error() == crypto_error::invalid_argument);
    bytes none;
    CHECK(hkdf_sha256::derive(none, ikm, {}, {}));

    // Signal's message keys: 80 bytes, a prefix of any longer output.
    struct message_keys_tag;
    auto mk = hkdf_sha256::derive<80, message_keys_tag>(ikm, {}, as_bytes("WhisperMessageKeys"));
    STATIC_REQUIRE(std::is_same_v<decltype(mk), secret<80, message_keys_tag>>);
    bytes longer(100);
    REQUIRE(hkdf_sha256::derive(longer, ikm, {}, as_bytes("WhisperMessageKeys")));
    CHECK(equal_public(mk.view(), bytes_view(longer).first(80)));

    // The output may overlap the input key material.
    bytes io(32, 7);
    const auto expect = hkdf_sha256::derive<32>(io, {}, {});
    REQUIRE(hkdf_sha256::derive(io, io, {}, {}));
    CHECK(equal_public(expect.view(), io));
}
