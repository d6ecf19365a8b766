#include <e2ekit/protocols/dimp/keys.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
using e2ekit::test::unhex;

TEST_CASE("dimp keys: every meta key and private key of accounts.json",
          "[protocols][dimp][keys][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = test::dimp::load("accounts.json");
    int n = 0;
    for (const auto& m : acc.at("metas")) {
        INFO(m.at("label").get<std::string>());
        auto pub = dimp::public_key::from_json(m.at("meta").at("key"));
        REQUIRE(pub);
        // key.data is what BTC- and ETH-style addresses hash.
        CHECK(test::tohex(pub->data()) == m.at("public_key_data_hex").get<std::string>());
        auto priv = dimp::private_key::from_json(m.at("private_key"));
        REQUIRE(priv);
        CHECK(priv->algorithm() == pub->algorithm());
        CHECK(priv->public_key() == *pub);
        // A signature by the private key verifies under the meta key, and
        // under the key written back out and read again.
        const std::string msg = "e2ekit dimp " + m.at("label").get<std::string>();
        auto sig = priv->sign(as_bytes(msg));
        REQUIRE(sig);
        CHECK(pub->verify(as_bytes(msg), *sig));
        auto again = dimp::public_key::from_json(pub->to_json());
        REQUIRE(again);
        CHECK(*again == *pub);
        CHECK(again->verify(as_bytes(msg), *sig));
        const auto stored = priv->to_json();
        auto reread = dimp::private_key::from_json(nlohmann::json::parse(as_chars(stored.view())));
        REQUIRE(reread);
        CHECK(reread->public_key() == *pub);
        CHECK(pub->clone() == *pub);
        CHECK(pub->clone().data() == pub->data());
        ++n;
    }
    CHECK(n == 10);
}

TEST_CASE("dimp keys: every algorithm alias of the README", "[protocols][dimp][keys][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = test::dimp::load("accounts.json");
    const auto& bob = test::dimp::by(acc.at("metas"), "label", "bob");
    const auto& alice = test::dimp::by(acc.at("metas"), "label", "alice");
    for (const char* alias : {"RSA", "SHA256withRSA", "RSA/ECB/PKCS1Padding"}) {
        auto k = bob.at("meta").at("key");
        k["algorithm"] = alias;
        auto p = dimp::public_key::from_json(k);
        REQUIRE(p);
        CHECK(p->algorithm() == dimp::key_algorithm::rsa);
        auto s = bob.at("private_key");
        s["algorithm"] = alias;
        CHECK(dimp::private_key::from_json(s));
    }
    for (const char* alias : {"ECC", "SHA256withECDSA"}) {
        auto k = alice.at("meta").at("key");
        k["algorithm"] = alias;
        auto p = dimp::public_key::from_json(k);
        REQUIRE(p);
        CHECK(p->algorithm() == dimp::key_algorithm::ecc);
    }
    for (const char* alias : {"AES", "AES/CBC/PKCS7Padding"}) {
        nlohmann::json k = {{"algorithm", alias},
                            {"data", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}};
        auto s = dimp::symmetric_key::from_json(k);
        REQUIRE(s);
        CHECK(s->algorithm() == dimp::key_algorithm::aes);
    }
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "PLAIN"}})->is_plain());
    CHECK(dimp::parse_algorithm("DES").error() == dimp_error::unsupported_algorithm);
    CHECK(dimp::parse_algorithm("rsa").error() == dimp_error::unsupported_algorithm);
}

TEST_CASE("dimp keys: message keys as the reference serialises them",
          "[protocols][dimp][keys][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    int n = 0;
    auto check_pipeline = [&](const nlohmann::json& p) {
        INFO(p.at("label").get<std::string>());
        auto k = dimp::symmetric_key::from_json(p.at("symmetric_key"));
        REQUIRE(k);
        if (p.at("symmetric_key_plaintext_utf8").is_null()) {
            CHECK(k->is_plain());
        } else {
            CHECK(as_chars(k->serialize().view()) ==
                  p.at("symmetric_key_plaintext_utf8").get<std::string>());
        }
        ++n;
    };
    const auto messages = test::dimp::load("messages.json");
    for (const auto& p : messages.at("pipelines"))
        check_pipeline(p);
    const auto group = test::dimp::load("group.json");
    check_pipeline(group.at("group_message"));
    for (const auto& p : group.at("hidden_group_messages"))
        check_pipeline(p);
    CHECK(n == 10);
}

TEST_CASE("dimp keys: symmetric keys, short names, IV fallbacks", "[protocols][dimp][keys]") {
    const std::string data = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    auto longk = dimp::symmetric_key::from_json({{"algorithm", "AES"}, {"data", data}});
    auto shortk = dimp::symmetric_key::from_json({{"A", "AES"}, {"D", data}});
    REQUIRE(longk);
    REQUIRE(shortk);
    CHECK(*longk == *shortk);
    CHECK(longk->view().size() == 32);
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "AES"}, {"A", "AES"}, {"data", data}})
              .error() == codec::decode_error::duplicate_field);
    // Encrypt / decrypt, and the reference's IV fallbacks: the message's IV,
    // else the key's own "iv", else zeros.
    const dimp::symmetric_key::iv_type iv{1, 2, 3};
    const std::string pt = "attack at dawn";
    const bytes ct = longk->encrypt(as_bytes(pt), iv);
    CHECK(ct.size() == 16);
    CHECK(as_chars(longk->decrypt(ct, iv)->view()) == pt);
    {
        auto wrong_iv = longk->decrypt(ct, std::nullopt);
        CHECK((!wrong_iv || as_chars(wrong_iv->view()) != pt));
    }
    const bytes zero_iv_ct = longk->encrypt(as_bytes(pt), {});
    CHECK(as_chars(longk->decrypt(zero_iv_ct, std::nullopt)->view()) == pt);
    auto with_iv = dimp::symmetric_key::from_json(
        {{"A", "AES"}, {"D", data}, {"I", "AQIDAAAAAAAAAAAAAAAAAA=="}});
    REQUIRE(with_iv);
    REQUIRE(with_iv->own_iv());
    CHECK(*with_iv->own_iv() == iv);
    CHECK(as_chars(with_iv->decrypt(ct, std::nullopt)->view()) == pt);
    auto with_upper_iv = dimp::symmetric_key::from_json(
        {{"algorithm", "AES"}, {"data", data}, {"IV", "AQIDAAAAAAAAAAAAAAAAAA=="}});
    REQUIRE(with_upper_iv);
    CHECK(*with_upper_iv->own_iv() == iv);
    // AES-128 and AES-192 keys work as well.
    for (std::size_t size : {16u, 24u}) {
        auto k = dimp::symmetric_key::aes(bytes(size, 7));
        REQUIRE(k);
        CHECK(as_chars(k->decrypt(k->encrypt(as_bytes(pt), iv), iv)->view()) == pt);
    }
    // Any bad ciphertext is the one opaque error.
    bytes bad = ct;
    bad.back() ^= 1;
    auto r = longk->decrypt(bad, iv);
    CHECK((!r || as_chars(r->view()) != pt));
    if (!r) CHECK(r.error() == dimp_error::authentication_failed);
    CHECK(longk->decrypt(bytes(15), iv).error() == dimp_error::authentication_failed);
    CHECK(longk->decrypt({}, iv).error() == dimp_error::authentication_failed);
    // PLAIN passes the bytes through.
    auto plain = dimp::symmetric_key::plain();
    CHECK(plain.encrypt(as_bytes(pt), iv) == to_bytes(as_bytes(pt)));
    CHECK(as_chars(plain.serialize().view()) == R"({"algorithm": "PLAIN"})");
    testing::deterministic_random rng(3);
    auto fresh = dimp::symmetric_key::generate_aes(rng);
    CHECK(fresh.view().size() == 32);
    CHECK(fresh.clone() == fresh);
}

TEST_CASE("dimp keys: a private key whose parts do not belong together",
          "[protocols][dimp][keys][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = test::dimp::load("accounts.json");
    auto key = test::dimp::by(acc.at("metas"), "label", "bob").at("private_key");
    REQUIRE(dimp::private_key::from_json(key));
    // One base64 digit of the modulus changed (the second line of the PEM
    // is inside n): the key still parses as DER, and must be refused.
    std::string pem = key.at("data");
    const auto line2 = pem.find('\n') + 1 + 64 + 1;
    int refused = 0;
    for (std::size_t i = line2 + 10; i < line2 + 20; ++i) {
        std::string t = pem;
        t[i] = t[i] == 'A' ? 'B' : 'A';
        key["data"] = t;
        auto k = dimp::private_key::from_json(key);
        REQUIRE_FALSE(k);
        CHECK(k.error() == dimp_error::invalid_key);
        ++refused;
    }
    CHECK(refused == 10);
}

TEST_CASE("dimp keys: bad key maps are refused with typed errors", "[protocols][dimp][keys]") {
    using codec::decode_error;
    CHECK(dimp::public_key::from_json({{"data", "x"}}).error() == decode_error::missing_field);
    CHECK(dimp::public_key::from_json({{"algorithm", "RSA"}}).error() ==
          decode_error::missing_field);
    CHECK(dimp::public_key::from_json({{"algorithm", 1}, {"data", "x"}}).error() ==
          decode_error::unexpected_type);
    CHECK(dimp::public_key::from_json(nlohmann::json::array()).error() ==
          decode_error::unexpected_type);
    CHECK(dimp::public_key::from_json({{"algorithm", "RSA"}, {"data", "garbage"}}).error() ==
          dimp_error::invalid_key);
    CHECK(dimp::public_key::from_json({{"algorithm", "ECC"}, {"data", std::string(130, 'z')}})
              .error() == dimp_error::invalid_key);
    CHECK(
        dimp::public_key::from_json({{"algorithm", "ECC"}, {"data", "04" + std::string(128, '0')}})
            .error() == dimp_error::invalid_key); // not on the curve
    CHECK(dimp::public_key::from_json({{"algorithm", "AES"}, {"data", "x"}}).error() ==
          dimp_error::unsupported_algorithm);
    CHECK(dimp::private_key::from_json({{"algorithm", "ECC"}, {"data", std::string(64, '0')}})
              .error() == dimp_error::invalid_key); // zero scalar
    CHECK(dimp::private_key::from_json({{"algorithm", "ECC"}, {"data", std::string(64, 'g')}})
              .error() == dimp_error::invalid_key);
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "AES"}, {"data", "AAEC"}}).error() ==
          dimp_error::invalid_key); // 3 bytes
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "AES"}, {"data", "!!!!"}}).error() ==
          dimp_error::invalid_key);
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "AES"}}).error() ==
          decode_error::missing_field);
    CHECK(dimp::symmetric_key::from_json({{"algorithm", "RSA"}, {"data", "x"}}).error() ==
          dimp_error::unsupported_algorithm);
    CHECK(dimp::symmetric_key::aes(bytes(31)).error() == dimp_error::invalid_key);
    // ECC keys neither encrypt nor decrypt; wrong signatures are opaque.
    testing::deterministic_random rng(9);
    auto ecc = dimp::private_key::generate_ecc(rng);
    CHECK(ecc.decrypt(bytes(128)).error() == dimp_error::unsupported_algorithm);
    CHECK(ecc.public_key().encrypt(bytes(16)).error() == dimp_error::unsupported_algorithm);
    CHECK_FALSE(ecc.public_key().can_encrypt());
    CHECK(ecc.public_key().verify(as_bytes("m"), bytes(70, 0x30)).error() ==
          dimp_error::authentication_failed);
    CHECK(ecc.public_key().verify(as_bytes("m"), {}).error() == dimp_error::authentication_failed);
}
