// What every OMEMO session backend owes session::manager, checked the same
// way for each (tests/protocols/<backend>/session_backend.cpp call these):
// its own pre-keys, and two managers talking over it alone. python-omemo
// is the judge of the wire (tests/interop/omemo_python).
#ifndef E2EKIT_TESTS_SUPPORT_OMEMO_BACKEND_CHECKS_HPP
#define E2EKIT_TESTS_SUPPORT_OMEMO_BACKEND_CHECKS_HPP

#include <e2ekit/agreement/error.hpp>
#include <e2ekit/session/manager.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>

#include <catch2/catch.hpp>

#include <tests/support/faulty_store.hpp>

#include <array>

#include <string>
#include <vector>

namespace e2ekit::test {

/// A backend's own pre-keys: use, hide, rotate, stored form, bundle.
template <class P>
void check_own_prekeys() {
    using backend = session::session_backend_t<P>;
    testing::deterministic_random r(7);
    session::identity_seed seed;
    r.fill(seed.mutable_view());
    const auto id = backend::identity_from_seed(seed);
    CHECK(backend::identity_key(id) == backend::identity_key(backend::identity_from_seed(seed)));
    auto pk = backend::new_prekeys(id, r, 5, 1000);
    CHECK(backend::visible_prekeys(pk) == 5);
    CHECK(backend::use_prekey(pk, 2, true));
    CHECK(!backend::use_prekey(pk, 2, true));
    CHECK(backend::visible_prekeys(pk) == 4);
    CHECK(backend::has_prekey(pk, 2));
    CHECK(backend::use_prekey(pk, 3, false));
    CHECK(!backend::has_prekey(pk, 3));
    backend::rotate(pk, id, r, 2000);
    backend::rotate(pk, id, r, 3000);
    CHECK(pk.signed_keys.size() == 2);
    CHECK(backend::signed_prekey_time(pk) == 3000);
    const auto stored = backend::serialize(pk);
    const auto back = backend::parse_prekeys(stored.view()).value();
    CHECK(backend::serialize(back).view().size() == stored.view().size());
    CHECK(ct::equal(backend::serialize(back).view(), stored.view()));
    CHECK(backend::bundle_xml(id, back) == backend::bundle_xml(id, pk));
    // The bundle carries the visible keys only, and verifies.
    const auto b = backend::parse_bundle(backend::bundle_xml(id, pk)).value();
    CHECK(b.prekeys.size() == 3);
    CHECK(backend::bundle_identity(b) == backend::identity_key(id));
    // Strict: every cut and a wrong format are refused.
    for (std::size_t n = 0; n < stored.view().size(); n += 7)
        CHECK(!backend::parse_prekeys(stored.view().first(n)));
    auto other = to_bytes(stored.view());
    other[0] = 2;
    CHECK(!backend::parse_prekeys(other));
}

/// Two managers over the backend alone: lists, bundles, a key exchange
/// completed by the empty message, then replies.
template <class P>
void check_two_managers() {
    using backend = session::session_backend_t<P>;
    using manager_t =
        session::manager<storage::memory_store, trust::btbv, session::delete_on_use, P>;
    testing::deterministic_random r(8);
    storage::memory_store sa, sb;
    auto a = manager_t::open(sa, r, "a@example.org", "", 1).value();
    auto b = manager_t::open(sb, r, "b@example.org", "", 1).value();
    const std::vector<session::listed_device> la{{a.device_id(), ""}}, lb{{b.device_id(), ""}};
    const auto ns = std::string(backend::namespace_uri);
    REQUIRE(b.on_device_list(ns, "a@example.org", backend::device_list_xml(la)));
    REQUIRE(a.on_device_list(ns, "b@example.org", backend::device_list_xml(lb)));
    REQUIRE(b.on_bundle(ns, "a@example.org", a.device_id(), a.publish_bundles()[0].xml, r));
    REQUIRE(a.on_bundle(ns, "b@example.org", b.device_id(), b.publish_bundles()[0].xml, r));
    const std::vector<std::string> to_b{"b@example.org"}, to_a{"a@example.org"};
    auto m = a.encrypt(to_b, as_bytes("hello"), r).value();
    REQUIRE(m.messages.size() == 1);
    auto got = b.decrypt(ns, "a@example.org", m.messages[0].xml, r, 1).value();
    CHECK(std::string(as_chars(got.plaintext->view())) == "hello");
    REQUIRE(got.follow_ups.size() == 2); // the empty message and the bundle
    for (const auto& f : got.follow_ups)
        if (f.what == session::outgoing::kind::message)
            CHECK(!a.decrypt(ns, "b@example.org", f.xml, r, 1).value().plaintext);
    for (int i = 0; i < 5; ++i) {
        auto back = b.encrypt(to_a, as_bytes("reply"), r).value();
        CHECK(std::string(as_chars(a.decrypt(ns, "b@example.org", back.messages[0].xml, r, 1)
                                       .value()
                                       .plaintext->view())) == "reply");
    }
}

/// Refusals through the manager, each leaving the store as it was: a
/// bundle whose signature does not verify, malformed XML, a replay, a key
/// element damaged for one device (the other recipient still reads the
/// message).
template <class P>
void check_refusals() {
    using backend = session::session_backend_t<P>;
    using manager_t =
        session::manager<storage::memory_store, trust::btbv, session::delete_on_use, P>;
    const std::array<std::string_view, 5> all{"omemo.own", "omemo.prekeys", "omemo.sessions",
                                              "session.devices", "trust.keys"};
    testing::deterministic_random r(9);
    storage::memory_store sa, sb1, sb2;
    auto a = manager_t::open(sa, r, "a@example.org", "", 1).value();
    auto b1 = manager_t::open(sb1, r, "b@example.org", "", 1).value();
    auto b2 = manager_t::open(sb2, r, "b@example.org", "", 1).value();
    const auto ns = std::string(backend::namespace_uri);
    const std::vector<session::listed_device> la{{a.device_id(), ""}},
        lb{{b1.device_id(), ""}, {b2.device_id(), ""}};
    REQUIRE(a.on_device_list(ns, "b@example.org", backend::device_list_xml(lb)));
    for (auto* b : {&b1, &b2}) {
        REQUIRE(b->on_device_list(ns, "a@example.org", backend::device_list_xml(la)));
        REQUIRE(b->on_bundle(ns, "a@example.org", a.device_id(), a.publish_bundles()[0].xml, r));
    }
    // A bundle changed in one base64 character so that it still parses but
    // its signed pre-key no longer verifies.
    auto forged_xml = b1.publish_bundles()[0].xml;
    const auto before_bundle = snapshot(sa, all);
    for (std::size_t i = 0; i < forged_xml.size(); ++i) {
        std::string tweaked = forged_xml;
        tweaked[i] = tweaked[i] == 'A' ? 'B' : 'A';
        const auto parsed = backend::parse_bundle(tweaked);
        if (!parsed && parsed.error() == agreement::agreement_error::bad_signature) {
            forged_xml = tweaked;
            break;
        }
    }
    CHECK(a.on_bundle(ns, "b@example.org", b1.device_id(), forged_xml, r).error() ==
          agreement::agreement_error::bad_signature);
    CHECK(a.on_bundle(ns, "b@example.org", b1.device_id(), "<bundle", r).has_value() == false);
    CHECK(snapshot(sa, all) == before_bundle);
    REQUIRE(a.on_bundle(ns, "b@example.org", b1.device_id(), b1.publish_bundles()[0].xml, r));
    REQUIRE(a.on_bundle(ns, "b@example.org", b2.device_id(), b2.publish_bundles()[0].xml, r));

    const std::vector<std::string> to_b{"b@example.org"};
    const auto xml = a.encrypt(to_b, as_bytes("both"), r).value().messages.at(0).xml;
    // b1's key damaged: b1 refuses and keeps nothing, b2 still reads it.
    auto m = backend::parse_message(xml).value();
    std::vector<session::addressed_key<typename backend::key>> keys;
    for (auto* b : {&b1, &b2}) {
        auto k = *backend::key_for(m, "b@example.org", b->device_id());
        if (b == &b1) k.data.back() ^= 1;
        keys.push_back({"b@example.org", b->device_id(), std::move(k)});
    }
    const auto damaged =
        backend::message_xml(backend::sender_device(m), backend::content_of(m), keys);
    const auto before_b1 = snapshot(sb1, all);
    CHECK(!b1.decrypt(ns, "a@example.org", damaged, r, 1));
    CHECK(snapshot(sb1, all) == before_b1);
    auto read = b2.decrypt(ns, "a@example.org", damaged, r, 1);
    REQUIRE(read);
    CHECK(std::string(as_chars(read->plaintext->view())) == "both");
    // Malformed XML and a replay: refused, nothing kept.
    const auto before_b2 = snapshot(sb2, all);
    CHECK(!b2.decrypt(ns, "a@example.org", "<encrypted", r, 1));
    CHECK(!b2.decrypt(ns, "a@example.org", xml.substr(0, xml.size() / 2), r, 1));
    CHECK(!b2.decrypt(ns, "a@example.org", damaged, r, 1));
    CHECK(snapshot(sb2, all) == before_b2);
    // b1 still reads the genuine message afterwards.
    CHECK(b1.decrypt(ns, "a@example.org", xml, r, 1).has_value());
}

} // namespace e2ekit::test

#endif
