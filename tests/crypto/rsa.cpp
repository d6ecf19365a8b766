#include <e2ekit/crypto/rsa.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

/// The base64 between the armour lines of a PEM string.
std::string_view body_of(std::string_view pem) {
    const auto begin = pem.find('\n') + 1;
    return pem.substr(begin, pem.rfind("-----END") - begin);
}

const rsa_private_key& test_key() {
    static const rsa_private_key k = rsa_private_key::generate(1024);
    return k;
}

} // namespace

TEST_CASE("rsa: Wycheproof rsa_pkcs1_2048_test.json", "[crypto][rsa][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    // Every group's key is read from both its PKCS#8 DER and its PEM; a
    // valid case must decrypt to exactly `msg`, an invalid one must fail
    // with the one opaque error. (OpenSSL 3.0 has no implicit rejection,
    // which would turn invalid cases into random "messages".)
    const auto t =
        test::run_wycheproof("rsa_pkcs1_2048_test.json", [](const auto& g, const auto& tc) {
            auto key = rsa_private_key::from_der(unhex(g.at("privateKeyPkcs8")));
            auto key_pem =
                rsa_private_key::from_pem(g.at("privateKeyPem").template get<std::string>());
            REQUIRE(key);
            REQUIRE(key_pem);
            CHECK(key->to_der() == key_pem->to_der());
            const auto ct = unhex(tc.at("ct"));
            auto pt = rsa_pkcs1_v15::decrypt(*key, ct);
            if (!pt) {
                CHECK(pt.error() == crypto_error::authentication_failed);
                return false;
            }
            return equal_public(pt->view(), unhex(tc.at("msg")));
        });
    CHECK(t.valid == 42);
    CHECK(t.invalid == 25);
}

TEST_CASE("rsa: Wycheproof rsa_signature_2048_sha256_test.json", "[crypto][rsa][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    // `acceptable` (tcId 8, DigestInfo without the NULL parameter): e2ekit
    // rejects it, because OpenSSL compares the whole encoded block against
    // the one encoding RFC 8017 §9.2 note 1 says to produce.
    const auto t = test::run_wycheproof(
        "rsa_signature_2048_sha256_test.json", [](const auto& g, const auto& tc) {
            auto spki = rsa_public_key::from_der(unhex(g.at("publicKeyDer")));
            auto pkcs1 = rsa_public_key::from_der(unhex(g.at("publicKeyAsn")));
            auto pem = rsa_public_key::from_pem(g.at("publicKeyPem").template get<std::string>());
            REQUIRE(spki);
            REQUIRE(pkcs1);
            REQUIRE(pem);
            CHECK(*spki == *pkcs1);
            CHECK(*spki == *pem);
            CHECK(spki->to_der(rsa_public_format::pkcs1) == unhex(g.at("publicKeyAsn")));
            auto r = rsa_pkcs1_v15_sha256::verify(*spki, unhex(tc.at("msg")), unhex(tc.at("sig")));
            if (!r) CHECK(r.error() == crypto_error::authentication_failed);
            return r.has_value();
        });
    CHECK(t.valid == 9);
    CHECK(t.invalid == 249);
    CHECK(t.acceptable_rejected == 1);
}

TEST_CASE("rsa: DIMP keys as the reference implementation writes them", "[crypto][rsa][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto doc = test::load_vectors("dimp/accounts.json");
    int rsa_metas = 0, fingerprints = 0;
    for (const auto& m : doc.at("metas")) {
        const auto& key = m.at("meta").at("key");
        if (key.at("algorithm") != "RSA") continue;
        ++rsa_metas;
        // "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----", no final newline.
        auto pub = rsa_public_key::from_pem(key.at("data").get<std::string>());
        REQUIRE(pub);
        CHECK(pub->bits() == 1024);
        CHECK(pub->to_der() == unhex(m.at("public_key_data_hex")));
        // PKCS#1 "RSA PRIVATE KEY".
        auto priv = rsa_private_key::from_pem(m.at("private_key").at("data").get<std::string>());
        REQUIRE(priv);
        CHECK(priv->public_key() == *pub);
        if (m.at("meta").contains("seed")) {
            // The meta fingerprint: SHA256withRSA over the seed's UTF-8,
            // deterministic, so signing reproduces it.
            ++fingerprints;
            const auto seed = m.at("meta").at("seed").get<std::string>();
            const auto fp = unhex(m.at("fingerprint_hex"));
            CHECK(rsa_pkcs1_v15_sha256::verify(*pub, as_bytes(seed), fp));
            CHECK(rsa_pkcs1_v15_sha256::sign(*priv, as_bytes(seed)) == fp);
        }
    }
    CHECK(rsa_metas >= 2);
    CHECK(fingerprints >= 1);
}

TEST_CASE("rsa: encrypt/decrypt and sign/verify round trips", "[crypto][rsa]") {
    const auto& priv = test_key();
    const auto pub = priv.public_key();
    CHECK(pub.bits() == 1024);
    CHECK(pub.size() == 128);
    for (std::size_t n : {std::size_t{0}, std::size_t{32}, rsa_pkcs1_v15::max_message_size(pub)}) {
        const bytes msg(n, 0x5a);
        auto ct = rsa_pkcs1_v15::encrypt(pub, msg);
        REQUIRE(ct);
        CHECK(ct->size() == 128);
        auto pt = rsa_pkcs1_v15::decrypt(priv, *ct);
        REQUIRE(pt);
        CHECK(equal_public(pt->view(), msg));
        // Randomised padding.
        CHECK(*rsa_pkcs1_v15::encrypt(pub, msg) != *ct);
    }
    CHECK(rsa_pkcs1_v15::encrypt(pub, bytes(118)).error() == crypto_error::invalid_argument);

    const bytes sig = rsa_pkcs1_v15_sha256::sign(priv, as_bytes("hello"));
    CHECK(sig.size() == 128);
    CHECK(rsa_pkcs1_v15_sha256::verify(pub, as_bytes("hello"), sig));
    CHECK(rsa_pkcs1_v15_sha256::sign(priv, as_bytes("hello")) == sig);
}

TEST_CASE("rsa: tampered, truncated and foreign inputs are the one opaque error", "[crypto][rsa]") {
    const auto& priv = test_key();
    const auto pub = priv.public_key();
    const auto other = rsa_private_key::generate(1024);
    auto ct = *rsa_pkcs1_v15::encrypt(pub, as_bytes("key"));
    const bytes sig = rsa_pkcs1_v15_sha256::sign(priv, as_bytes("msg"));

    auto bad_decrypt = [&](const rsa_private_key& k, bytes_view c) {
        auto r = rsa_pkcs1_v15::decrypt(k, c);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::authentication_failed);
    };
    bad_decrypt(priv, bytes_view(ct).first(127));
    bad_decrypt(priv, concat(ct, bytes{0}));
    bad_decrypt(priv, concat(bytes{0}, bytes_view(ct).first(127))); // left-padded, short
    bad_decrypt(priv, {});
    bad_decrypt(priv, bytes(128, 0xff)); // above n
    bad_decrypt(other, ct);

    auto bad_verify = [&](const rsa_public_key& k, bytes_view m, bytes_view s) {
        auto r = rsa_pkcs1_v15_sha256::verify(k, m, s);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::authentication_failed);
    };
    bad_verify(pub, as_bytes("msh"), sig);
    bytes flipped = sig;
    flipped[100] ^= 1;
    bad_verify(pub, as_bytes("msg"), flipped);
    bad_verify(pub, as_bytes("msg"), bytes_view(sig).first(127));
    bad_verify(pub, as_bytes("msg"), {});
    bad_verify(other.public_key(), as_bytes("msg"), sig);
}

TEST_CASE("rsa: DER and PEM export round trips in every format", "[crypto][rsa]") {
    const auto& priv = test_key();
    const auto pub = priv.public_key();
    for (auto f : {rsa_public_format::spki, rsa_public_format::pkcs1}) {
        auto d = rsa_public_key::from_der(pub.to_der(f));
        REQUIRE(d);
        CHECK(*d == pub);
        auto p = rsa_public_key::from_pem(pub.to_pem(f));
        REQUIRE(p);
        CHECK(*p == pub);
    }
    CHECK(pub.to_pem().rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
    CHECK(pub.to_pem(rsa_public_format::pkcs1).rfind("-----BEGIN RSA PUBLIC KEY-----\n", 0) == 0);
    for (auto f : {rsa_private_format::pkcs8, rsa_private_format::pkcs1}) {
        const secret_bytes der = priv.to_der(f);
        auto d = rsa_private_key::from_der(der.view());
        REQUIRE(d);
        CHECK(d->to_der(f) == der);
        const secret_bytes pem = priv.to_pem(f);
        auto p = rsa_private_key::from_pem(as_chars(pem.view()));
        REQUIRE(p);
        CHECK(p->to_der(f) == der);
        CHECK(p->public_key() == pub);
    }
    // PEM lines are 64 characters (RFC 7468 §2).
    const std::string pem = pub.to_pem();
    CHECK(pem.find('\n', 27) - 27 == 64);
}

TEST_CASE("rsa: PEM is read leniently, as deployed DIMP peers write it", "[crypto][rsa]") {
    const auto& priv = test_key();
    const auto pub = priv.public_key();
    const std::string pem = pub.to_pem();
    const std::string body = pem.substr(27, pem.size() - 27 - 25);
    const secret_bytes priv_pem = priv.to_pem(rsa_private_format::pkcs1);
    const std::string priv_text(as_chars(priv_pem.view()));

    const std::string variants[] = {
        pem.substr(0, pem.size() - 1),    // no final newline (the DIMP vectors)
        replace_all(pem, "\n", ""),       // one line
        replace_all(pem, "\n", "\r\n"),   // CRLF
        replace_all(pem, "\n", "\n    "), // indented
        "  \n" + pem + "\n\n",            // surrounding whitespace
        "comment line\n" + pem + "trailer",
        body,                        // bare base64 body
        replace_all(body, "\n", ""), // bare, one line
        priv_text + pem,             // private block first, then the public one
    };
    for (const auto& v : variants) {
        INFO(v);
        auto k = rsa_public_key::from_pem(v);
        REQUIRE(k);
        CHECK(*k == pub);
    }
    // A private block followed by a public one, read as private (the DIMP
    // Python client cuts out the RSA PRIVATE KEY block the same way).
    auto both = rsa_private_key::from_pem(pem + replace_all(priv_text, "\n", ""));
    REQUIRE(both);
    CHECK(both->public_key() == pub);

    // Unpadded base64 is accepted too.
    std::string unpadded = replace_all(body, "=", "");
    CHECK(rsa_public_key::from_pem(unpadded));
}

TEST_CASE("rsa: malformed keys are typed errors, never crashes", "[crypto][rsa]") {
    const auto& priv = test_key();
    const auto pub = priv.public_key();
    const std::string pem = pub.to_pem();
    const bytes der = pub.to_der();

    auto err = [](auto r) { return r ? std::error_code{} : r.error(); };
    CHECK(err(rsa_public_key::from_pem("")) == crypto_error::invalid_key);
    CHECK(err(rsa_public_key::from_pem("   \n")) == crypto_error::invalid_key);
    CHECK(err(rsa_public_key::from_pem("not base64 at all!")) == crypto_error::invalid_key);
    CHECK(err(rsa_public_key::from_pem(pem.substr(0, 100))) == crypto_error::invalid_key);
    CHECK(err(rsa_public_key::from_pem("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----")) ==
          crypto_error::invalid_key);
    CHECK(err(rsa_public_key::from_pem(replace_all(pem, "PUBLIC KEY", "CERTIFICATE"))) ==
          crypto_error::unsupported);
    CHECK(err(rsa_private_key::from_pem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                                        "DEK-Info: AES-128-CBC,00\n\nAAAA\n"
                                        "-----END RSA PRIVATE KEY-----\n")) ==
          crypto_error::unsupported);
    // A byte >= 0x80 in the body is not a base64 digit (libsodium 1.0.18
    // alone would take it for one).
    for (std::string bad : {pem, std::string(body_of(pem))}) {
        bad[40] = static_cast<char>(0xf5);
        CHECK(err(rsa_public_key::from_pem(bad)) == crypto_error::invalid_key);
    }
    CHECK_FALSE(e2ekit::crypto::detail::evp::decode_base64_ct("AAA\xf5"));
    CHECK(e2ekit::crypto::detail::evp::decode_base64_ct("AAAA"));
    // A public key is not a private one, and the other way round.
    CHECK_FALSE(rsa_private_key::from_pem(pem));
    CHECK_FALSE(rsa_private_key::from_der(der));
    CHECK_FALSE(rsa_public_key::from_der(priv.to_der().view()));

    // Truncated, extended and bit-flipped DER.
    CHECK_FALSE(rsa_public_key::from_der({}));
    for (std::size_t n = 1; n < der.size(); n += 7)
        CHECK_FALSE(rsa_public_key::from_der(bytes_view(der).first(n)));
    CHECK(err(rsa_public_key::from_der(concat(der, bytes{0}))) == crypto_error::invalid_key);
    for (std::size_t i = 0; i < der.size(); i += 3) {
        bytes t = der;
        t[i] ^= 0x40;
        auto r = rsa_public_key::from_der(t); // may parse (a different modulus); must not crash
        if (!r)
            CHECK(r.error().category() == std::error_code(crypto_error::invalid_key).category());
    }
    const secret_bytes pd = priv.to_der(rsa_private_format::pkcs1);
    for (std::size_t n = 1; n < pd.size(); n += 13)
        CHECK_FALSE(rsa_private_key::from_der(pd.view().first(n)));
    CHECK(ERR_peek_error() == 0); // nothing left on OpenSSL's error queue
}

TEST_CASE("rsa: key sizes out of bounds", "[crypto][rsa]") {
    CHECK_THROWS_AS(rsa_private_key::generate(512), std::invalid_argument);
    CHECK_THROWS_AS(rsa_private_key::generate(20000), std::invalid_argument);
    // A 512-bit key made by OpenSSL directly is refused on import.
    EVP_PKEY* small = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{512});
    REQUIRE(small);
    unsigned char* p = nullptr;
    const int n = i2d_PUBKEY(small, &p);
    REQUIRE(n > 0);
    auto r = rsa_public_key::from_der({p, static_cast<std::size_t>(n)});
    CHECK(r.error() == crypto_error::invalid_key);
    OPENSSL_free(p);
    EVP_PKEY_free(small);
}
