#include <e2ekit/crypto/hmac.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <e2ekit/core/random.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

// One Wycheproof MAC case; `tag` in the file is already truncated to the
// group's tagSize. Checks the one-shot, keyed and computed forms agree.
template <class M>
bool wycheproof_case(const nlohmann::json& tc) {
    const auto key = unhex(tc.at("key"));
    const auto msg = unhex(tc.at("msg"));
    const auto tag = unhex(tc.at("tag"));
    const bool one_shot = M::verify(key, tag, msg).has_value();
    const typename M::keyed k(key);
    CHECK(k.verify(tag, msg).has_value() == one_shot);
    // Split message, same verdict.
    const bytes_view m(msg);
    CHECK(M::verify(key, tag, m.first(m.size() / 2), m.subspan(m.size() / 2)).has_value() ==
          one_shot);
    if (one_shot) {
        typename M::tag full;
        M::compute(full, key, msg);
        CHECK(equal_public(bytes_view(full).first(tag.size()), tag));
        CHECK(k.tag_of(msg) == full);
    } else {
        CHECK(M::verify(key, tag, msg).error() == crypto_error::authentication_failed);
    }
    return one_shot;
}

template <class M>
void run(const char* file) {
    auto t =
        e2ekit::test::run_wycheproof(file, [](const nlohmann::json&, const nlohmann::json& tc) {
            return wycheproof_case<M>(tc);
        });
    CHECK(t.acceptable_accepted + t.acceptable_rejected == 0);
    INFO(file << ": " << t.valid << " valid, " << t.invalid << " invalid");
    CHECK(t.valid > 0);
    CHECK(t.invalid > 0);
}

} // namespace

TEST_CASE("hmac-sha256: Wycheproof hmac_sha256_test.json", "[crypto][hmac][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    run<hmac_sha256>("hmac_sha256_test.json");
    run<hmac<sha256_evp>>("hmac_sha256_test.json");
}

TEST_CASE("hmac-sha512: Wycheproof hmac_sha512_test.json", "[crypto][hmac][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    run<hmac_sha512>("hmac_sha512_test.json");
    run<hmac<sha512_evp>>("hmac_sha512_test.json");
}

// RFC 4231 §4.2 (test case 1), so the unit run has a known answer too.
TEST_CASE("hmac-sha2: RFC 4231 test case 1", "[crypto][hmac]") {
    const bytes key(20, 0x0b);
    CHECK(e2ekit::test::tohex(hmac_sha256::tag_of(key, as_bytes("Hi There"))) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(e2ekit::test::tohex(hmac_sha512::tag_of(key, as_bytes("Hi "), as_bytes("There"))) ==
          "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
          "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
}

TEMPLATE_TEST_CASE("hmac: truncated tags, parts and keys", "[crypto][hmac]", hmac_sha256,
                   hmac_sha512, hmac<sha256_evp>) {
    using M = TestType;
    testing::deterministic_random rng(9);
    bytes key(M::tag_size), msg(100);
    rng.fill(key);
    rng.fill(msg);
    typename M::tag full;
    M::compute(full, key, msg);
    const bytes_view f(full);

    // Signal's 8-byte MAC and any prefix down to min_tag_size verify.
    for (std::size_t n = M::min_tag_size; n <= M::tag_size; ++n)
        CHECK(M::verify(key, f.first(n), msg));
    // Shorter prefixes, empty and over-long tags do not.
    CHECK_FALSE(M::verify(key, f.first(M::min_tag_size - 1), msg));
    CHECK_FALSE(M::verify(key, bytes_view{}, msg));
    CHECK_FALSE(M::verify(key, concat(f, bytes{0}), msg));
    // A flipped bit anywhere in the tag, key or message fails.
    for (std::size_t i = 0; i < M::tag_size; ++i) {
        auto t = full;
        t[i] ^= 0x01;
        CHECK(M::verify(key, t, msg).error() == crypto_error::authentication_failed);
    }
    auto k2 = key;
    k2[0] ^= 0x80;
    CHECK_FALSE(M::verify(k2, full, msg));
    auto m2 = msg;
    m2.back() ^= 1;
    CHECK_FALSE(M::verify(key, full, m2));

    // A ratchet step in place: ck = HMAC(ck, 0x02), the output aliasing the key.
    typename M::tag ck = full;
    const auto expect = M::tag_of(ck, byte_array<1>{0x02});
    M::compute(ck, ck, byte_array<1>{0x02});
    CHECK(ck == expect);

    // Keys longer than a block are hashed first (RFC 2104 §2).
    bytes long_key(M::hash_type::block_size + 1, 0x42);
    typename M::hash_type::digest hk;
    M::hash_type::hash(hk, long_key);
    CHECK(M::tag_of(long_key, msg) == M::tag_of(hk, msg));
    // A block-sized key is used as it is.
    bytes block_key(M::hash_type::block_size, 0x42);
    CHECK(M::tag_of(block_key, msg) != M::tag_of(long_key, msg));

    // An empty key equals a key of zeros up to the block size.
    CHECK(M::tag_of(bytes{}, msg) == M::tag_of(bytes(M::tag_size, 0), msg));

    // The keyed object is reusable and matches the one-shot form.
    const typename M::keyed k(key);
    for (byte c = 0; c < 4; ++c)
        CHECK(k.tag_of(byte_array<1>{c}) == M::tag_of(key, byte_array<1>{c}));
}
