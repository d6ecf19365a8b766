#include <e2ekit/session/directory.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <tests/support/faulty_store.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
using session::listed_device;
using store_t = storage::memory_store;

namespace {
constexpr std::string_view two = "urn:xmpp:omemo:2";
constexpr std::string_view old = "eu.siacs.conversations.axolotl";
constexpr std::string_view spaces[] = {session::directory_namespace};

std::vector<std::uint32_t> ids(const std::vector<session::device_record>& d) {
    std::vector<std::uint32_t> out;
    for (const auto& r : d)
        out.push_back(r.id);
    return out;
}
} // namespace

TEST_CASE("session::device_directory: lists per protocol, devices never forgotten",
          "[session][directory]") {
    store_t store;
    session::device_directory<store_t> dir(store);
    const std::string bob = "bob@example.org";
    CHECK(dir.devices(bob)->empty());

    const listed_device first[] = {{7, "phone"}, {3, ""}};
    auto c = dir.apply_list_now(bob, two, first);
    REQUIRE(c);
    CHECK(c->added == std::vector<std::uint32_t>{3, 7});
    auto d = *dir.devices(bob);
    CHECK(ids(d) == std::vector<std::uint32_t>{3, 7});
    CHECK(d[1].label == "phone");
    CHECK(d[1].active_in(two));
    CHECK_FALSE(d[1].active_in(old));

    // 3 leaves the OMEMO 2 list, 9 joins; 7 is also on the 0.3 list.
    const listed_device second[] = {{7, ""}, {9, "laptop"}};
    c = dir.apply_list_now(bob, two, second);
    REQUIRE(c);
    CHECK(c->added == std::vector<std::uint32_t>{9});
    CHECK(c->deactivated == std::vector<std::uint32_t>{3});
    const listed_device legacy[] = {{7, ""}};
    c = dir.apply_list_now(bob, old, legacy);
    CHECK(c->activated == std::vector<std::uint32_t>{7});
    d = *dir.devices(bob);
    REQUIRE(ids(d) == std::vector<std::uint32_t>{3, 7, 9});
    CHECK_FALSE(d[0].active_in(two)); // kept, inactive
    CHECK(d[1].label == "phone");     // an empty label keeps the known one
    CHECK(d[1].active_in(two));
    CHECK(d[1].active_in(old));
    // 3 comes back.
    const listed_device third[] = {{3, ""}, {7, ""}, {9, ""}};
    CHECK(dir.apply_list_now(bob, two, third)->activated == std::vector<std::uint32_t>{3});
}

TEST_CASE("session::device_directory: identity keys are pinned per device",
          "[session][directory]") {
    store_t store;
    session::device_directory<store_t> dir(store);
    const bytes k1(32, 1), k2(32, 2);
    REQUIRE(dir.set_identity_now("carol", 5, k1));
    REQUIRE(dir.set_identity_now("carol", 5, k1)); // the same again: nothing to do
    const auto before = test::snapshot(store, spaces);
    CHECK(dir.set_identity_now("carol", 5, k2).error() == session::session_error::identity_changed);
    CHECK(test::snapshot(store, spaces) == before);
    auto d = *dir.devices("carol");
    REQUIRE(d.size() == 1);
    CHECK(*d[0].identity_key == k1);
    CHECK(d[0].protocols.empty()); // known from a bundle, not yet from a list
}

TEST_CASE("session::device_directory: the own list always names the local device",
          "[session][directory]") {
    store_t store;
    session::device_directory<store_t> dir(store);
    const std::string me = "me@example.org";
    // Nothing known: publish a list of one.
    auto l = dir.own_list(me, 42, "e2ekit", two).value();
    REQUIRE(l);
    CHECK(*l == std::vector<listed_device>{{42, "e2ekit"}});
    // Another client published a list without us: ours adds us to theirs.
    const listed_device theirs[] = {{11, "other"}};
    REQUIRE(dir.apply_list_now(me, two, theirs));
    l = dir.own_list(me, 42, "e2ekit", two).value();
    REQUIRE(l);
    CHECK(*l == std::vector<listed_device>{{11, "other"}, {42, "e2ekit"}});
    // Listed, with our label: nothing to publish; another label: republish.
    const listed_device with_us[] = {{11, "other"}, {42, "e2ekit"}};
    REQUIRE(dir.apply_list_now(me, two, with_us));
    CHECK_FALSE(dir.own_list(me, 42, "e2ekit", two).value());
    CHECK(dir.own_list(me, 42, "renamed", two).value()->at(1).label == "renamed");
    CHECK(dir.own_list(me, 42, "e2ekit", old).value()->size() == 1);
}

TEST_CASE("session::device_directory: bad input changes nothing", "[session][directory]") {
    store_t inner;
    test::faulty_store<store_t> store(inner);
    session::device_directory<test::faulty_store<store_t>> dir(store);
    const listed_device one[] = {{1, "a"}};
    REQUIRE(dir.apply_list_now("dave", two, one));
    const auto before = test::snapshot(inner, spaces);

    std::vector<listed_device> many(session::max_devices + 1);
    for (std::size_t i = 0; i < many.size(); ++i)
        many[i].id = static_cast<std::uint32_t>(i);
    CHECK(dir.apply_list_now("dave", two, many).error() == session::session_error::too_large);
    const listed_device long_label[] = {{2, std::string(session::max_label_size + 1, 'x')}};
    CHECK(dir.apply_list_now("dave", two, long_label).error() == session::session_error::too_large);
    CHECK(dir.apply_list_now("", two, one).error() == storage::storage_error::invalid_key);
    CHECK(dir.apply_list_now("dave", "", one).error() == storage::storage_error::invalid_key);
    store.fail = true;
    const listed_device other[] = {{3, "c"}};
    CHECK(dir.apply_list_now("dave", two, other).error() == storage::storage_error::io_error);
    store.fail = false;
    CHECK(test::snapshot(inner, spaces) == before);

    // Stored values that are not a device list.
    for (const char* text :
         {"", "[]", "{\"v\":2,\"devices\":[]}", "{\"v\":1}", "{\"v\":1,\"devices\":[1]}",
          "{\"v\":1,\"devices\":[{\"id\":1,\"label\":\"\",\"ns\":{\"x\":1}}]}",
          "{\"v\":1,\"devices\":[{\"id\":4294967296,\"label\":\"\",\"ns\":{}}]}",
          "{\"v\":1,\"devices\":[{\"id\":2,\"label\":\"\",\"ns\":{}},{\"id\":1,\"label\":\"\","
          "\"ns\":{}}]}",
          "{\"v\":1,\"devices\":[{\"id\":1,\"label\":\"\",\"ns\":{},\"ik\":\"!!\"}]}"}) {
        INFO(text);
        REQUIRE(storage::put_one(inner, session::directory_namespace, "erin", as_bytes(text)));
        CHECK(dir.devices("erin").error() == session::session_error::bad_directory);
        CHECK(dir.apply_list_now("erin", two, one).error() ==
              session::session_error::bad_directory);
    }
}
