#include <e2ekit/storage/scoped.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <tests/support/laws/storage.hpp>
#include <tests/support/storage_archetype.hpp>

using namespace e2ekit;
using storage::memory_store;
using storage::scoped;

static_assert(storage::store<scoped<memory_store>>);
static_assert(storage::store<scoped<test::storage_archetype>>);
static_assert(storage::store<scoped<scoped<memory_store>>>);

TEST_CASE("scoped: obeys the store laws", "[storage][scoped]") {
    memory_store m;
    scoped s(m, "alice@example.org/phone");
    const auto room = storage::limits::max_namespace_size - s.nested("").size();
    test::laws::check_store(s, room);
    test::storage_archetype a{test::storage_archetype::make_tag{}};
    scoped sa(a, "bob");
    test::laws::check_store(sa, room);
}

TEST_CASE("scoped: accounts see only their own keys", "[storage][scoped]") {
    memory_store m;
    scoped alice(m, "alice");
    scoped bob(m, "bob");
    REQUIRE(storage::put_one(alice, "sessions", "carol.1", as_bytes("a-state")));
    REQUIRE(storage::put_one(bob, "sessions", "carol.1", as_bytes("b-state")));
    CHECK(test::laws::holds(alice, "sessions", "carol.1", as_bytes("a-state")));
    CHECK(test::laws::holds(bob, "sessions", "carol.1", as_bytes("b-state")));
    REQUIRE(storage::erase_one(alice, "sessions", "carol.1"));
    CHECK(test::laws::absent(alice, "sessions", "carol.1"));
    CHECK(test::laws::holds(bob, "sessions", "carol.1", as_bytes("b-state")));
    CHECK(test::laws::holds(m, "bob/sessions", "carol.1", as_bytes("b-state")));
    CHECK(test::laws::keys(alice, "sessions").empty());
}

TEST_CASE("scoped: names that look alike never collide", "[storage][scoped]") {
    // "a" + "b/c" against "a/b" + "c": the escape keeps them apart.
    CHECK(storage::escape_account("a/b") == "a%2Fb");
    CHECK(storage::escape_account("100%") == "100%25");
    CHECK(storage::escape_account(std::string("x\0y", 3)) == "x%00y");
    memory_store m;
    scoped a(m, "a");
    scoped ab(m, "a/b");
    scoped pct(m, "a%2Fb");
    REQUIRE(storage::put_one(a, "b/c", "k", as_bytes("1")));
    REQUIRE(storage::put_one(ab, "c", "k", as_bytes("2")));
    REQUIRE(storage::put_one(pct, "c", "k", as_bytes("3")));
    CHECK(test::laws::holds(a, "b/c", "k", as_bytes("1")));
    CHECK(test::laws::holds(ab, "c", "k", as_bytes("2")));
    CHECK(test::laws::holds(pct, "c", "k", as_bytes("3")));
    CHECK(m.size() == 3);
    // Views nest: an account's devices each get their own scope.
    scoped<scoped<memory_store>> dev(a, "device-1");
    REQUIRE(storage::put_one(dev, "prekeys", "1", as_bytes("pk")));
    CHECK(test::laws::holds(m, "a/device-1/prekeys", "1", as_bytes("pk")));
    CHECK(test::laws::absent(a, "prekeys", "1"));
}

TEST_CASE("scoped: a nested name too long for the store is invalid", "[storage][scoped]") {
    memory_store m;
    scoped s(m, std::string(200, 'x'));
    const std::string ns(60, 'n'); // valid alone, too long once nested
    CHECK(storage::put_one(s, ns, "k", as_bytes("v")).error() ==
          storage::storage_error::invalid_key);
    CHECK(s.get(ns, "k").error() == storage::storage_error::invalid_key);
    CHECK(m.size() == 0);
}
