#include <e2ekit/session/fanout.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>
#include <e2ekit/trust/key_trust.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
using session::listed_device;
using session::skip_reason;
using store_t = storage::memory_store;

namespace {
constexpr std::string_view two = "urn:xmpp:omemo:2";
constexpr std::string_view old = "eu.siacs.conversations.axolotl";
} // namespace

TEST_CASE("session::plan_fanout: recipients' devices and the sender's other ones",
          "[session][fanout]") {
    store_t store;
    session::device_directory<store_t> dir(store);
    trust::key_trust<store_t, trust::btbv> trust(store);
    const std::string me = "me@example.org", bob = "bob@example.org";

    // Me: devices 1 (this one) and 2 (OMEMO 2). Bob: 10 (both protocols),
    // 11 (0.3 only), 12 (OMEMO 2, no bundle yet), 13 (left the list), 14
    // (distrusted), 15 (set undecided by the user).
    const listed_device mine[] = {{1, "here"}, {2, "phone"}};
    REQUIRE(dir.apply_list_now(me, two, mine));
    const listed_device bob_two[] = {{10, ""}, {12, ""}, {13, ""}, {14, ""}, {15, ""}};
    const listed_device bob_old[] = {{10, ""}, {11, ""}};
    REQUIRE(dir.apply_list_now(bob, two, bob_two));
    REQUIRE(dir.apply_list_now(bob, old, bob_old));
    const listed_device bob_two_later[] = {{10, ""}, {12, ""}, {14, ""}, {15, ""}};
    REQUIRE(dir.apply_list_now(bob, two, bob_two_later)); // 13 leaves
    auto key = [](std::uint32_t id) { return bytes(32, static_cast<byte>(id)); };
    for (std::uint32_t id : {1u, 2u})
        REQUIRE(dir.set_identity_now(me, id, key(id)));
    for (std::uint32_t id : {10u, 11u, 13u, 14u, 15u})
        REQUIRE(dir.set_identity_now(bob, id, key(id)));
    for (std::uint32_t id : {10u, 11u, 14u})
        REQUIRE(trust.encounter_now(bob, key(id)));
    REQUIRE(trust.decide_now(bob, key(14), trust::btbv_level::distrusted));
    REQUIRE(trust.decide_now(bob, key(15), trust::btbv_level::undecided));
    REQUIRE(trust.encounter_now(me, key(2)));

    const auto my_devices = *dir.devices(me);
    const auto bob_devices = *dir.devices(bob);
    const session::owner_devices owners[] = {{me, my_devices}, {bob, bob_devices}};
    auto trust_of = [&](std::string_view owner, bytes_view k) -> result<trust::level> {
        storage::batch b;
        return trust.encounter(b, owner, k); // a first look decides, but stores nothing here
    };

    const std::string_view both[] = {two, old};
    auto plan = session::plan_fanout(owners, both, me, 1, trust_of);
    REQUIRE(plan);
    CHECK(plan->targets == std::vector<session::target>{
                               {me, 2, std::string(two)},
                               {bob, 10, std::string(two)}, // OMEMO 2 first
                               {bob, 11, std::string(old)},
                           });
    CHECK(plan->skipped == std::vector<session::skipped_device>{
                               {bob, 12, skip_reason::needs_bundle},
                               {bob, 14, skip_reason::distrusted},
                               {bob, 15, skip_reason::undecided},
                           });

    // Speaking OMEMO 0.3 only: 11 and 10 under it; my phone is not listed there.
    const std::string_view legacy_only[] = {old};
    plan = session::plan_fanout(owners, legacy_only, me, 1, trust_of);
    REQUIRE(plan);
    CHECK(plan->targets ==
          std::vector<session::target>{{bob, 10, std::string(old)}, {bob, 11, std::string(old)}});
    // Listed only under OMEMO 2; 13 is listed nowhere any more and is no target.
    CHECK(plan->skipped == std::vector<session::skipped_device>{
                               {me, 2, skip_reason::not_listed},
                               {bob, 12, skip_reason::not_listed},
                               {bob, 14, skip_reason::not_listed},
                               {bob, 15, skip_reason::not_listed},
                           });

    // A trust store that cannot be read stops the plan.
    auto broken = [](std::string_view, bytes_view) -> result<trust::level> {
        return storage::storage_error::io_error;
    };
    CHECK(session::plan_fanout(owners, both, me, 1, broken).error() ==
          storage::storage_error::io_error);
}
