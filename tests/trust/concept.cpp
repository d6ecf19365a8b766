#include <e2ekit/trust/concept.hpp>

#include <catch2/catch.hpp>

#include <tests/support/trust_archetype.hpp>

#include <optional>

using namespace e2ekit;

// Near misses: each lacks exactly one requirement of trust::policy.
namespace {
using base = test::trust_archetype;
using known_t = const std::optional<trust::record>&;

struct no_tag {
    static trust::verdict decide(known_t, bytes_view);
};
struct wrong_tag : base {
    using trust_concept = int;
};
struct no_decide {
    using trust_concept = trust::policy_tag;
};
struct decide_returns_level {
    using trust_concept = trust::policy_tag;
    static trust::level decide(known_t, bytes_view);
};
struct decide_returns_bool {
    using trust_concept = trust::policy_tag;
    static bool decide(known_t, bytes_view);
};
struct decide_without_known {
    using trust_concept = trust::policy_tag;
    static trust::verdict decide(bytes_view);
};
struct decide_takes_record_only {
    using trust_concept = trust::policy_tag;
    static trust::verdict decide(const trust::record&, bytes_view);
};
struct decide_not_static {
    using trust_concept = trust::policy_tag;
    trust::verdict decide(known_t, bytes_view) const;
};
struct decide_mutates_known {
    using trust_concept = trust::policy_tag;
    static trust::verdict decide(std::optional<trust::record>&, bytes_view);
};
} // namespace

TEST_CASE("trust::policy: the archetype and near misses", "[trust][concept]") {
    STATIC_REQUIRE(trust::policy<base>);
    STATIC_REQUIRE_FALSE(trust::policy<no_tag>);
    STATIC_REQUIRE_FALSE(trust::policy<wrong_tag>);
    STATIC_REQUIRE_FALSE(trust::policy<no_decide>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_returns_level>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_returns_bool>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_without_known>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_takes_record_only>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_not_static>);
    STATIC_REQUIRE_FALSE(trust::policy<decide_mutates_known>);
    STATIC_REQUIRE_FALSE(trust::policy<int>);
}

TEST_CASE("trust::enforce: only trusted goes on, each refusal has its code", "[trust][concept]") {
    CHECK(trust::enforce({trust::level::trusted, false}));
    CHECK(trust::enforce({trust::level::trusted, true}));
    CHECK(trust::enforce({trust::level::distrusted, false}).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(trust::enforce({trust::level::undecided, true}).error() ==
          trust::trust_error::undecided_identity);
    // A verdict with no valid level is a refusal, never a pass.
    CHECK(trust::enforce({static_cast<trust::level>(0), false}).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(trust::enforce({static_cast<trust::level>(9), false}).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(trust::verdict{} == trust::verdict{trust::level::undecided, false});
}
