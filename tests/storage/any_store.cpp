#include <e2ekit/storage/any_store.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/storage/scoped.hpp>
#include <tests/support/laws/storage.hpp>
#include <tests/support/storage_archetype.hpp>

#include <mutex>
#include <utility>

using namespace e2ekit;
using storage::any_store;
using storage::memory_store;

static_assert(storage::store<any_store>);
static_assert(!std::is_copy_constructible_v<any_store>);

namespace {
// A store that can be neither copied nor moved.
struct pinned : memory_store {
    using store_concept = storage::store_tag;
    explicit pinned(int) {}
    pinned(pinned&&) = delete;
};
} // namespace

TEST_CASE("any_store: obeys the store laws whatever it holds", "[storage][any]") {
    SECTION("memory_store") {
        any_store s(memory_store{});
        test::laws::check_store(s);
        CHECK(s.target<memory_store>() != nullptr);
        CHECK(s.target<test::storage_archetype>() == nullptr);
    }
    SECTION("archetype") {
        any_store s(test::storage_archetype{test::storage_archetype::make_tag{}});
        test::laws::check_store(s);
    }
    SECTION("built in place") {
        any_store s(std::in_place_type<pinned>, 1);
        test::laws::check_store(s);
        CHECK(s.target<pinned>() != nullptr);
    }
    SECTION("a scoped view of an any_store") {
        any_store inner(memory_store{});
        storage::scoped s(inner, "alice");
        test::laws::check_store(s, storage::limits::max_namespace_size - 6);
    }
}

TEST_CASE("any_store: a moved-from handle reports unavailable", "[storage][any]") {
    any_store s(memory_store{});
    REQUIRE(storage::put_one(s, "ns", "k", as_bytes("v")));
    any_store t(std::move(s));
    CHECK(test::laws::holds(t, "ns", "k", as_bytes("v")));
    CHECK_FALSE(s.has_value());
    CHECK(s.get("ns", "k").error() == storage::storage_error::unavailable);
    CHECK(s.contains("ns", "k").error() == storage::storage_error::unavailable);
    CHECK(s.list("ns", "").error() == storage::storage_error::unavailable);
    storage::batch b;
    CHECK(s.commit(b).error() == storage::storage_error::unavailable);
    CHECK(any_store{}.get("ns", "k").error() == storage::storage_error::unavailable);
}
