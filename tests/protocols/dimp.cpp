#include <e2ekit/protocols/dimp.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>

#include <type_traits>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;

TEST_CASE("dimp: one include gives the stack and its default policies", "[protocols][dimp]") {
    using store_t = storage::memory_store;
    STATIC_REQUIRE(std::is_same_v<dimp::messenger<store_t>,
                                  dimp::messenger<store_t, system_random, dimp::barrack<store_t>,
                                                  dimp::key_store<store_t>>>);
    store_t s;
    const auto me = *dimp::id::parse("moky@4DnqXWdTV8wuZgfqSCX9GjE2kNq7HJrUgQ");
    dimp::messenger<store_t> m(s, me);
    CHECK(m.me() == me);
    CHECK(m.entities().meta_of(me)->has_value() == false);
}
