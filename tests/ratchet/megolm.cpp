#include <e2ekit/ratchet/megolm.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>
#include <e2ekit/protocols/megolm/params.hpp>

#include <cstdint>

// libolm's own ratchet is the judge of the values (tests/interop/megolm_ratchet);
// here the laws: advancing by steps and jumping agree, steps are pure, and
// the parts change when the counter says they do.

using namespace e2ekit;
using mr = protocols::megolm::ratchet_type;

namespace {

mr::state start(std::uint64_t seed, std::uint32_t counter = 0) {
    testing::deterministic_random rng(seed);
    mr::state s;
    rng.fill(s.data.mutable_view());
    s.counter = counter;
    return s;
}

bool part_equal(const mr::state& a, const mr::state& b, std::size_t part) {
    return ct::equal(a.data.view().subspan(part * 32, 32), b.data.view().subspan(part * 32, 32));
}

struct archetype {
    using megolm_concept = ratchet::megolm_tag;
    using mac = crypto::hmac_sha256;
    struct message_keys {
        static message_keys derive_from(fixed_view<ratchet::megolm_size>);
    };
};
struct no_tag {
    using mac = crypto::hmac_sha256;
    using message_keys = archetype::message_keys;
};
struct short_mac {
    using megolm_concept = ratchet::megolm_tag;
    using mac = crypto::hmac_sha512; // 64-byte tags: not a part
    using message_keys = archetype::message_keys;
};
struct keys_from_nothing {
    using megolm_concept = ratchet::megolm_tag;
    using mac = crypto::hmac_sha256;
    struct message_keys {
        static message_keys derive_from();
    };
};

} // namespace

TEST_CASE("ratchet::megolm: concept, archetype and near misses", "[ratchet][megolm]") {
    STATIC_REQUIRE(ratchet::megolm_params<protocols::megolm::ratchet_params>);
    STATIC_REQUIRE(ratchet::megolm_params<archetype>);
    STATIC_REQUIRE_FALSE(ratchet::megolm_params<no_tag>);
    STATIC_REQUIRE_FALSE(ratchet::megolm_params<short_mac>);
    STATIC_REQUIRE_FALSE(ratchet::megolm_params<keys_from_nothing>);
}

TEST_CASE("ratchet::megolm: steps and jumps agree, and are pure", "[ratchet][megolm]") {
    const auto s0 = start(1);
    auto step = s0.clone();
    for (std::uint32_t i = 1; i <= 600; ++i) {
        const auto before = step.clone();
        step = mr::next(step);
        CHECK_FALSE(before == step);
        REQUIRE(step.counter == i);
        if (i % 37 == 0 || i == 255 || i == 256 || i == 257 || i == 512)
            CHECK(mr::advanced_to(s0, i) == step);
    }
    // Jumps compose: 0 -> a -> b equals 0 -> b, across every part boundary.
    for (std::uint32_t a : {1u, 255u, 256u, 65535u, 65536u, 70000u, 1u << 24}) {
        for (std::uint32_t b :
             {a, a + 1, a + 255, a + 256, a + 65536, (1u << 24) + 5, 0x7fffffffu}) {
            if (b < a) continue;
            CHECK(mr::advanced_to(mr::advanced_to(s0, a), b) == mr::advanced_to(s0, b));
        }
    }
    // The state given is never changed.
    const auto copy = s0.clone();
    (void)mr::next(s0);
    (void)mr::advanced_to(s0, 1000);
    CHECK(s0 == copy);
}

TEST_CASE("ratchet::megolm: which parts change", "[ratchet][megolm]") {
    const auto s = start(2, 5);
    const auto n = mr::next(s);
    // Within a 256-block only R3 changes.
    CHECK(part_equal(s, n, 0));
    CHECK(part_equal(s, n, 1));
    CHECK(part_equal(s, n, 2));
    CHECK_FALSE(part_equal(s, n, 3));
    // Crossing 2^8: R2 and R3; crossing 2^16: R1..R3; crossing 2^24: all.
    const auto a = mr::advanced_to(s, 255), b = mr::next(a);
    CHECK(part_equal(a, b, 1));
    CHECK_FALSE(part_equal(a, b, 2));
    const auto c = mr::advanced_to(s, 65535), d = mr::next(c);
    CHECK(part_equal(c, d, 0));
    CHECK_FALSE(part_equal(c, d, 1));
    const auto e = mr::advanced_to(s, (1u << 24) - 1), f = mr::next(e);
    CHECK_FALSE(part_equal(e, f, 0));
    // Keys follow the state: equal states, equal keys.
    CHECK(mr::keys(mr::advanced_to(s, 300)) ==
          mr::keys(mr::advanced_to(mr::advanced_to(s, 7), 300)));
    CHECK_FALSE(mr::keys(n) == mr::keys(s));
}
