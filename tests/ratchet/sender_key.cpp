#include <e2ekit/ratchet/sender_key.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/ratchet/kdf.hpp>

using namespace e2ekit;

namespace {

/// Small bounds, to reach them.
struct small_params {
    using sender_key_concept = ratchet::sender_key_tag;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    using message_keys = ratchet::hkdf_iv_and_key<crypto::hkdf_sha256, "test", 16, 32>;
    static constexpr std::uint32_t max_forward = 10;
    static constexpr std::size_t max_stored_keys = 4;
    static constexpr std::string_view state_label = "test";
};
static_assert(ratchet::sender_key_params<small_params>);

// Near misses: each lacks one requirement.
struct no_tag : small_params {
    using sender_key_concept = void;
};
struct zero_forward : small_params {
    static constexpr std::uint32_t max_forward = 0;
};
struct no_label {
    using sender_key_concept = ratchet::sender_key_tag;
    using chain_kdf = small_params::chain_kdf;
    using message_keys = small_params::message_keys;
    static constexpr std::uint32_t max_forward = 10;
    static constexpr std::size_t max_stored_keys = 4;
};
static_assert(!ratchet::sender_key_params<no_tag>);
static_assert(!ratchet::sender_key_params<zero_forward>);
static_assert(!ratchet::sender_key_params<no_label>);

using chain = ratchet::sender_key<small_params>;

chain::state fresh(std::uint32_t at = 0) {
    ratchet::chain_key ck;
    ck.mutable_view()[0] = 7;
    return chain::start(std::move(ck), at);
}

bytes key_of(const chain::step& s) {
    auto v = s.keys.cipher_key();
    return bytes(v.begin(), v.end());
}

} // namespace

TEST_CASE("sender key chain: sender and receiver derive the same keys, in any order",
          "[ratchet][sender_key]") {
    chain::state tx = fresh(3);
    std::vector<bytes> sent;
    for (int i = 0; i < 6; ++i) {
        auto s = chain::encrypt_step(tx);
        REQUIRE(s);
        CHECK(s->iteration == 3u + static_cast<std::uint32_t>(i));
        sent.push_back(key_of(*s));
        tx = std::move(s->next);
    }
    chain::state rx = fresh(3);
    for (int i : {4, 1, 0, 5, 3, 2}) {
        auto s = chain::decrypt_step(rx, 3 + static_cast<std::uint32_t>(i));
        REQUIRE(s);
        CHECK(key_of(*s) == sent[static_cast<std::size_t>(i)]);
        rx = std::move(s->next);
    }
    CHECK(rx.skipped.empty());
    CHECK(chain::decrypt_step(rx, 5).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(chain::decrypt_step(rx, 0).error() == ratchet::ratchet_error::duplicate_message);
}

TEST_CASE("sender key chain: bounds", "[ratchet][sender_key]") {
    chain::state rx = fresh();
    CHECK(chain::decrypt_step(rx, 11).error() == ratchet::ratchet_error::too_far_ahead);
    auto s = chain::decrypt_step(rx, 10);
    REQUIRE(s);
    // Ten keys skipped, the newest four kept.
    REQUIRE(s->next.skipped.size() == 4);
    CHECK(s->next.skipped.front().iteration == 6);
    CHECK(chain::decrypt_step(s->next, 5).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(chain::decrypt_step(s->next, 6));
    // The state given is never changed.
    CHECK(rx == fresh());
}

TEST_CASE("sender key chain: stored form", "[ratchet][sender_key]") {
    auto s = chain::decrypt_step(fresh(), 3);
    REQUIRE(s);
    auto back = chain::from_wire(chain::to_wire(s->next));
    REQUIRE(back);
    CHECK(*back == s->next);
    auto w = chain::to_wire(s->next);
    std::swap(w.skipped[0], w.skipped[1]);
    CHECK(chain::from_wire(w).error() == ratchet::ratchet_error::bad_state);
    w = chain::to_wire(s->next);
    w.skipped[0].iteration = 9;
    CHECK(chain::from_wire(w).error() == ratchet::ratchet_error::bad_state);
}
