#include <e2ekit/crypto/concepts/mac.hpp>

#include <catch2/catch.hpp>

#include <tests/support/crypto_primitive_archetypes.hpp>

#include <e2ekit/crypto/hmac.hpp>

using namespace e2ekit;
using e2ekit::crypto::mac_function;
using e2ekit::test::archetypes::mac;

namespace {
struct no_tag : mac {
    using mac_concept = crypto::hash_tag;
};
struct min_tag_zero : mac {
    static constexpr std::size_t min_tag_size = 0;
};
struct min_tag_over_full : mac {
    static constexpr std::size_t min_tag_size = 33;
};
struct no_keyed : mac {
    using keyed = void;
};
struct compute_not_variadic : mac {
    static void compute(mutable_fixed_view<32>, bytes_view, bytes_view);
};
struct verify_returns_bool : mac {
    template <crypto::bytes_like... P>
    static bool verify(bytes_view, bytes_view, const P&...);
};
struct keyed_without_verify : mac {
    struct keyed {
        explicit keyed(bytes_view);
        template <crypto::bytes_like... P>
        void compute(mutable_fixed_view<32>, const P&...) const;
    };
};
} // namespace

static_assert(mac_function<mac>);
static_assert(!mac_function<no_tag>);
static_assert(!mac_function<min_tag_zero>);
static_assert(!mac_function<min_tag_over_full>);
static_assert(!mac_function<no_keyed>);
static_assert(!mac_function<compute_not_variadic>, "callers never concatenate");
static_assert(!mac_function<verify_returns_bool>, "verify gives the opaque error");
static_assert(!mac_function<keyed_without_verify>);

TEST_CASE("mac_function: the shipped policies model the concept", "[crypto][concepts]") {
    STATIC_REQUIRE(mac_function<crypto::hmac_sha256>);
    STATIC_REQUIRE(mac_function<crypto::hmac_sha512>);
}
