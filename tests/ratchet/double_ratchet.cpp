#include <e2ekit/ratchet/double_ratchet.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

#include <vector>

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
    s.b.receivers.edit().back().skipped.edit().back().index = 5;
    auto bad = signal_dr::serialize(s.b);
    auto b = signal_dr::parse(bad.view());
    REQUIRE_FALSE(b);
    CHECK(b.error() == ratchet::ratchet_error::bad_state);
    (void)m0;
}

namespace {
// The archetype with the Double Ratchet spec's own start (concept.hpp
// "First chains", first_chain_rule::from_root).
struct spec_start : test::ratchet_archetype {
    static constexpr ratchet::first_chain_rule first_chain = ratchet::first_chain_rule::from_root;
};
using spec_dr = ratchet::double_ratchet<spec_start>;
bytes stored(const spec_dr::state& s) {
    auto ser = spec_dr::serialize(s);
    return bytes(ser.data(), ser.data() + ser.size());
}
} // namespace

TEST_CASE("double_ratchet: the spec's start from the root key alone (§3.3)",
          "[ratchet][double_ratchet]") {
    testing::deterministic_random rng(25);
    auto sk = random_secret<ratchet::key_size, ratchet::root_key_tag>(rng);
    auto spk = crypto::x25519::generate(rng);
    const auto spk_pub = spk.pub;
    auto a = spec_dr::start_initiator(sk.clone(), spk_pub, rng);
    REQUIRE(a);
    auto b = spec_dr::start_responder(sk.clone(), std::move(spk));

    // RatchetInitAlice: RK, CKs = KDF_RK(SK, DH(DHs, DHr)); no receiving chain.
    REQUIRE(a->ratchet_key);
    REQUIRE(a->sending);
    CHECK(a->receivers.empty());
    auto dh = crypto::x25519::agree(a->ratchet_key->priv, spk_pub);
    REQUIRE(dh);
    auto expected = spec_start::root_kdf::step(sk, dh->view());
    CHECK(a->root == expected.root);
    CHECK(a->sending->key == expected.chain);
    // RatchetInitBob: RK = SK, DHs = the signed pre-key, no chain at all.
    CHECK(b.root == sk);
    CHECK_FALSE(b.sending);
    CHECK(b.receivers.empty());
    auto early = spec_dr::encrypt_step(b, rng);
    REQUIRE_FALSE(early);
    CHECK(early.error() == ratchet::ratchet_error::bad_state);

    // Both start states keep their stored form.
    for (const auto* st : {&*a, &b}) {
        auto ser = spec_dr::serialize(*st);
        auto back = spec_dr::parse(ser.view());
        REQUIRE(back);
        CHECK(*back == *st);
    }

    // A conversation: the initiator sends first, out of order; then turns.
    spec_dr::state alice = std::move(*a);
    std::vector<spec_dr::encrypted> first;
    for (int i = 0; i < 3; ++i) {
        auto e = spec_dr::encrypt_step(alice, rng);
        REQUIRE(e);
        CHECK(e->hdr.counter == static_cast<std::uint32_t>(i));
        CHECK(e->hdr.previous_counter == 0);
        alice = e->next.clone();
        first.push_back(std::move(*e));
    }
    for (int i : {2, 0, 1}) {
        const bytes before = stored(b);
        auto d = spec_dr::decrypt_step(b, first[static_cast<std::size_t>(i)].hdr);
        REQUIRE(d);
        CHECK(stored(b) == before);
        CHECK(d->keys == first[static_cast<std::size_t>(i)].keys);
        b = std::move(d->next);
    }
    auto reply = spec_dr::encrypt_step(b, rng);
    REQUIRE(reply);
    CHECK(reply->hdr.previous_counter == 0);
    b = reply->next.clone();
    auto got = spec_dr::decrypt_step(alice, reply->hdr);
    REQUIRE(got);
    CHECK(got->keys == reply->keys);
    alice = std::move(got->next);
    auto again = spec_dr::encrypt_step(alice, rng);
    REQUIRE(again);
    CHECK(again->hdr.previous_counter == 3); // PN counts (archetype: count)
    auto d = spec_dr::decrypt_step(b, again->hdr);
    REQUIRE(d);
    CHECK(d->keys == again->keys);

    // A weak responder key is refused at the start.
    const crypto::x25519::public_key zero{};
    auto weak = spec_dr::start_initiator(sk.clone(), zero, rng);
    REQUIRE_FALSE(weak);
    CHECK(weak.error() == ratchet::ratchet_error::invalid_ratchet_key);
}

namespace {
struct item {
    int v = 0;
    item clone() const { return {v}; }
};
std::vector<int> values(const ratchet::shared_vector<item>& s) {
    std::vector<int> out;
    for (const auto& i : s)
        out.push_back(i.v);
    return out;
}
} // namespace

TEST_CASE("shared_vector: copies share until one changes", "[ratchet][double_ratchet]") {
    ratchet::shared_vector<item> a;
    CHECK(a.empty());
    CHECK(a.begin() == a.end());
    for (int i = 0; i < 5; ++i)
        a.push_back({i});
    auto b = a;
    REQUIRE(b.shares(a));
    b.push_back({5});
    CHECK_FALSE(b.shares(a));
    CHECK(values(a) == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(values(b) == std::vector<int>{0, 1, 2, 3, 4, 5});

    auto c = a;
    c.erase_at(2);
    CHECK(values(c) == std::vector<int>{0, 1, 3, 4});
    auto d = a;
    d.erase_front(3);
    CHECK(values(d) == std::vector<int>{3, 4});
    auto e = a;
    e.edit()[0].v = 9;
    CHECK(values(e) == std::vector<int>{9, 1, 2, 3, 4});
    CHECK(values(a) == std::vector<int>{0, 1, 2, 3, 4});

    // Alone, a vector changes in place.
    auto& before = a.edit();
    a.erase_at(0);
    a.erase_front(1);
    CHECK(&a.edit() == &before);
    CHECK(values(a) == std::vector<int>{2, 3, 4});
    a.erase_front(7);
    CHECK(a.empty());
}

TEST_CASE("double_ratchet: a step copies only what it changes", "[ratchet][double_ratchet]") {
    // b receives on two of a's chains, with skipped keys on both.
    test::laws::ratchet_pair<signal_params> t(25);
    using dr = signal_dr;
    std::vector<dr::encrypted> held;
    held.push_back(t.send(t.a));
    t.receive(t.b, t.send(t.a));
    t.receive(t.a, t.send(t.b));
    held.push_back(t.send(t.a));
    t.receive(t.b, t.send(t.a));
    REQUIRE(t.b.receivers.size() == 2);
    REQUIRE(t.b.receivers[0].skipped.size() == 1);
    REQUIRE(t.b.receivers[1].skipped.size() == 1);
    const bytes before = t.stored(t.b);

    auto e = dr::encrypt_step(t.b, t.rng);
    REQUIRE(e);
    CHECK(e->next.receivers.shares(t.b.receivers));

    // A message on the newest chain: the older chain's keys stay shared.
    auto d = dr::decrypt_step(t.b, held[1].hdr);
    REQUIRE(d);
    CHECK(d->keys == held[1].keys);
    CHECK_FALSE(d->next.receivers.shares(t.b.receivers));
    CHECK(d->next.receivers[0].skipped.shares(t.b.receivers[0].skipped));
    CHECK(d->next.receivers[1].skipped.empty());
    CHECK(t.b.receivers[1].skipped.size() == 1);

    // A message on the older chain: the newest chain's keys stay shared.
    auto o = dr::decrypt_step(t.b, held[0].hdr);
    REQUIRE(o);
    CHECK(o->keys == held[0].keys);
    CHECK(o->next.receivers[1].skipped.shares(t.b.receivers[1].skipped));
    CHECK(o->next.receivers[0].skipped.empty());

    // Changing a clone leaves the original as it was.
    auto c = t.b.clone();
    c.receivers.edit()[1].skipped.edit().clear();
    CHECK(c.receivers[1].skipped.empty());
    CHECK(t.stored(t.b) == before);
    CHECK(t.b == dr::parse(before).value());
}
