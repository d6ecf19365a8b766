#include <e2ekit/protocols/oldmemo/payload.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
using e2ekit::test::unhex;

TEST_CASE("oldmemo payload: round trip, key material key ‖ tag", "[protocols][oldmemo][payload]") {
    testing::deterministic_random rng(31);
    for (std::size_t n : {1u, 15u, 16u, 17u, 1000u}) {
        bytes pt(n);
        rng.fill(pt);
        auto enc = om::encrypt_plaintext(rng, pt);
        CHECK(enc.content.ciphertext.size() == n); // the tag is not in <payload>
        CHECK(enc.content.iv.size() == 12);
        CHECK_FALSE(enc.content.empty());
        CHECK(enc.key_material.view().size() == 32);
        CHECK(enc.key_material.auth_tag().size() == 16);
        CHECK_FALSE(enc.key_material.for_empty_message());
        auto dec = om::decrypt_plaintext(enc.content, enc.key_material);
        REQUIRE(dec);
        CHECK(equal_public(dec->view(), pt));
        // The tag is AES-128-GCM's over the ciphertext, no associated data.
        auto combined = crypto::aes_128_gcm::open(
            enc.key_material.key(), fixed_view<12>(enc.content.iv.data(), 12), {},
            concat(enc.content.ciphertext, enc.key_material.auth_tag()));
        REQUIRE(combined);
        CHECK(equal_public(combined->view(), pt));
    }
}

TEST_CASE("oldmemo payload: empty messages", "[protocols][oldmemo][payload]") {
    testing::deterministic_random rng(32);
    auto e = om::encrypt_empty(rng);
    CHECK(e.content.empty());
    CHECK(e.content.iv.size() == 12);
    CHECK(e.key_material.view().size() == 16);
    CHECK(e.key_material.for_empty_message());
    CHECK(om::decrypt_plaintext(e.content, e.key_material).error() ==
          om::oldmemo_error::empty_content);
    auto full = om::encrypt_plaintext(rng, bytes{1, 2, 3});
    CHECK(om::decrypt_plaintext(full.content, e.key_material).error() ==
          om::oldmemo_error::empty_content);
    CHECK(om::decrypt_plaintext(e.content, full.key_material).error() ==
          om::oldmemo_error::empty_content);
    // A zero-byte plaintext reads as an empty message, as in python-oldmemo.
    CHECK(om::encrypt_plaintext(rng, bytes{}).content.empty());
}

TEST_CASE("oldmemo payload: refusals", "[protocols][oldmemo][payload]") {
    testing::deterministic_random rng(33);
    const bytes pt(40, 0x61);
    auto enc = om::encrypt_plaintext(rng, pt);
    for (std::size_t i = 0; i < enc.content.ciphertext.size(); i += 9) {
        auto c = enc.content;
        c.ciphertext[i] ^= 1;
        CHECK(om::decrypt_plaintext(c, enc.key_material).error() ==
              envelope::envelope_error::authentication_failed);
    }
    auto c = enc.content;
    c.iv[0] ^= 1;
    CHECK(om::decrypt_plaintext(c, enc.key_material).error() == condition::authentication_failed);
    bytes material(enc.key_material.view().begin(), enc.key_material.view().end());
    for (std::size_t i : {0u, 15u, 16u, 31u}) {
        bytes m = material;
        m[i] ^= 0x80;
        auto km = om::plain_key_material::from_bytes(m);
        REQUIRE(km);
        CHECK(om::decrypt_plaintext(enc.content, *km).error() == condition::authentication_failed);
    }
    for (std::size_t n : {0u, 15u, 17u, 31u, 33u, 48u})
        CHECK(om::plain_key_material::from_bytes(bytes(n)).error() ==
              om::oldmemo_error::bad_key_material);
    for (std::size_t n : {0u, 7u, 129u}) {
        auto d = enc.content;
        d.iv.assign(n, 0);
        CHECK(om::decrypt_plaintext(d, enc.key_material).error() == om::oldmemo_error::bad_iv);
    }
}

TEST_CASE("oldmemo payload: 16-byte IVs of older clients", "[protocols][oldmemo][payload]") {
    testing::deterministic_random rng(34);
    const auto key = random_array<16>(rng);
    const auto iv = random_array<16>(rng);
    const bytes pt{'h', 'i'};
    bytes ct(pt.size());
    byte_array<16> tag;
    REQUIRE(crypto::hazmat::aes_gcm_any_iv<128>::seal_detached(ct, tag, key, iv, {}, pt));
    auto km = om::plain_key_material::from_bytes(concat(key, tag));
    REQUIRE(km);
    auto dec = om::decrypt_plaintext({ct, bytes(iv.begin(), iv.end())}, *km);
    REQUIRE(dec);
    CHECK(equal_public(dec->view(), pt));
}

// Wycheproof aes_gcm_test.json: every AES-128 case without associated data
// whose IV python-oldmemo's GCM takes (8 to 128 bytes), as <payload>, <iv>
// and key ‖ tag.
TEST_CASE("oldmemo payload: Wycheproof AES-128-GCM", "[protocols][oldmemo][payload][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto doc = test::load_vectors("wycheproof/aes_gcm_test.json");
    int valid = 0, invalid = 0;
    for (const auto& g : doc.at("testGroups")) {
        if (g.at("keySize") != 128 || g.at("tagSize") != 128) continue;
        const int iv_bits = g.at("ivSize");
        if (iv_bits < 64 || iv_bits > 1024) continue;
        for (const auto& tc : g.at("tests")) {
            if (!tc.at("aad").get<std::string>().empty()) continue;
            INFO("tcId " << tc.at("tcId").get<int>());
            auto km = om::plain_key_material::from_bytes(
                concat(unhex(tc.at("key")), unhex(tc.at("tag"))));
            REQUIRE(km);
            const bytes ct = unhex(tc.at("ct"));
            auto dec = om::decrypt_plaintext({ct, unhex(tc.at("iv"))}, *km);
            if (ct.empty()) continue; // an empty ciphertext is an empty message here
            if (tc.at("result") == "acceptable") continue;
            if (tc.at("result") == "valid") {
                REQUIRE(dec);
                CHECK(equal_public(dec->view(), unhex(tc.at("msg"))));
                ++valid;
            } else {
                CHECK_FALSE(dec);
                ++invalid;
            }
        }
    }
    CHECK(valid > 10);
    CHECK(invalid > 10);
}
