#include <e2ekit/crypto/secp256k1.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

namespace {

/// Reads a Wycheproof group's key both ways and checks they agree.
secp256k1_public_key group_key(const nlohmann::json& g) {
    auto raw = secp256k1_public_key::parse(unhex(g.at("publicKey").at("uncompressed")));
    auto der = secp256k1_public_key::from_der(unhex(g.at("publicKeyDer")));
    auto pem = secp256k1_public_key::from_pem(g.at("publicKeyPem").get<std::string>());
    REQUIRE(raw);
    REQUIRE(der);
    REQUIRE(pem);
    CHECK(*raw == *der);
    CHECK(*raw == *pem);
    CHECK(raw->to_der() == unhex(g.at("publicKeyDer")));
    return *raw;
}

template <class Policy>
bool verify_case(const nlohmann::json& g, const nlohmann::json& tc) {
    const auto pub = group_key(g);
    auto r = Policy::verify(pub, unhex(tc.at("msg")), unhex(tc.at("sig")));
    if (!r) CHECK(r.error() == crypto_error::authentication_failed);
    return r.has_value();
}

/// Normalizes a DER signature to low-S through libsecp256k1 itself.
bytes low_s(bytes_view der) {
    const auto* ctx = secp256k1_context_static;
    secp256k1_ecdsa_signature sig;
    REQUIRE(secp256k1_ecdsa_signature_parse_der(ctx, &sig, der.data(), der.size()));
    secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
    bytes out(72);
    std::size_t n = out.size();
    REQUIRE(secp256k1_ecdsa_signature_serialize_der(ctx, out.data(), &n, &sig));
    out.resize(n);
    return out;
}

} // namespace

// Neither file has `acceptable` cases; the tallies below say so.
TEST_CASE("secp256k1: Wycheproof ecdsa_secp256k1_sha256_test.json, high-S accepted",
          "[crypto][secp256k1][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto t =
        test::run_wycheproof("ecdsa_secp256k1_sha256_test.json", [](const auto& g, const auto& tc) {
            return verify_case<ecdsa_secp256k1_sha256>(g, tc);
        });
    CHECK(t.valid == 168);
    CHECK(t.invalid == 308);
    CHECK(t.acceptable_accepted + t.acceptable_rejected == 0);
}

TEST_CASE("secp256k1: Wycheproof ecdsa_secp256k1_sha256_bitcoin_test.json, low-S only",
          "[crypto][secp256k1][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto t = test::run_wycheproof(
        "ecdsa_secp256k1_sha256_bitcoin_test.json", [](const auto& g, const auto& tc) {
            return verify_case<ecdsa_secp256k1_sha256_bitcoin>(g, tc);
        });
    CHECK(t.valid == 162);
    CHECK(t.invalid == 301);
    CHECK(t.acceptable_accepted + t.acceptable_rejected == 0);
}

TEST_CASE("secp256k1: DIMP ECC metas (keys, fingerprints, high-S)",
          "[crypto][secp256k1][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto doc = test::load_vectors("dimp/accounts.json");
    int metas = 0, fingerprints = 0, high_s = 0;
    for (const auto& m : doc.at("metas")) {
        const auto& key = m.at("meta").at("key");
        if (key.at("algorithm") != "ECC") continue;
        ++metas;
        const std::string data = key.at("data");
        // PEM SubjectPublicKeyInfo, or the 65-byte point as 130 hex digits.
        auto pub = data.size() == 130 ? secp256k1_public_key::parse(unhex(data))
                                      : secp256k1_public_key::from_pem(data);
        REQUIRE(pub);
        const bool compressed = key.contains("compressed") && key.at("compressed") == 1;
        const auto expected = unhex(m.at("public_key_data_hex"));
        CHECK((compressed ? to_bytes(pub->compressed()) : to_bytes(pub->uncompressed())) ==
              expected);
        // The private key: 64 hex digits.
        const auto scalar = unhex(m.at("private_key").at("data"));
        REQUIRE(scalar.size() == 32);
        auto priv = secp256k1::private_key_from(fixed_view<32>(scalar.data(), 32));
        REQUIRE(priv);
        CHECK(*secp256k1::public_key_of(*priv) == *pub);

        if (!m.at("meta").contains("seed")) continue;
        ++fingerprints;
        const std::string seed_text = m.at("meta").at("seed");
        const auto seed = as_bytes(seed_text);
        const auto fp = unhex(m.at("fingerprint_hex"));
        CHECK(ecdsa_secp256k1_sha256::verify(*pub, seed, fp));
        const bool is_low = m.at("fingerprint_ecdsa_low_s").get<bool>();
        CHECK(ecdsa_secp256k1_sha256_bitcoin::verify(*pub, seed, fp).has_value() == is_low);
        high_s += !is_low;
        // Both sides use RFC 6979 nonces, so e2ekit's signature is the
        // reference one, normalized to low-S.
        auto sig = ecdsa_secp256k1_sha256::sign(*priv, seed);
        REQUIRE(sig);
        CHECK(*sig == low_s(fp));
    }
    CHECK(metas >= 5);
    CHECK(fingerprints >= 2);
    CHECK(high_s >= 1); // the vectors do exercise the lax policy
}

TEST_CASE("secp256k1: private key 1 gives the generator", "[crypto][secp256k1]") {
    byte_array<32> one{};
    one[31] = 1;
    auto k = secp256k1::private_key_from(one);
    REQUIRE(k);
    auto g = secp256k1::public_key_of(*k);
    REQUIRE(g);
    // SEC 2 §2.4.1, G in compressed form.
    CHECK(tohex(g->compressed()) ==
          "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    CHECK(tohex(g->uncompressed()).substr(66) ==
          "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    auto xy = secp256k1_public_key::from_xy(fixed_view<64>(g->uncompressed().data() + 1, 64));
    REQUIRE(xy);
    CHECK(*xy == *g);
}

TEST_CASE("secp256k1: sign/verify round trip, low-S, deterministic", "[crypto][secp256k1]") {
    testing::deterministic_random rng(7);
    for (int i = 0; i < 20; ++i) {
        const auto k = secp256k1::generate(rng);
        const auto pub = *secp256k1::public_key_of(k);
        const bytes msg(static_cast<std::size_t>(i * 3), static_cast<byte>(i));
        auto sig = ecdsa_secp256k1_sha256::sign(k, msg);
        REQUIRE(sig);
        CHECK(sig->size() <= ecdsa_secp256k1_sha256::max_signature_size);
        CHECK(*sig == *ecdsa_secp256k1_sha256::sign(k, msg));
        CHECK(ecdsa_secp256k1_sha256::verify(pub, msg, *sig));
        CHECK(ecdsa_secp256k1_sha256_bitcoin::verify(pub, msg, *sig)); // signing is low-S
        auto again = secp256k1_public_key::parse(pub.compressed());
        REQUIRE(again);
        CHECK(*again == pub);
        CHECK(*secp256k1_public_key::from_der(pub.to_der(true)) == pub);
        CHECK(*secp256k1_public_key::from_pem(pub.to_pem()) == pub);
    }
}

TEST_CASE("secp256k1: bad keys and signatures are typed errors", "[crypto][secp256k1]") {
    byte_array<32> zero{};
    CHECK(secp256k1::private_key_from(zero).error() == crypto_error::invalid_key);
    // n itself (SEC 2 §2.4.1) is out of range.
    const auto n = unhex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    CHECK(secp256k1::private_key_from(fixed_view<32>(n.data(), 32)).error() ==
          crypto_error::invalid_key);
    CHECK(ecdsa_secp256k1_sha256::sign(secp256k1_private_key{}, as_bytes("m")).error() ==
          crypto_error::invalid_key);

    testing::deterministic_random rng(8);
    const auto k = secp256k1::generate(rng);
    const auto pub = *secp256k1::public_key_of(k);
    auto point = pub.uncompressed();
    CHECK(secp256k1_public_key::parse(bytes_view(point).first(64)).error() ==
          crypto_error::invalid_key);
    point[0] = 0x06; // hybrid form
    CHECK(secp256k1_public_key::parse(point).error() == crypto_error::invalid_key);
    point[0] = 0x04;
    point[64] ^= 1; // off the curve
    CHECK(secp256k1_public_key::parse(point).error() == crypto_error::invalid_key);
    CHECK(secp256k1_public_key::parse({}).error() == crypto_error::invalid_key);
    CHECK(secp256k1_public_key::from_der(bytes{0x30, 0x00}).error() == crypto_error::invalid_key);
    CHECK(secp256k1_public_key::from_pem("garbage").error() == crypto_error::invalid_key);

    const bytes sig = *ecdsa_secp256k1_sha256::sign(k, as_bytes("msg"));
    auto bad = [&](bytes_view m, bytes_view s) {
        auto r = ecdsa_secp256k1_sha256::verify(pub, m, s);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::authentication_failed);
    };
    bad(as_bytes("msh"), sig);
    bad(as_bytes("msg"), bytes_view(sig).first(sig.size() - 1));
    bad(as_bytes("msg"), concat(sig, bytes{0}));
    bad(as_bytes("msg"), {});
    bytes flipped = sig;
    flipped[sig.size() - 1] ^= 1;
    bad(as_bytes("msg"), flipped);
}

TEST_CASE("secp256k1: private keys from PKCS#8 and SEC 1 PEM", "[crypto][secp256k1]") {
    // Made by OpenSSL directly, for private key 1.
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1");
    REQUIRE(k);
    BIGNUM* d = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
    byte_array<32> scalar{};
    REQUIRE(BN_bn2binpad(d, scalar.data(), 32) == 32);
    BN_clear_free(d);

    unsigned char* der = nullptr;
    int n = i2d_PrivateKey(k, &der); // SEC 1 ECPrivateKey
    REQUIRE(n > 0);
    auto sec1 = secp256k1::private_key_from_der({der, static_cast<std::size_t>(n)});
    OPENSSL_free(der);
    REQUIRE(sec1);
    CHECK(equal_public(sec1->view(), scalar));

    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(k);
    der = nullptr;
    n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    REQUIRE(n > 0);
    const std::string pem = crypto::detail::evp::write_pem<crypto::detail::evp::pem_string>(
                                "PRIVATE KEY", {der, static_cast<std::size_t>(n)})
                                .s;
    auto pkcs8 = secp256k1::private_key_from_pem(pem);
    OPENSSL_free(der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(k);
    REQUIRE(pkcs8);
    CHECK(equal_public(pkcs8->view(), scalar));

    // An RSA key or a P-256 key is not a secp256k1 key.
    EVP_PKEY* p256 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    REQUIRE(p256);
    unsigned char* spki = nullptr;
    n = i2d_PUBKEY(p256, &spki);
    CHECK(secp256k1_public_key::from_der({spki, static_cast<std::size_t>(n)}).error() ==
          crypto_error::unsupported);
    OPENSSL_free(spki);
    EVP_PKEY_free(p256);
    CHECK(ERR_peek_error() == 0);
}
