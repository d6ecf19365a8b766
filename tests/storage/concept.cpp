#include <e2ekit/storage/concept.hpp>

#include <catch2/catch.hpp>

#include <tests/support/laws/storage.hpp>
#include <tests/support/storage_archetype.hpp>

using namespace e2ekit;
using storage::batch;
using storage::store;
using storage::store_tag;

namespace near_miss {

using keys = std::vector<std::string>;

// Every member right, but no opt-in.
struct no_tag {
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
struct wrong_tag : no_tag {
    using store_concept = int;
};
struct no_get {
    using store_concept = store_tag;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
// Values must come back wiped.
struct get_returns_bytes {
    using store_concept = store_tag;
    result<bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
// Reads must work on a const store.
struct get_not_const {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view);
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
struct no_contains {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
struct no_list {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<void> commit(const batch&);
};
struct no_commit {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
};
// A commit that cannot fail is a commit that hides its failures.
struct commit_returns_void {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    void commit(const batch&);
};
// Only an rvalue batch: a caller holding its batch could not commit it.
struct commit_rvalue_only {
    using store_concept = store_tag;
    result<secret_bytes> get(std::string_view, std::string_view) const;
    result<bool> contains(std::string_view, std::string_view) const;
    result<keys> list(std::string_view, std::string_view) const;
    result<void> commit(batch&&);
};

} // namespace near_miss

static_assert(store<test::storage_archetype>);
static_assert(!store<near_miss::no_tag>);
static_assert(!store<near_miss::wrong_tag>);
static_assert(!store<near_miss::no_get>);
static_assert(!store<near_miss::get_returns_bytes>);
static_assert(!store<near_miss::get_not_const>);
static_assert(!store<near_miss::no_contains>);
static_assert(!store<near_miss::no_list>);
static_assert(!store<near_miss::no_commit>);
static_assert(!store<near_miss::commit_returns_void>);
static_assert(!store<near_miss::commit_rvalue_only>);

TEST_CASE("store concept: the archetype obeys the laws", "[storage][concept]") {
    test::storage_archetype s{test::storage_archetype::make_tag{}};
    test::laws::check_store(s);
}

TEST_CASE("store concept: put_one and erase_one commit one operation", "[storage][concept]") {
    test::storage_archetype s{test::storage_archetype::make_tag{}};
    REQUIRE(storage::put_one(s, "ns", "k", as_bytes("v")));
    CHECK(test::laws::holds(s, "ns", "k", as_bytes("v")));
    REQUIRE(storage::erase_one(s, "ns", "k"));
    CHECK(test::laws::absent(s, "ns", "k"));
    CHECK(storage::put_one(s, "ns", "", as_bytes("v")).error() ==
          storage::storage_error::invalid_key);
}
