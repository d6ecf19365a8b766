#include <e2ekit/ratchet/sender_key.hpp>

#include <catch2/catch.hpp>

#include "../support/sender_key_archetype.hpp"

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/ratchet/kdf.hpp>

#include <limits>
#include <vector>

using namespace e2ekit;
using ratchet::ratchet_error;

namespace {

/// Signal's shape from kdf.hpp's building blocks, with small bounds.
struct small_params {
    using sender_key_concept = ratchet::sender_key_tag;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    using message_keys = ratchet::hkdf_iv_and_key<crypto::hkdf_sha256, "test", 16, 32>;
    static constexpr std::uint32_t max_forward = 10;
    static constexpr std::size_t max_stored_keys = 4;
    static constexpr std::string_view state_label = "test";
};
static_assert(ratchet::sender_key_params<small_params>);

// Near misses of sender_key_params: each lacks exactly one requirement.
using base = test::sender_key_archetype;
struct no_tag : base {
    using sender_key_concept = void;
};
struct other_tag : base {
    using sender_key_concept = ratchet::double_ratchet_tag;
};
struct no_chain_kdf : base {
    struct chain_kdf {};
};
struct chain_kdf_wrong_type : base {
    struct chain_kdf {
        static ratchet::root_step step(const ratchet::chain_key&);
    };
};
struct no_derive : base {
    struct message_keys {
        message_keys(message_keys&&) noexcept = default;
    };
};
struct copyable_keys : base {
    struct message_keys {
        static message_keys derive(const ratchet::message_key&);
    };
};
struct no_max_forward : base {
    static constexpr const char* max_forward = "far";
};
struct zero_forward : base {
    static constexpr std::uint32_t max_forward = 0;
};
struct no_max_stored : base {
    static constexpr const char* max_stored_keys = "many";
};
struct zero_stored : base {
    static constexpr std::size_t max_stored_keys = 0;
};
struct no_label : base {
    static constexpr int state_label = 1;
};

/// The bytes of one message's keys, whatever the params' key type.
template <class K>
bytes key_bytes(const K& k) {
    if constexpr (requires { k.view(); }) {
        auto v = k.view();
        return bytes(v.begin(), v.end());
    } else {
        auto iv = k.iv();
        auto key = k.cipher_key();
        bytes out(iv.begin(), iv.end());
        out.insert(out.end(), key.begin(), key.end());
        return out;
    }
}

template <class Chain>
typename Chain::state fresh(std::uint32_t at = 0, byte seed = 7) {
    ratchet::chain_key ck;
    ck.mutable_view()[0] = seed;
    return Chain::start(std::move(ck), at);
}

template <class Chain>
bytes stored(const typename Chain::state& s) {
    auto b = Chain::serialize(s);
    return bytes(b.data(), b.data() + b.size());
}

/// The keys a sender's chain gives for `n` messages from `at`.
template <class Chain>
std::vector<bytes> sent_keys(std::uint32_t at, std::size_t n) {
    typename Chain::state tx = fresh<Chain>(at);
    std::vector<bytes> out;
    for (std::size_t i = 0; i < n; ++i) {
        auto s = Chain::encrypt_step(tx);
        REQUIRE(s);
        REQUIRE(s->iteration == at + i);
        out.push_back(key_bytes(s->keys));
        tx = std::move(s->next);
    }
    return out;
}

} // namespace

TEST_CASE("sender_key_params: the archetype, the building blocks and near misses",
          "[ratchet][sender_key][concept]") {
    STATIC_REQUIRE(ratchet::sender_key_params<base>);
    STATIC_REQUIRE(ratchet::sender_key_params<small_params>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_tag>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<other_tag>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_chain_kdf>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<chain_kdf_wrong_type>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_derive>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<copyable_keys>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_max_forward>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<zero_forward>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_max_stored>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<zero_stored>);
    STATIC_REQUIRE_FALSE(ratchet::sender_key_params<no_label>);
}

TEMPLATE_TEST_CASE("sender key chain: sender and receiver derive the same keys, in any order",
                   "[ratchet][sender_key]", base, small_params) {
    using chain = ratchet::sender_key<TestType>;
    const auto sent = sent_keys<chain>(3, 6);
    // Each key is a new one.
    for (std::size_t i = 0; i < sent.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            CHECK(sent[i] != sent[j]);

    typename chain::state rx = fresh<chain>(3);
    for (std::uint32_t i : {4u, 1u, 0u, 5u, 3u, 2u}) {
        const bytes before = stored<chain>(rx);
        auto s = chain::decrypt_step(rx, 3 + i);
        REQUIRE(s);
        CHECK(s->iteration == 3 + i);
        CHECK(key_bytes(s->keys) == sent[i]);
        // The step is pure: the state given is as it was.
        CHECK(stored<chain>(rx) == before);
        rx = std::move(s->next);
    }
    CHECK(rx.skipped.empty());
    CHECK(rx.iteration == 9);
}

TEMPLATE_TEST_CASE("sender key chain: a replay is duplicate_message and changes nothing",
                   "[ratchet][sender_key]", base, small_params) {
    using chain = ratchet::sender_key<TestType>;
    typename chain::state rx = fresh<chain>();
    auto s = chain::decrypt_step(rx, 3); // keeps 0, 1, 2
    REQUIRE(s);
    rx = std::move(s->next);
    auto one = chain::decrypt_step(rx, 1);
    REQUIRE(one);
    // The kept key is used up.
    REQUIRE(one->next.skipped.size() == 2);
    CHECK(one->next.skipped[0].iteration == 0);
    CHECK(one->next.skipped[1].iteration == 2);
    rx = std::move(one->next);

    const bytes before = stored<chain>(rx);
    for (std::uint32_t i : {1u, 3u})
        CHECK(chain::decrypt_step(rx, i).error() == ratchet_error::duplicate_message);
    CHECK(stored<chain>(rx) == before);
    // A chain that started late never had the keys before it.
    CHECK(chain::decrypt_step(fresh<chain>(5), 4).error() == ratchet_error::duplicate_message);
}

TEMPLATE_TEST_CASE("sender key chain: the forward bound and the kept-key bound",
                   "[ratchet][sender_key]", base, small_params) {
    using chain = ratchet::sender_key<TestType>;
    constexpr std::uint32_t far = TestType::max_forward;
    constexpr std::size_t kept = TestType::max_stored_keys;
    const auto sent = sent_keys<chain>(0, 3 * far);
    typename chain::state rx = fresh<chain>();

    CHECK(chain::decrypt_step(rx, far + 1).error() == ratchet_error::too_far_ahead);
    CHECK(chain::decrypt_step(rx, std::numeric_limits<std::uint32_t>::max()).error() ==
          ratchet_error::too_far_ahead);
    CHECK(rx == fresh<chain>());

    auto s = chain::decrypt_step(rx, far);
    REQUIRE(s);
    CHECK(key_bytes(s->keys) == sent[far]);
    // `far` keys skipped, the newest `kept` of them kept.
    REQUIRE(s->next.skipped.size() == kept);
    CHECK(s->next.skipped.front().iteration == far - kept);
    CHECK(chain::decrypt_step(s->next, far - kept - 1).error() == ratchet_error::duplicate_message);
    rx = std::move(s->next);

    // One more skip pushes out the oldest kept keys.
    auto t = chain::decrypt_step(rx, far + 2);
    REQUIRE(t);
    REQUIRE(t->next.skipped.size() == kept);
    CHECK(t->next.skipped.back().iteration == far + 1);
    CHECK(t->next.skipped.front().iteration == far + 1 - kept);
    CHECK(chain::decrypt_step(t->next, far - kept).error() == ratchet_error::duplicate_message);
    auto late = chain::decrypt_step(t->next, far + 1 - kept);
    REQUIRE(late);
    CHECK(key_bytes(late->keys) == sent[far + 1 - kept]);

    // The bound counts from the chain, not from the last kept key.
    auto u = chain::decrypt_step(t->next, far + 2 + 1 + far);
    REQUIRE(u);
    CHECK(key_bytes(u->keys) == sent[2 * far + 3]);
    CHECK(chain::decrypt_step(u->next, 2 * far + 4 + far + 1).error() ==
          ratchet_error::too_far_ahead);
}

TEMPLATE_TEST_CASE("sender key chain: the counter's end", "[ratchet][sender_key]", base,
                   small_params) {
    using chain = ratchet::sender_key<TestType>;
    constexpr auto last = std::numeric_limits<std::uint32_t>::max();
    CHECK(chain::encrypt_step(fresh<chain>(last)).error() == ratchet_error::chain_exhausted);
    CHECK(chain::decrypt_step(fresh<chain>(last - 1), last).error() ==
          ratchet_error::chain_exhausted);
    auto s = chain::encrypt_step(fresh<chain>(last - 1));
    REQUIRE(s);
    CHECK(s->next.iteration == last);
}

TEMPLATE_TEST_CASE("sender key chain: stored form", "[ratchet][sender_key]", base, small_params) {
    using chain = ratchet::sender_key<TestType>;
    auto s = chain::decrypt_step(fresh<chain>(2), 5);
    REQUIRE(s);
    const auto& state = s->next;

    SECTION("round trip, through the nested form and the versioned one") {
        auto back = chain::from_wire(chain::to_wire(state));
        REQUIRE(back);
        CHECK(*back == state);
        const auto b = chain::serialize(state);
        auto parsed = chain::parse(b.view());
        REQUIRE(parsed);
        CHECK(*parsed == state);
        CHECK(stored<chain>(*parsed) == stored<chain>(state));
        // The parsed state goes on as the original does.
        auto x = chain::decrypt_step(state, 3);
        auto y = chain::decrypt_step(*parsed, 3);
        REQUIRE((x && y));
        CHECK(key_bytes(x->keys) == key_bytes(y->keys));
    }
    SECTION("every strict prefix is refused") {
        const bytes full = stored<chain>(state);
        for (std::size_t n = 0; n < full.size(); ++n)
            CHECK_FALSE(chain::parse(bytes_view(full).first(n)));
    }
    SECTION("broken invariants are bad_state") {
        auto w = chain::to_wire(state);
        std::swap(w.skipped[0], w.skipped[1]);
        CHECK(chain::from_wire(w).error() == ratchet_error::bad_state);
        w = chain::to_wire(state);
        w.skipped[1].iteration = w.skipped[0].iteration;
        CHECK(chain::from_wire(w).error() == ratchet_error::bad_state);
        w = chain::to_wire(state);
        w.skipped[0].iteration = state.iteration;
        CHECK(chain::from_wire(w).error() == ratchet_error::bad_state);
        w = chain::to_wire(state);
        while (w.skipped.size() <= TestType::max_stored_keys)
            w.skipped.insert(w.skipped.begin(), typename chain::wire_key{});
        for (std::uint32_t i = 0; i < w.skipped.size(); ++i)
            w.skipped[i].iteration = i;
        w.iteration = static_cast<std::uint32_t>(w.skipped.size());
        CHECK(chain::from_wire(w).error() == ratchet_error::bad_state);
        CHECK(chain::parse(bytes{0xff, 0x01}).error() == ratchet_error::bad_state);
    }
    SECTION("another label or format is unsupported_state") {
        using other = ratchet::sender_key<
            std::conditional_t<std::is_same_v<TestType, base>, small_params, base>>;
        const auto b = chain::serialize(state);
        CHECK(other::parse(b.view()).error() == ratchet_error::unsupported_state);
        bytes t(b.data(), b.data() + b.size());
        REQUIRE(t[0] == 0x08); // field 1, the format, first
        t[1] = 2;
        CHECK(chain::parse(t).error() == ratchet_error::unsupported_state);
    }
}
