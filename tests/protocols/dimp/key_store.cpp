#include <e2ekit/protocols/dimp/key_store.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;

TEST_CASE("dimp key_store: keys by direction, generated once, PLAIN for broadcast",
          "[protocols][dimp][key_store]") {
    storage::memory_store store;
    dimp::key_store<storage::memory_store> keys(store);
    testing::deterministic_random rng(8);
    const auto alice = *dimp::id::parse("alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ");
    const auto bob = *dimp::id::parse("bob@1ETT42cxoYAhbuMB3ZfTpC4f924M6HqYhJ/phone");
    CHECK_FALSE(keys.get(alice, bob)->has_value());
    storage::batch b;
    auto k = keys.get_or_generate(b, alice, bob, rng);
    REQUIRE(k);
    CHECK(b.size() == 1);
    CHECK_FALSE(keys.get(alice, bob)->has_value()); // not committed yet
    REQUIRE(store.commit(b));
    // Terminals do not matter; directions do.
    CHECK(**keys.get(alice, bob.without_terminal()) == *k);
    CHECK_FALSE(keys.get(bob, alice)->has_value());
    storage::batch again;
    CHECK(*keys.get_or_generate(again, alice, bob, rng) == *k);
    CHECK(again.empty());
    // Broadcast: always PLAIN, never stored.
    CHECK((*keys.get(alice, dimp::id::everyone()))->is_plain());
    keys.add(again, alice, dimp::id::anyone(), *k);
    CHECK(again.empty());
    // A stored value that is not a key map.
    REQUIRE(storage::put_one(store, dimp::cipher_namespace,
                             alice.str() + ">" + bob.without_terminal().str(), as_bytes("{}")));
    CHECK(keys.get(alice, bob).error() == storage::storage_error::corrupt);
}
