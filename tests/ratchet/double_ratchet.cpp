#include <e2ekit/ratchet/double_ratchet.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

#include "../support/laws/ratchet.hpp"
#include "../support/ratchet_archetype.hpp"

using namespace e2ekit;
using signal_params = protocols::signal::ratchet_params;
using signal_dr = ratchet::double_ratchet<signal_params>;

TEST_CASE("double_ratchet: laws, Signal params", "[ratchet][double_ratchet]") {
    test::laws::check_double_ratchet<signal_params>();
}

TEST_CASE("double_ratchet: laws, archetype params", "[ratchet][double_ratchet]") {
    test::laws::check_double_ratchet<test::ratchet_archetype>();
}

TEST_CASE("double_ratchet: previous counter follows the params", "[ratchet][double_ratchet]") {
    // libsignal-protocol-c sends the index of the last message of the
    // previous sending chain (session_cipher.c, get_or_create_chain_key).
    test::laws::ratchet_pair<signal_params> s(20);
    for (int i = 0; i < 3; ++i)
        s.receive(s.b, s.send(s.a));
    s.receive(s.a, s.send(s.b));
    CHECK(s.send(s.a).hdr.previous_counter == 2);
    test::laws::ratchet_pair<test::ratchet_archetype> a(20);
    for (int i = 0; i < 3; ++i)
        a.receive(a.b, a.send(a.a));
    a.receive(a.a, a.send(a.b));
    CHECK(a.send(a.a).hdr.previous_counter == 3);
}

TEST_CASE("double_ratchet: a new ratchet key before this side has one",
          "[ratchet][double_ratchet]") {
    test::laws::ratchet_pair<signal_params> t(21);
    auto e = t.send(t.a);
    auto h = e.hdr;
    h.ratchet_key[0] ^= 1; // not the chain b receives on
    auto r = signal_dr::decrypt_step(t.b, h);
    REQUIRE_FALSE(r);
    CHECK(r.error() == ratchet::ratchet_error::no_sending_key);
}

TEST_CASE("double_ratchet: a weak ratchet key is refused", "[ratchet][double_ratchet]") {
    test::laws::ratchet_pair<signal_params> t(22);
    t.receive(t.b, t.send(t.a));
    auto e = t.send(t.b);
    auto h = e.hdr;
    h.ratchet_key.fill(0); // small order: X25519 gives zero
    auto r = signal_dr::decrypt_step(t.a, h);
    REQUIRE_FALSE(r);
    CHECK(r.error() == ratchet::ratchet_error::invalid_ratchet_key);
}

TEST_CASE("double_ratchet: parse refuses other params and broken invariants",
          "[ratchet][double_ratchet]") {
    test::laws::ratchet_pair<test::ratchet_archetype> t(23);
    auto other = ratchet::double_ratchet<test::ratchet_archetype>::serialize(t.a);
    auto r = signal_dr::parse(other.view());
    REQUIRE_FALSE(r);
    CHECK(r.error() == ratchet::ratchet_error::unsupported_state);

    // A receiving-only state without receiver chains cannot do anything.
    signal_dr::state empty;
    auto ser = signal_dr::serialize(empty);
    auto e = signal_dr::parse(ser.view());
    REQUIRE_FALSE(e);
    CHECK(e.error() == ratchet::ratchet_error::bad_state);

    // Skipped keys at or above their chain's index.
    test::laws::ratchet_pair<signal_params> s(24);
    auto m0 = s.send(s.a);
    s.receive(s.b, s.send(s.a));
    REQUIRE(s.b.receivers.back().skipped.size() == 1);
    s.b.receivers.back().skipped.back().index = 5;
    auto bad = signal_dr::serialize(s.b);
    auto b = signal_dr::parse(bad.view());
    REQUIRE_FALSE(b);
    CHECK(b.error() == ratchet::ratchet_error::bad_state);
    (void)m0;
}
