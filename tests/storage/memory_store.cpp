#include <e2ekit/storage/memory_store.hpp>

#include <catch2/catch.hpp>

#include <tests/support/laws/storage.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace e2ekit;
using storage::memory_store;

static_assert(storage::store<memory_store>);

TEST_CASE("memory_store: obeys the store laws", "[storage][memory]") {
    memory_store s;
    test::laws::check_store(s);
}

TEST_CASE("memory_store: moves, counts, and keeps no empty namespaces", "[storage][memory]") {
    memory_store s;
    storage::batch b;
    b.put("a", "1", as_bytes("x")).put("a", "2", as_bytes("y")).put("b", "1", as_bytes("z"));
    REQUIRE(s.commit(std::move(b)));
    CHECK(s.size() == 3);
    memory_store t(std::move(s));
    CHECK(t.size() == 3);
    CHECK(s.size() == 0);
    CHECK(test::laws::absent(s, "a", "1"));
    CHECK(test::laws::holds(t, "a", "1", as_bytes("x")));
    memory_store u;
    REQUIRE(storage::put_one(u, "c", "1", as_bytes("w")));
    u = std::move(t);
    CHECK(test::laws::absent(u, "c", "1"));
    CHECK(u.size() == 3);
    REQUIRE(storage::erase_one(u, "b", "1"));
    CHECK(u.size() == 2);
    CHECK(test::laws::keys(u, "b").empty());
}

TEST_CASE("memory_store: readers and a writer share one store", "[storage][memory]") {
    // Each commit sets every key to one generation; a list() always sees
    // whole batches, and reads never fail.
    memory_store s;
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    auto reader = [&] {
        while (!stop) {
            auto l = s.list("gen", "");
            if (!l || (l->size() != 0 && l->size() != 8)) ++failures;
            auto v = s.get("gen", "k0");
            if (!v && v.error() != storage::storage_error::not_found) ++failures;
        }
    };
    std::vector<std::thread> readers;
    for (int i = 0; i < 2; ++i)
        readers.emplace_back(reader);
    for (int g = 0; g < 2000; ++g) {
        storage::batch b;
        for (int k = 0; k < 8; ++k)
            b.put("gen", "k" + std::to_string(k), as_bytes(std::to_string(g)));
        REQUIRE(s.commit(b));
    }
    stop = true;
    for (auto& t : readers)
        t.join();
    CHECK(failures == 0);
}
