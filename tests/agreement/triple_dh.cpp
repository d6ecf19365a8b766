#include <e2ekit/agreement/triple_dh.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/protocols/olm/params.hpp>

using namespace e2ekit;
using params = protocols::olm::triple_dh_params;
using tdh = agreement::triple_dh<params>;
using x = crypto::x25519;

namespace {
// Near misses: each lacks exactly one requirement of triple_dh_params.
struct no_tag {
    using dh = x;
    using kdf = crypto::hkdf_sha256;
    static constexpr bytes_view kdf_salt{};
    static constexpr std::string_view kdf_info = "i";
};
struct no_dh {
    using triple_dh_concept = agreement::triple_dh_tag;
    using kdf = crypto::hkdf_sha256;
    static constexpr bytes_view kdf_salt{};
    static constexpr std::string_view kdf_info = "i";
};
struct no_kdf {
    using triple_dh_concept = agreement::triple_dh_tag;
    using dh = x;
    static constexpr bytes_view kdf_salt{};
    static constexpr std::string_view kdf_info = "i";
};
struct no_salt {
    using triple_dh_concept = agreement::triple_dh_tag;
    using dh = x;
    using kdf = crypto::hkdf_sha256;
    static constexpr std::string_view kdf_info = "i";
};
struct no_info {
    using triple_dh_concept = agreement::triple_dh_tag;
    using dh = x;
    using kdf = crypto::hkdf_sha256;
    static constexpr bytes_view kdf_salt{};
};
static_assert(agreement::triple_dh_params<params>);
static_assert(!agreement::triple_dh_params<no_tag>);
static_assert(!agreement::triple_dh_params<no_dh>);
static_assert(!agreement::triple_dh_params<no_kdf>);
static_assert(!agreement::triple_dh_params<no_salt>);
static_assert(!agreement::triple_dh_params<no_info>);
} // namespace

TEST_CASE("triple_dh: both sides agree", "[agreement][triple_dh]") {
    testing::deterministic_random rng(5);
    const auto alice = x::generate(rng);
    const auto bob = x::generate(rng);
    const auto otk = x::generate(rng);
    auto a = tdh::initiate(alice, {bob.pub, otk.pub}, rng);
    REQUIRE(a);
    auto b = tdh::respond(bob, otk, alice.pub, a->base_key);
    REQUIRE(b);
    CHECK(a->keys.root == b->root);
    CHECK(a->keys.chain == b->chain);
}

TEST_CASE("triple_dh: the derivation is HKDF(empty salt, DH1 || DH2 || DH3, OLM_ROOT)",
          "[agreement][triple_dh]") {
    testing::deterministic_random rng(6);
    const auto alice = x::generate(rng);
    const auto bob = x::generate(rng);
    const auto otk = x::generate(rng);
    const auto base = x::generate(rng);
    auto a = tdh::initiate_with(alice, {bob.pub, otk.pub}, base);
    REQUIRE(a);
    CHECK(a->base_key == base.pub);
    // Recomputed from the primitives, in the order libolm's
    // Session::new_outbound_session concatenates them.
    secret<96> ikm;
    auto d1 = x::agree(alice.priv, otk.pub);
    auto d2 = x::agree(base.priv, bob.pub);
    auto d3 = x::agree(base.priv, otk.pub);
    REQUIRE((d1 && d2 && d3));
    std::copy_n(d1->data(), 32, ikm.data());
    std::copy_n(d2->data(), 32, ikm.data() + 32);
    std::copy_n(d3->data(), 32, ikm.data() + 64);
    secret<64> okm;
    REQUIRE(crypto::hkdf_sha256::derive(okm.mutable_view(), ikm.view(), bytes_view{},
                                        as_bytes("OLM_ROOT")));
    CHECK(ct::equal(a->keys.root.view(), okm.view().first<32>()));
    CHECK(ct::equal(a->keys.chain.view(), okm.view().last<32>()));
}

TEST_CASE("triple_dh: other keys give other secrets; small-order keys are refused",
          "[agreement][triple_dh]") {
    testing::deterministic_random rng(7);
    const auto alice = x::generate(rng);
    const auto bob = x::generate(rng);
    const auto otk = x::generate(rng);
    const auto other = x::generate(rng);
    auto a = tdh::initiate(alice, {bob.pub, otk.pub}, rng);
    REQUIRE(a);
    auto wrong_otk = tdh::respond(bob, other, alice.pub, a->base_key);
    REQUIRE(wrong_otk);
    CHECK_FALSE(wrong_otk->root == a->keys.root);
    auto wrong_identity = tdh::respond(bob, otk, other.pub, a->base_key);
    REQUIRE(wrong_identity);
    CHECK_FALSE(wrong_identity->root == a->keys.root);

    const x::public_key zero{};
    auto weak = tdh::initiate(alice, {bob.pub, zero}, rng);
    REQUIRE_FALSE(weak);
    CHECK(weak.error() == agreement::agreement_error::invalid_key);
    auto weak2 = tdh::respond(bob, otk, alice.pub, zero);
    REQUIRE_FALSE(weak2);
    CHECK(weak2.error() == agreement::agreement_error::invalid_key);
}
