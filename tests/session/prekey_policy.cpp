#include <e2ekit/session/prekey_policy.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace e2ekit;
using namespace std::chrono_literals;
using session::prekey_action;

namespace {

struct archetype {
    using prekey_policy_concept = session::prekey_policy_tag;
    static constexpr std::size_t refill_at = 1;
    static constexpr std::size_t refill_to = 2;
    static constexpr std::chrono::seconds rotation_period{1};
    static prekey_action on_used(const session::prekey_use&);
    static prekey_action on_confirmed();
};
struct no_tag {
    static constexpr std::size_t refill_at = 1;
    static constexpr std::size_t refill_to = 2;
    static constexpr std::chrono::seconds rotation_period{1};
    static prekey_action on_used(const session::prekey_use&);
    static prekey_action on_confirmed();
};
struct refill_backwards {
    using prekey_policy_concept = session::prekey_policy_tag;
    static constexpr std::size_t refill_at = 5;
    static constexpr std::size_t refill_to = 5;
    static constexpr std::chrono::seconds rotation_period{1};
    static prekey_action on_used(const session::prekey_use&);
    static prekey_action on_confirmed();
};
struct on_used_without_context {
    using prekey_policy_concept = session::prekey_policy_tag;
    static constexpr std::size_t refill_at = 1;
    static constexpr std::size_t refill_to = 2;
    static constexpr std::chrono::seconds rotation_period{1};
    static prekey_action on_used();
    static prekey_action on_confirmed();
};
struct no_rotation {
    using prekey_policy_concept = session::prekey_policy_tag;
    static constexpr std::size_t refill_at = 1;
    static constexpr std::size_t refill_to = 2;
    static prekey_action on_used(const session::prekey_use&);
    static prekey_action on_confirmed();
};

} // namespace

TEST_CASE("session::prekey_policy: shipped policies, archetype, near misses",
          "[session][prekey_policy]") {
    STATIC_REQUIRE(session::prekey_policy<session::delete_on_use>);
    STATIC_REQUIRE(session::prekey_policy<session::keep_until_confirmed>);
    STATIC_REQUIRE(session::prekey_policy<archetype>);
    STATIC_REQUIRE_FALSE(session::prekey_policy<no_tag>);
    STATIC_REQUIRE_FALSE(session::prekey_policy<refill_backwards>);
    STATIC_REQUIRE_FALSE(session::prekey_policy<on_used_without_context>);
    STATIC_REQUIRE_FALSE(session::prekey_policy<no_rotation>);

    using D = session::delete_on_use;
    CHECK(D::on_used({}) == prekey_action::erase);
    CHECK(D::on_used({true}) == prekey_action::hide);
    using K = session::keep_until_confirmed;
    CHECK(K::on_used({}) == prekey_action::hide);
    CHECK(K::on_confirmed() == prekey_action::erase);
}

TEST_CASE("session::plan_prekeys: refill and rotation as python-omemo does them",
          "[session][prekey_policy]") {
    using D = session::delete_on_use;
    CHECK(session::plan_prekeys<D>(100, 0s) == session::prekey_plan{0, false});
    CHECK(session::plan_prekeys<D>(99, 0s) == session::prekey_plan{1, false});
    CHECK(session::plan_prekeys<D>(0, 0s) == session::prekey_plan{100, false});
    CHECK(session::plan_prekeys<D>(100, 7 * 24h - 1s).rotate_signed == false);
    CHECK(session::plan_prekeys<D>(100, 7 * 24h).rotate_signed == true);
    CHECK(session::plan_prekeys<D>(150, 0s).generate == 0);
}
