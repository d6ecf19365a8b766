#include <e2ekit/session/manager.hpp>

#include <catch2/catch.hpp>

#include <tests/support/faulty_store.hpp>
#include <tests/support/omemo_backend_archetype.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>

#include <string>
#include <vector>

// The manager's own logic over toy backends (tests/support/
// omemo_backend_archetype.hpp); the real backends meet python-omemo in
// tests/interop/omemo_python.

using namespace e2ekit;
using session::outgoing;

namespace {

constexpr char ns_new[] = "toy:new";
constexpr char ns_old[] = "toy:old";
using toy_new = test::toy_backend<ns_new>;
using toy_old = test::toy_backend<ns_old>;
static_assert(session::omemo_backend<toy_new>);

struct no_tag {
    static constexpr std::string_view namespace_uri = "x";
};
static_assert(!session::omemo_backend<no_tag>);

using store_t = storage::memory_store;
template <class PP = session::delete_on_use>
using manager_t = session::manager<store_t, trust::btbv, PP, toy_new, toy_old>;

constexpr std::uint64_t t0 = 1'700'000'000;
const std::array<std::string_view, 5> all_namespaces{"omemo.own", "omemo.prekeys", "omemo.sessions",
                                                     "session.devices", "trust.keys"};

std::string text(const secret_bytes& b) {
    return std::string(as_chars(b.view()));
}

/// One device: its store and manager.
template <class PP = session::delete_on_use>
struct device {
    store_t store;
    std::optional<manager_t<PP>> m;
    device(const std::string& jid, testing::deterministic_random& r) {
        m.emplace(manager_t<PP>::open(store, r, jid, "phone", t0).value());
    }
    manager_t<PP>* operator->() { return &*m; }
};

/// What a server does when `from` publishes: `to` learns `from`'s list
/// (only the `from` device, under `ns`) and bundle.
template <class A, class B>
void introduce(A& from, B& to, std::string_view ns, testing::deterministic_random& r) {
    const std::vector<session::listed_device> list{{from->device_id(), "phone"}};
    const std::string xml =
        ns == ns_new ? toy_new::device_list_xml(list) : toy_old::device_list_xml(list);
    REQUIRE(to->on_device_list(ns, from->jid(), xml));
    for (const auto& o : from->publish_bundles())
        if (o.ns == ns) REQUIRE(to->on_bundle(ns, from->jid(), from->device_id(), o.xml, r));
}

const outgoing* message_in(const std::vector<outgoing>& v, std::string_view ns) {
    for (const auto& o : v)
        if (o.what == outgoing::kind::message && o.ns == ns) return &o;
    return nullptr;
}

} // namespace

TEST_CASE("session::manager: open keeps one device and identity", "[session][manager]") {
    testing::deterministic_random r(1);
    store_t store;
    auto a = manager_t<>::open(store, r, "alice@example.org", "phone", t0).value();
    CHECK(a.device_id() >= 1);
    CHECK(a.device_id() <= 0x7fffffffu);
    CHECK(a.fingerprint().size() == 32 * 3 - 1);
    const auto bundles = a.publish_bundles();
    REQUIRE(bundles.size() == 2);
    CHECK(bundles[0].ns == ns_new);
    CHECK(bundles[1].ns == ns_old);
    // Opened again: the same device, identity and pre-keys.
    auto again = manager_t<>::open(store, r, "alice@example.org", "other", t0 + 5).value();
    CHECK(again.device_id() == a.device_id());
    CHECK(again.identity_key() == a.identity_key());
    CHECK(again.publish_bundles() == bundles);
    // The own list: published with this device when it lacks it.
    auto follow = a.on_device_list(ns_new, "alice@example.org", "[]").value();
    REQUIRE(follow.size() == 1);
    CHECK(follow[0].what == outgoing::kind::device_list);
    CHECK(toy_new::parse_device_list(follow[0].xml).value() ==
          std::vector<session::listed_device>{{a.device_id(), "phone"}});
    CHECK(a.on_device_list(ns_new, "alice@example.org", follow[0].xml).value().empty());
    CHECK(a.on_device_list("urn:unknown", "alice@example.org", "[]").error() ==
          session::manager_error::unknown_namespace);
}

TEST_CASE("session::manager: a conversation, key exchange to confirmation", "[session][manager]") {
    testing::deterministic_random r(2);
    device alice("alice@example.org", r), bob("bob@example.org", r);
    introduce(alice, bob, ns_new, r);
    introduce(bob, alice, ns_new, r);
    const std::vector<std::string> to_alice{"alice@example.org"};

    auto first = bob->encrypt(to_alice, as_bytes("hello"), r).value();
    CHECK(first.unreachable.empty());
    REQUIRE(first.messages.size() == 1);
    CHECK(first.messages[0].ns == ns_new);
    auto got = alice->decrypt(ns_new, "bob@example.org", first.messages[0].xml, r, t0).value();
    REQUIRE(got.plaintext);
    CHECK(text(*got.plaintext) == "hello");
    CHECK(got.sender_trust == trust::level::trusted); // BTBV: blind before verification
    // The key exchange used a pre-key: the bundle goes out again (refilled),
    // and an empty message completes the exchange.
    const auto* empty = message_in(got.follow_ups, ns_new);
    REQUIRE(empty);
    CHECK(empty->to == "bob@example.org");
    CHECK(std::any_of(got.follow_ups.begin(), got.follow_ups.end(),
                      [](const outgoing& o) { return o.what == outgoing::kind::bundle; }));
    auto done = bob->decrypt(ns_new, "alice@example.org", empty->xml, r, t0).value();
    CHECK(!done.plaintext);
    CHECK(done.follow_ups.empty());
    // Confirmed: bob's next message is no longer a key exchange.
    auto second = bob->encrypt(to_alice, as_bytes("again"), r).value();
    CHECK(toy_new::parse_message(second.messages[0].xml).value().keys.size() == 1);
    CHECK(!std::get<2>(toy_new::parse_message(second.messages[0].xml).value().keys[0]).kex);
    auto got2 = alice->decrypt(ns_new, "bob@example.org", second.messages[0].xml, r, t0).value();
    CHECK(text(*got2.plaintext) == "again");
    CHECK(got2.follow_ups.empty());

    // Alice loses her sessions: bob's next message has nothing to read it.
    storage::batch wipe;
    const auto sessions = alice.store.list("omemo.sessions", "").value();
    for (const auto& k : sessions)
        wipe.erase("omemo.sessions", k);
    REQUIRE(alice.store.commit(wipe));
    const auto lost = bob->encrypt(to_alice, as_bytes("lost"), r).value().messages.at(0).xml;
    CHECK(alice->decrypt(ns_new, "bob@example.org", lost, r, t0).error() ==
          session::manager_error::no_session);
    // Healed: a new session from bob's bundle, announced by an empty message
    // that replaces bob's; then bob's messages read again.
    const auto bundle = bob->publish_bundles()[0].xml;
    const auto heal =
        alice->replace_session(ns_new, "bob@example.org", bob->device_id(), bundle, r).value();
    CHECK(heal.to == "bob@example.org");
    auto healed = bob->decrypt(ns_new, "alice@example.org", heal.xml, r, t0).value();
    CHECK(!healed.plaintext);
    const auto* ack = message_in(healed.follow_ups, ns_new);
    REQUIRE(ack);
    REQUIRE(alice->decrypt(ns_new, "bob@example.org", ack->xml, r, t0));
    const auto after = bob->encrypt(to_alice, as_bytes("back"), r).value().messages.at(0).xml;
    CHECK(text(*alice->decrypt(ns_new, "bob@example.org", after, r, t0).value().plaintext) ==
          "back");
}

TEST_CASE("session::manager: refusals change nothing stored", "[session][manager]") {
    testing::deterministic_random r(3);
    device alice("alice@example.org", r), bob("bob@example.org", r);
    introduce(alice, bob, ns_new, r);
    const std::vector<std::string> to_alice{"alice@example.org"};
    const auto msg = bob->encrypt(to_alice, as_bytes("hi"), r).value().messages.at(0).xml;
    const auto before = test::snapshot(alice.store, all_namespaces);
    // Bob's device is in no list alice knows yet.
    CHECK(alice->decrypt(ns_new, "bob@example.org", msg, r, t0).error() ==
          session::manager_error::sender_not_found);
    CHECK(test::snapshot(alice.store, all_namespaces) == before);
    introduce(bob, alice, ns_new, r);
    const auto known = test::snapshot(alice.store, all_namespaces);
    // Not for this device; an unknown namespace.
    const auto to_eve = bob->encrypt(std::vector<std::string>{"eve@example.org"}, as_bytes("x"), r);
    CHECK(to_eve.value().unreachable == std::vector<std::string>{"eve@example.org"});
    CHECK(alice->decrypt("toy:none", "bob@example.org", msg, r, t0).error() ==
          session::manager_error::unknown_namespace);
    // A tampered payload: authentication fails, nothing is kept.
    auto m = toy_new::parse_message(msg).value();
    m.c.ct[0] ^= 1;
    std::vector<session::addressed_key<toy_new::key>> keys;
    for (auto& [j, d, k] : m.keys)
        keys.push_back({j, d, k});
    const auto tampered = toy_new::message_xml(m.sid, m.c, keys);
    CHECK(!alice->decrypt(ns_new, "bob@example.org", tampered, r, t0));
    CHECK(test::snapshot(alice.store, all_namespaces) == known);
    // Distrusted: refused before anything is decrypted.
    REQUIRE(
        alice->set_trust("bob@example.org", bob->identity_key(), trust::btbv_level::distrusted));
    const auto distrusted = test::snapshot(alice.store, all_namespaces);
    CHECK(alice->decrypt(ns_new, "bob@example.org", msg, r, t0).error() ==
          session::manager_error::sender_distrusted);
    CHECK(test::snapshot(alice.store, all_namespaces) == distrusted);
    // A normal message with no session to read it.
    REQUIRE(alice->set_trust("bob@example.org", bob->identity_key(), trust::btbv_level::verified));
    REQUIRE(alice->decrypt(ns_new, "bob@example.org", msg, r, t0));
}

TEST_CASE("session::manager: fan-out, priority and per-device problems", "[session][manager]") {
    testing::deterministic_random r(4);
    device alice("alice@example.org", r), bob1("bob@example.org", r), bob2("bob@example.org", r),
        alice2("alice@example.org", r);
    // Bob's list names both his devices under both protocols; device 2
    // has no bundle yet. Alice's own list names her second device (old
    // protocol only).
    const std::vector<session::listed_device> bobs{{bob1->device_id(), "a"},
                                                   {bob2->device_id(), "b"}};
    REQUIRE(alice->on_device_list(ns_new, "bob@example.org", toy_new::device_list_xml(bobs)));
    REQUIRE(alice->on_device_list(ns_old, "bob@example.org", toy_old::device_list_xml(bobs)));
    for (const auto& o : bob1->publish_bundles())
        REQUIRE(alice->on_bundle(o.ns, "bob@example.org", bob1->device_id(), o.xml, r));
    const std::vector<session::listed_device> mine{{alice->device_id(), "phone"},
                                                   {alice2->device_id(), "laptop"}};
    REQUIRE(alice->on_device_list(ns_old, "alice@example.org", toy_old::device_list_xml(mine)));
    for (const auto& o : alice2->publish_bundles())
        if (o.ns == ns_old)
            REQUIRE(alice->on_bundle(o.ns, "alice@example.org", alice2->device_id(), o.xml, r));

    const auto out =
        alice->encrypt(std::vector<std::string>{"bob@example.org"}, as_bytes("all"), r).value();
    // bob1 under the higher-priority protocol; alice2 under the old one.
    REQUIRE(out.messages.size() == 2);
    const auto* to_new = message_in(out.messages, ns_new);
    const auto* to_old = message_in(out.messages, ns_old);
    REQUIRE(to_new);
    REQUIRE(to_old);
    CHECK(toy_new::key_for(toy_new::parse_message(to_new->xml).value(), "bob@example.org",
                           bob1->device_id()));
    CHECK(toy_old::key_for(toy_old::parse_message(to_old->xml).value(), "alice@example.org",
                           alice2->device_id()));
    // bob2: no bundle, reported and not fatal.
    REQUIRE(out.skipped_devices.size() == 1);
    CHECK(out.skipped_devices[0].device == bob2->device_id());
    CHECK(out.skipped_devices[0].reason == session::skip_reason::needs_bundle);
    CHECK(out.unreachable.empty());
    // A device whose identity changes is refused, and nothing changes.
    const auto before = test::snapshot(alice.store, all_namespaces);
    for (const auto& o : bob2->publish_bundles())
        CHECK(alice->on_bundle(o.ns, "bob@example.org", bob1->device_id(), o.xml, r).error() ==
              session::session_error::identity_changed);
    CHECK(test::snapshot(alice.store, all_namespaces) == before);
    // A device dropped from the list gets nothing more.
    REQUIRE(alice->on_device_list(ns_new, "bob@example.org", "[]"));
    REQUIRE(alice->on_device_list(ns_old, "bob@example.org", "[]"));
    const auto none =
        alice->encrypt(std::vector<std::string>{"bob@example.org"}, as_bytes("x"), r).value();
    CHECK(none.unreachable == std::vector<std::string>{"bob@example.org"});
    const auto infos = alice->devices("bob@example.org").value();
    REQUIRE(infos.size() == 2);
    CHECK(infos[0].active.empty());
}

TEST_CASE("session::manager: pre-key policies, maintenance, failed commits", "[session][manager]") {
    testing::deterministic_random r(5);
    device<session::keep_until_confirmed> alice("alice@example.org", r);
    device bob("bob@example.org", r);
    introduce(alice, bob, ns_new, r);
    introduce(bob, alice, ns_new, r);
    const std::vector<std::string> to_alice{"alice@example.org"};
    const auto msg = bob->encrypt(to_alice, as_bytes("one"), r).value().messages.at(0).xml;
    const auto pk_before = toy_new::parse_bundle(alice->publish_bundles()[0].xml).value().pks;

    // A failed commit releases nothing and keeps nothing.
    test::faulty_store<store_t> faulty(alice.store);
    using faulty_manager = session::manager<test::faulty_store<store_t>, trust::btbv,
                                            session::keep_until_confirmed, toy_new, toy_old>;
    auto fm = faulty_manager::open(faulty, r, "alice@example.org", "phone", t0).value();
    const auto before = test::snapshot(alice.store, all_namespaces);
    faulty.fail = true;
    CHECK(fm.decrypt(ns_new, "bob@example.org", msg, r, t0).error() ==
          storage::storage_error::io_error);
    CHECK(test::snapshot(alice.store, all_namespaces) == before);

    // keep_until_confirmed hides the used key: gone from the bundle, still
    // there for a repeated exchange.
    auto got = alice->decrypt(ns_new, "bob@example.org", msg, r, t0).value();
    const auto pk_after = toy_new::parse_bundle(alice->publish_bundles()[0].xml).value().pks;
    CHECK(pk_after.size() == pk_before.size()); // refilled to 100
    CHECK(std::find(pk_after.begin(), pk_after.end(), pk_before.front()) == pk_after.end());
    auto again = alice->decrypt(ns_new, "bob@example.org", msg, r, t0);
    CHECK(again.has_value());
    auto held = [&] {
        const auto stored = alice.store.get("omemo.prekeys", ns_new).value();
        return toy_new::has_prekey(toy_new::parse_prekeys(stored.view()).value(),
                                   pk_before.front());
    };
    CHECK(held());
    // Once bob answers in that session, the kept key goes.
    const auto* ack = message_in(got.follow_ups, ns_new);
    REQUIRE(ack);
    REQUIRE(bob->decrypt(ns_new, "alice@example.org", ack->xml, r, t0));
    const auto two = bob->encrypt(to_alice, as_bytes("two"), r).value().messages.at(0).xml;
    CHECK(text(*alice->decrypt(ns_new, "bob@example.org", two, r, t0).value().plaintext) == "two");
    CHECK(!held());

    // Maintenance: nothing to do now; a week on, the signed pre-key turns.
    CHECK(alice->maintain(r, t0 + 3600).value().empty());
    const auto turned = alice->maintain(r, t0 + 8 * 24 * 3600).value();
    REQUIRE(turned.size() == 2);
    CHECK(turned[0].what == outgoing::kind::bundle);
    CHECK(alice->maintain(r, t0 + 8 * 24 * 3600 + 1).value().empty());
}
