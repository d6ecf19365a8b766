// Laws every model of e2ekit::storage::store obeys, as reusable checkers
// (after Boost.Hana's test/_include/laws). Run them against each store:
//
//   e2ekit::test::laws::check_store(s);              // s starts empty
//   e2ekit::test::laws::check_persistence(reopen);   // durable stores
//
// Each law works in its own namespaces ("law.<name>..."), so they share one
// store without seeing each other.
#ifndef E2EKIT_TESTS_SUPPORT_LAWS_STORAGE_HPP
#define E2EKIT_TESTS_SUPPORT_LAWS_STORAGE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace e2ekit::test::laws {

using storage::storage_error;

/// Distinct, recognisable bytes for a value.
inline bytes storage_value(std::string_view tag, std::size_t size = 0) {
    bytes v(tag.begin(), tag.end());
    for (std::size_t i = 0; v.size() < size; ++i)
        v.push_back(static_cast<byte>(i * 31 + 7));
    return v;
}

template <storage::store S>
bool holds(const S& s, std::string_view ns, std::string_view key, bytes_view expected) {
    auto v = s.get(ns, key);
    return v && equal_public(v->view(), expected);
}

template <storage::store S>
bool absent(const S& s, std::string_view ns, std::string_view key) {
    auto v = s.get(ns, key);
    auto c = s.contains(ns, key);
    return !v && v.error() == storage_error::not_found && c && !*c;
}

template <storage::store S>
std::vector<std::string> keys(const S& s, std::string_view ns, std::string_view prefix = {}) {
    auto l = s.list(ns, prefix);
    REQUIRE(l);
    return std::move(*l);
}

/// get returns what was put, in wiped memory; a put replaces.
/// `max_ns`: the longest namespace the store takes (a scoped view takes
/// less than its store, which holds the account prefix too).
template <storage::store S>
void law_get_after_put(S& s, std::size_t max_ns = storage::limits::max_namespace_size) {
    static_assert(std::is_same_v<decltype(s.get("", "")), result<secret_bytes>>,
                  "values come back as secret_bytes");
    const auto v1 = storage_value("first", 40);
    const auto v2 = storage_value("second", 3);
    REQUIRE(storage::put_one(s, "law.get", "k", v1));
    CHECK(holds(s, "law.get", "k", v1));
    CHECK(*s.contains("law.get", "k"));
    REQUIRE(storage::put_one(s, "law.get", "k", v2));
    CHECK(holds(s, "law.get", "k", v2));
    // Empty, binary and large values round-trip; so do names with odd bytes.
    REQUIRE(storage::put_one(s, "law.get", "empty", bytes{}));
    auto e = s.get("law.get", "empty");
    REQUIRE(e);
    CHECK(e->empty());
    const bytes zeros(100, 0);
    REQUIRE(storage::put_one(s, "law.get", "zeros", zeros));
    CHECK(holds(s, "law.get", "zeros", zeros));
    const auto big = storage_value("big", 1 << 20);
    REQUIRE(storage::put_one(s, "law.get", "big", big));
    CHECK(holds(s, "law.get", "big", big));
    const std::string odd_ns = "law.get/\xff \x01%2F";
    const std::string odd_key = "a/b\\c\xfe\n ..";
    REQUIRE(storage::put_one(s, odd_ns, odd_key, v1));
    CHECK(holds(s, odd_ns, odd_key, v1));
    CHECK(keys(s, odd_ns) == std::vector<std::string>{odd_key});
    // The longest names the limits allow.
    const std::string long_ns(max_ns, 'n');
    const std::string long_key(storage::limits::max_key_size, 'k');
    REQUIRE(storage::put_one(s, long_ns, long_key, v2));
    CHECK(holds(s, long_ns, long_key, v2));
}

/// A missing key is not_found; erase removes; erasing nothing is fine.
template <storage::store S>
void law_erase(S& s) {
    CHECK(absent(s, "law.erase", "never"));
    REQUIRE(storage::put_one(s, "law.erase", "k", storage_value("v")));
    REQUIRE(storage::put_one(s, "law.erase", "other", storage_value("o")));
    REQUIRE(storage::erase_one(s, "law.erase", "k"));
    CHECK(absent(s, "law.erase", "k"));
    CHECK(holds(s, "law.erase", "other", storage_value("o")));
    CHECK(storage::erase_one(s, "law.erase", "k"));
    CHECK(storage::erase_one(s, "law.erase.none", "k"));
    CHECK(keys(s, "law.erase") == std::vector<std::string>{"other"});
    REQUIRE(storage::erase_one(s, "law.erase", "other"));
    CHECK(keys(s, "law.erase").empty());
}

/// list: sorted by bytes, filtered by prefix, no duplicates.
template <storage::store S>
void law_list(S& s) {
    std::vector<std::string> names = {"b", "a", "ab", "a\xff", "c/1", "c/2", "c", "B", "a0"};
    storage::batch b;
    for (const auto& n : names)
        b.put("law.list", n, storage_value(n));
    b.put("law.list", "a", storage_value("again")); // no duplicate
    REQUIRE(s.commit(b));
    auto sorted = names;
    std::sort(sorted.begin(), sorted.end()); // char_traits<char> compares as unsigned bytes
    CHECK(keys(s, "law.list") == sorted);
    CHECK(keys(s, "law.list", "a") == std::vector<std::string>{"a", "a0", "ab", "a\xff"});
    CHECK(keys(s, "law.list", "c/") == std::vector<std::string>{"c/1", "c/2"});
    CHECK(keys(s, "law.list", "c/1") == std::vector<std::string>{"c/1"});
    CHECK(keys(s, "law.list", "d").empty());
    CHECK(keys(s, "law.list", "c/1/more").empty());
    CHECK(keys(s, "law.list.nothing").empty());
}

/// Namespaces never see each other's keys.
template <storage::store S>
void law_namespaces(S& s) {
    storage::batch b;
    b.put("law.ns1", "k", storage_value("one"));
    b.put("law.ns2", "k", storage_value("two"));
    b.put("law.ns", "k1", storage_value("prefix")); // a prefix of the others' names
    b.put("law.ns1", "only1", storage_value("x"));
    REQUIRE(s.commit(b));
    CHECK(holds(s, "law.ns1", "k", storage_value("one")));
    CHECK(holds(s, "law.ns2", "k", storage_value("two")));
    CHECK(absent(s, "law.ns2", "only1"));
    CHECK(absent(s, "law.ns", "k"));
    CHECK(keys(s, "law.ns1") == std::vector<std::string>{"k", "only1"});
    CHECK(keys(s, "law.ns2") == std::vector<std::string>{"k"});
    CHECK(keys(s, "law.ns") == std::vector<std::string>{"k1"});
    REQUIRE(storage::erase_one(s, "law.ns1", "k"));
    CHECK(holds(s, "law.ns2", "k", storage_value("two")));
}

/// A batch applies in order; a later operation on a key wins.
template <storage::store S>
void law_batch_order(S& s) {
    REQUIRE(storage::put_one(s, "law.order", "old", storage_value("old")));
    storage::batch b;
    b.put("law.order", "x", storage_value("x1"));
    b.put("law.order", "y", storage_value("y"));
    b.erase("law.order", "x");
    b.put("law.order", "z", storage_value("z1"));
    b.put("law.order", "z", storage_value("z2"));
    b.erase("law.order", "old");
    b.put("law.order", "old", storage_value("new"));
    b.put("law.order.other", "w", storage_value("w"));
    b.erase("law.order", "never-there");
    REQUIRE(s.commit(b));
    CHECK(absent(s, "law.order", "x"));
    CHECK(holds(s, "law.order", "y", storage_value("y")));
    CHECK(holds(s, "law.order", "z", storage_value("z2")));
    CHECK(holds(s, "law.order", "old", storage_value("new")));
    CHECK(holds(s, "law.order.other", "w", storage_value("w")));
    // An empty batch succeeds and changes nothing.
    storage::batch none;
    CHECK(s.commit(none));
    CHECK(keys(s, "law.order") == std::vector<std::string>{"old", "y", "z"});
    // A batch of many keys lands whole; an rvalue batch works as well.
    storage::batch many;
    for (int i = 0; i < 100; ++i)
        many.put(i % 2 ? "law.many.a" : "law.many.b", "k" + std::to_string(1000 + i),
                 storage_value("m" + std::to_string(i)));
    REQUIRE(s.commit(std::move(many)));
    CHECK(keys(s, "law.many.a").size() == 50);
    CHECK(keys(s, "law.many.b").size() == 50);
    CHECK(holds(s, "law.many.a", "k1099", storage_value("m99")));
}

/// A commit that fails leaves no trace, whichever operation is bad.
template <storage::store S>
void law_failed_commit_changes_nothing(S& s) {
    REQUIRE(storage::put_one(s, "law.fail", "kept", storage_value("before")));
    auto attempt = [&](auto&& spoil, storage_error expected) {
        storage::batch b;
        b.put("law.fail", "kept", storage_value("after"));
        b.put("law.fail", "new", storage_value("new"));
        b.erase("law.fail", "kept");
        b.put("law.fail.other", "new", storage_value("new"));
        spoil(b);
        b.put("law.fail", "late", storage_value("late"));
        auto r = s.commit(b);
        REQUIRE_FALSE(r);
        CHECK(r.error() == expected);
        CHECK(holds(s, "law.fail", "kept", storage_value("before")));
        CHECK(absent(s, "law.fail", "new"));
        CHECK(absent(s, "law.fail", "late"));
        CHECK(absent(s, "law.fail.other", "new"));
        CHECK(keys(s, "law.fail") == std::vector<std::string>{"kept"});
    };
    const std::string nul_key("a\0b", 3);
    const std::string too_long_key(storage::limits::max_key_size + 1, 'k');
    const std::string too_long_ns(storage::limits::max_namespace_size + 1, 'n');
    attempt([](storage::batch& b) { b.put("law.fail", "", storage_value("v")); },
            storage_error::invalid_key);
    attempt([](storage::batch& b) { b.put("", "k", storage_value("v")); },
            storage_error::invalid_key);
    attempt([&](storage::batch& b) { b.put("law.fail", nul_key, storage_value("v")); },
            storage_error::invalid_key);
    attempt([&](storage::batch& b) { b.erase("law.fail", too_long_key); },
            storage_error::invalid_key);
    attempt([&](storage::batch& b) { b.erase(too_long_ns, "k"); }, storage_error::invalid_key);
    attempt(
        [](storage::batch& b) {
            b.put("law.fail", "huge", bytes(storage::limits::max_value_size + 1, 1));
        },
        storage_error::too_large);
}

/// Reads with names no store can hold say so.
template <storage::store S>
void law_invalid_names(S& s) {
    const std::string nul_key("k\0", 2);
    const std::string too_long_key(storage::limits::max_key_size + 1, 'k');
    CHECK(s.get("", "k").error() == storage_error::invalid_key);
    CHECK(s.get("law.names", "").error() == storage_error::invalid_key);
    CHECK(s.get("law.names", nul_key).error() == storage_error::invalid_key);
    CHECK(s.get("law.names", too_long_key).error() == storage_error::invalid_key);
    CHECK(s.contains("", "k").error() == storage_error::invalid_key);
    CHECK(s.contains("law.names", "").error() == storage_error::invalid_key);
    CHECK(s.list("", "").error() == storage_error::invalid_key);
    CHECK(s.list(std::string("n\0", 2), "").error() == storage_error::invalid_key);
    // A prefix is not a name: anything goes, it merely matches nothing.
    CHECK(keys(s, "law.names", too_long_key).empty());
}

/// All of the above, on a store that starts empty.
template <storage::store S>
void check_store(S& s, std::size_t max_ns = storage::limits::max_namespace_size) {
    law_get_after_put(s, max_ns);
    law_erase(s);
    law_list(s);
    law_namespaces(s);
    law_batch_order(s);
    law_failed_commit_changes_nothing(s);
    law_invalid_names(s);
}

/// For durable stores: `open()` returns a new handle on the same storage
/// (the previous handle is gone by then). What was committed is there after
/// reopening, what was erased stays erased, failed commits left nothing.
template <class Open>
void check_persistence(Open open) {
    {
        auto s = open();
        storage::batch b;
        for (int i = 0; i < 20; ++i)
            b.put(i % 2 ? "law.p.a" : "law.p.b", "k" + std::to_string(10 + i),
                  storage_value("p" + std::to_string(i), 64));
        REQUIRE(s.commit(b));
        REQUIRE(storage::erase_one(s, "law.p.a", "k11"));
        REQUIRE(storage::put_one(s, "law.p.a", "k13", storage_value("replaced")));
        storage::batch bad;
        bad.put("law.p.a", "ghost", storage_value("g")).put("law.p.a", "", storage_value("g"));
        REQUIRE_FALSE(s.commit(bad));
    }
    for (int round = 0; round < 2; ++round) {
        auto s = open();
        CHECK(absent(s, "law.p.a", "k11"));
        CHECK(absent(s, "law.p.a", "ghost"));
        CHECK(holds(s, "law.p.a", "k13", storage_value("replaced")));
        CHECK(holds(s, "law.p.b", "k10", storage_value("p0", 64)));
        CHECK(holds(s, "law.p.a", "k29", storage_value("p19", 64)));
        CHECK(keys(s, "law.p.a").size() == 9);
        CHECK(keys(s, "law.p.b").size() == 10);
    }
}

} // namespace e2ekit::test::laws

#endif
