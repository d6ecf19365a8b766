#include <e2ekit/storage/batch.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

using namespace e2ekit;
using storage::batch;
using storage::limits;
using storage::storage_error;

TEST_CASE("batch: collects operations in order", "[storage][batch]") {
    static_assert(!std::is_copy_constructible_v<batch>, "values are secrets: clone() only");
    batch b;
    CHECK(b.empty());
    const bytes v{1, 2, 3};
    b.put("ns", "a", v).erase("ns", "b").put("other", "c", secret_bytes(bytes_view(v)));
    REQUIRE(b.size() == 3);
    CHECK(b.payload_size() == 2 + 1 + 3 + 2 + 1 + 5 + 1 + 3);
    auto it = b.begin();
    CHECK(it->kind == batch::op_kind::put);
    CHECK(it->ns == "ns");
    CHECK(it->key == "a");
    CHECK(equal_public(it->value.view(), v));
    ++it;
    CHECK(it->kind == batch::op_kind::erase);
    CHECK(it->value.empty());
    CHECK(b.check());

    auto copy = b.clone();
    CHECK(copy.size() == 3);
    CHECK(copy.payload_size() == b.payload_size());
    batch more;
    more.erase("x", "y");
    more.append(std::move(copy));
    CHECK(more.size() == 4);
    CHECK(copy.empty());
    CHECK(more.begin()->ns == "x");
    auto ops = std::move(more).release();
    CHECK(ops.size() == 4);
    CHECK(more.empty());
    CHECK(more.payload_size() == 0);
}

TEST_CASE("batch: check() enforces names and limits", "[storage][batch]") {
    CHECK(storage::valid_name("a", 1));
    CHECK_FALSE(storage::valid_name("", 10));
    CHECK_FALSE(storage::valid_name("ab", 1));
    CHECK_FALSE(storage::valid_name(std::string("a\0", 2), 10));
    CHECK(storage::valid_name("/..\xff", 10));

    batch b;
    b.put("ns", "k", bytes(limits::max_value_size, 0));
    CHECK(b.check());
    b.put("ns", "k2", bytes(limits::max_value_size + 1, 0));
    CHECK(b.check().error() == storage_error::too_large);

    batch n;
    n.erase(std::string(limits::max_namespace_size, 'n'), std::string(limits::max_key_size, 'k'));
    CHECK(n.check());
    n.erase(std::string(limits::max_namespace_size + 1, 'n'), "k");
    CHECK(n.check().error() == storage_error::invalid_key);
}
