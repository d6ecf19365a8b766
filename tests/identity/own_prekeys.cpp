#include <e2ekit/identity/own_prekeys.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

using namespace e2ekit;
using prekeys = identity::own_prekeys<protocols::signal::x3dh_params>;

TEST_CASE("identity::own_prekeys: use, hide, rotate, stored form", "[identity][prekeys]") {
    testing::deterministic_random r(11);
    const auto identity_pair = crypto::x25519::generate(r);
    prekeys p;
    auto make = [&](std::uint64_t t) {
        return [&, t](std::uint32_t id) {
            return prekeys::signed_key::generate(identity_pair, id, t, r);
        };
    };
    p.rotate(make(100));
    p.add(r, 4);
    CHECK(p.visible() == 4);
    CHECK(p.use(2, true));
    CHECK(!p.use(2, true)); // already hidden
    CHECK(p.has(2));
    CHECK(p.visible() == 3);
    CHECK(p.visible_keys().size() == 3);
    CHECK(p.use(2, false)); // a hidden key may still be erased
    CHECK(!p.has(2));
    CHECK(p.hidden.empty());
    CHECK(!p.use(99, false));
    p.add(r, 2);
    CHECK(p.prekeys.back().id == 6);
    // Two signed pre-keys are kept, newest first.
    p.rotate(make(200));
    p.rotate(make(300));
    REQUIRE(p.signed_keys.size() == 2);
    CHECK(p.signed_keys[0].timestamp == 300);
    CHECK(p.signed_keys[0].id == 3);
    CHECK(p.signed_keys[1].id == 2);
    CHECK(p.use(5, true));

    const auto stored = p.serialize();
    const auto back = prekeys::parse(stored.view()).value();
    CHECK(ct::equal(back.serialize().view(), stored.view()));
    CHECK(back.hidden == p.hidden);
    CHECK(back.next_prekey == p.next_prekey);
    CHECK(back.signed_keys[1].signature == p.signed_keys[1].signature);
    // Strict: cuts, another format, a repeated id, a bad hidden flag.
    for (std::size_t n = 0; n < stored.view().size(); ++n)
        CHECK(!prekeys::parse(stored.view().first(n)));
    auto b = to_bytes(stored.view());
    b[0] = 2;
    CHECK(prekeys::parse(b).error() == identity::own_prekeys_error::malformed);
    b = to_bytes(stored.view());
    const std::size_t first_prekey = 10 + 2 * (8 + 4 + 32 + 32 + 64) + 4;
    b[first_prekey + 4] = 2;
    CHECK(!prekeys::parse(b));
    b = to_bytes(stored.view());
    std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(first_prekey), 4,
                b.begin() + static_cast<std::ptrdiff_t>(first_prekey + 69));
    CHECK(!prekeys::parse(b));
}
