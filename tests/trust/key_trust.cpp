#include <e2ekit/trust/key_trust.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>
#include <e2ekit/trust/manual.hpp>
#include <e2ekit/trust/tofu.hpp>

#include <string>

using namespace e2ekit;
using trust::btbv_level;
using trust::level;
using store_t = storage::memory_store;

namespace {
const bytes k1(32, 0x01), k2(32, 0x02), k3(32, 0x03);
}

TEST_CASE("trust::key_trust: BTBV over a store, decisions in the caller's batch",
          "[trust][key_trust]") {
    store_t store;
    trust::key_trust<store_t, trust::btbv> t(store);
    const std::string bob = "bob@example.org";

    // Encountering keys puts their levels into the batch, not the store.
    storage::batch b;
    CHECK(t.encounter(b, bob, k1).value() == level::trusted);
    CHECK_FALSE(t.level_of(bob, k1).value());
    REQUIRE(store.commit(b));
    CHECK(t.level_of(bob, k1).value() == btbv_level::blindly_trusted);
    CHECK(t.encounter_now(bob, k2).value() == level::trusted);
    REQUIRE(t.keys_of(bob).value().size() == 2);

    // The user verifies k2: k1 is no longer blindly trusted, new keys wait.
    REQUIRE(t.decide_now(bob, k2, btbv_level::verified));
    CHECK(t.level_of(bob, k1).value() == btbv_level::undecided);
    CHECK(t.level_of(bob, k2).value() == btbv_level::verified);
    CHECK(t.encounter_now(bob, k3).value() == level::undecided);
    CHECK(t.level_of(bob, k3).value() == btbv_level::undecided);

    // Levels are per owner: alice's first key is blindly trusted.
    CHECK(t.encounter_now("alice@example.org", k3).value() == level::trusted);
    // An owner that is a prefix of another lists only its own keys.
    CHECK(t.encounter_now("bob@example.org/x", k1).value() == level::trusted);
    CHECK(t.keys_of(bob).value().size() == 3);
    CHECK(t.keys_of("bob@example.org/x").value().size() == 1);

    // Forgetting a key.
    storage::batch f;
    REQUIRE(t.forget(f, bob, k3));
    REQUIRE(store.commit(f));
    CHECK_FALSE(t.level_of(bob, k3).value());
}

TEST_CASE("trust::key_trust: TOFU and manual policies", "[trust][key_trust]") {
    store_t store;
    trust::key_trust<store_t, trust::tofu_keys> tofu(store);
    CHECK(tofu.encounter_now("carol", k1).value() == level::trusted);
    CHECK(tofu.encounter_now("carol", k2).value() == level::undecided);
    CHECK(tofu.encounter_now("carol", k1).value() == level::trusted);
    REQUIRE(tofu.decide_now("carol", k2, level::distrusted));
    CHECK(tofu.encounter_now("carol", k2).value() == level::distrusted);

    store_t other;
    trust::key_trust<store_t, trust::manual> manual(other);
    CHECK(manual.encounter_now("dave", k1).value() == level::undecided);
    REQUIRE(manual.decide_now("dave", k1, level::trusted));
    CHECK(manual.encounter_now("dave", k1).value() == level::trusted);
}

TEST_CASE("trust::key_trust: bad names and bad stored levels", "[trust][key_trust]") {
    store_t store;
    trust::key_trust<store_t, trust::btbv> t(store);
    storage::batch b;
    CHECK(t.encounter(b, "", k1).error() == storage::storage_error::invalid_key);
    CHECK(t.encounter(b, "bob", bytes{}).error() == trust::trust_error::bad_record);
    CHECK(t.encounter(b, "bob", bytes(trust::max_key_size + 1, 1)).error() ==
          trust::trust_error::bad_record);
    CHECK(t.encounter(b, std::string(2000, 'a'), k1).error() ==
          storage::storage_error::invalid_key);
    CHECK(b.empty());

    // A level name the scheme does not know (another scheme's, or damage).
    REQUIRE(t.encounter_now("bob", k1));
    trust::key_trust<store_t, trust::tofu_keys> core(store);
    CHECK(core.level_of("bob", k1).error() == trust::trust_error::bad_record);
    CHECK(core.keys_of("bob").error() == trust::trust_error::bad_record);
    CHECK(core.encounter_now("bob", k2).error() == trust::trust_error::bad_record);
    // A stored key name that is not base64url.
    REQUIRE(storage::put_one(store, trust::key_trust_namespace, "3:bob/!!", as_bytes("VERIFIED")));
    CHECK(t.keys_of("bob").error() == trust::trust_error::bad_record);
}
