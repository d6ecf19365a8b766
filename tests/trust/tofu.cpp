#include <e2ekit/trust/tofu.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace e2ekit;
using trust::level;

TEST_CASE("trust::tofu: pins the first key, refuses another until the user decides",
          "[trust][tofu]") {
    STATIC_REQUIRE(trust::policy<trust::tofu>);
    const bytes a(33, 0xaa), b(33, 0xbb);

    // First use: trusted and pinned.
    const auto first = trust::tofu::decide(std::nullopt, a);
    CHECK(first == trust::verdict{level::trusted, true});
    CHECK(trust::enforce(first));

    // The pinned key again: its level, nothing to pin.
    std::optional<trust::record> known = trust::record{a, level::trusted};
    CHECK(trust::tofu::decide(known, a) == trust::verdict{level::trusted, false});

    // Another key: refused, the pin stays.
    const auto changed = trust::tofu::decide(known, b);
    CHECK(changed == trust::verdict{level::distrusted, false});
    CHECK(trust::enforce(changed).error() == trust::trust_error::untrusted_identity);
    // A prefix or extension of the pinned key is another key.
    CHECK_FALSE(trust::tofu::decide(known, bytes_view(a).first(32)).pin);
    CHECK(trust::tofu::decide(known, bytes_view(a).first(32)).trust == level::distrusted);

    // The user accepted the new key: it is now the pinned one.
    known = trust::record{b, level::trusted};
    CHECK(trust::tofu::decide(known, b) == trust::verdict{level::trusted, false});
    CHECK(trust::tofu::decide(known, a).trust == level::distrusted);

    // The user's own refusal or indecision stands for the key it names.
    known = trust::record{a, level::distrusted};
    CHECK(trust::enforce(trust::tofu::decide(known, a)).error() ==
          trust::trust_error::untrusted_identity);
    known = trust::record{a, level::undecided};
    CHECK(trust::enforce(trust::tofu::decide(known, a)).error() ==
          trust::trust_error::undecided_identity);
    CHECK_FALSE(trust::tofu::decide(known, a).pin);
}

TEST_CASE("trust::tofu_keys: an owner's first key is trusted, later ones wait", "[trust][tofu]") {
    STATIC_REQUIRE(trust::key_policy<trust::tofu_keys>);
    using entry = trust::key_level<trust::core_scheme>;
    CHECK(trust::tofu_keys::first_seen({}) == level::trusted);
    const entry known[] = {{bytes(32, 1), level::trusted}};
    CHECK(trust::tofu_keys::first_seen(known) == level::undecided);
    CHECK(trust::tofu_keys::after_decision(known, {bytes(32, 2), level::trusted}).empty());
}
