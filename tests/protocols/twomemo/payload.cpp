#include <e2ekit/protocols/twomemo/payload.hpp>

#include <catch2/catch.hpp>

#include <string_view>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo payload: HKDF \"OMEMO Payload\", AES-256-CBC, 16-byte HMAC",
          "[protocols][twomemo]") {
    testing::deterministic_random rng(81);
    const std::string_view text = "an OMEMO 2 message body";
    auto p = om::encrypt_plaintext(rng, as_bytes(text));
    CHECK_FALSE(p.ciphertext.empty());
    CHECK_FALSE(p.key_material.empty());
    CHECK(p.key_material.view().size() == 48);
    // The parts, computed with the primitives directly (Twomemo.encrypt_plaintext).
    const byte_array<32> zero{};
    const auto okm =
        crypto::hkdf_sha256::derive<80>(p.key_material.key(), zero, as_bytes("OMEMO Payload"));
    const auto v = okm.view();
    CHECK(p.ciphertext.ciphertext ==
          crypto::aes_256_cbc::encrypt(v.first<32>(), v.last<16>(), as_bytes(text)));
    const auto t = crypto::hmac_sha256::tag_of(v.subspan<32, 32>(), p.ciphertext.ciphertext);
    CHECK(std::equal(p.key_material.tag().begin(), p.key_material.tag().end(), t.begin()));

    auto back = om::decrypt_plaintext(p.ciphertext, p.key_material);
    REQUIRE(back);
    CHECK(as_chars(back->view()) == text);
    // Another key each time.
    auto q = om::encrypt_plaintext(rng, as_bytes(text));
    CHECK_FALSE(q.key_material == p.key_material);
    CHECK(om::encrypt_plaintext(rng, bytes{}).ciphertext.ciphertext.size() == 16);
}

TEST_CASE("twomemo payload: forgeries are one opaque failure", "[protocols][twomemo]") {
    testing::deterministic_random rng(82);
    auto p = om::encrypt_plaintext(rng, as_bytes("body"));
    auto c = p.ciphertext;
    c.ciphertext[0] ^= 1;
    CHECK(om::decrypt_plaintext(c, p.key_material).error() ==
          envelope::envelope_error::authentication_failed);
    bytes raw(p.key_material.view().begin(), p.key_material.view().end());
    raw[40] ^= 1; // the tag
    auto forged = om::plain_key_material::from_bytes(raw);
    REQUIRE(forged);
    CHECK(om::decrypt_plaintext(p.ciphertext, *forged).error() == condition::authentication_failed);
    raw[40] ^= 1;
    raw[0] ^= 1; // the key
    forged = om::plain_key_material::from_bytes(raw);
    REQUIRE(forged);
    CHECK(om::decrypt_plaintext(p.ciphertext, *forged).error() ==
          envelope::envelope_error::authentication_failed);
    // The empty form has no tag: it opens no payload.
    CHECK(om::decrypt_plaintext(p.ciphertext, om::plain_key_material::make_empty()).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(om::decrypt_plaintext(om::content{}, p.key_material).error() ==
          om::twomemo_error::empty_content);
}

TEST_CASE("twomemo payload: empty messages and key material forms", "[protocols][twomemo]") {
    testing::deterministic_random rng(83);
    auto e = om::encrypt_empty(rng);
    CHECK(e.ciphertext.empty());
    CHECK(e.key_material.empty());
    // PlainKeyMaterialImpl.make_empty: 32 zero bytes, no tag.
    CHECK(e.key_material.view().size() == 32);
    for (auto b : e.key_material.view())
        CHECK(b == 0);
    auto back = om::plain_key_material::from_bytes(e.key_material.view());
    REQUIRE(back);
    CHECK(*back == e.key_material);
    for (std::size_t n : {0, 16, 31, 33, 47, 49, 64}) {
        const bytes b(n, 1);
        CHECK(om::plain_key_material::from_bytes(b).error() == om::twomemo_error::bad_key_material);
    }
    auto p = om::encrypt_plaintext(rng, as_bytes("x"));
    auto full = om::plain_key_material::from_bytes(p.key_material.view());
    REQUIRE(full);
    CHECK(*full == p.key_material);
    CHECK(full->clone() == p.key_material);
    CHECK_FALSE(*full == e.key_material);
}
