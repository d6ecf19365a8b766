#include <e2ekit/protocols/signal/record.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <map>
#include <random>
#include <string>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;

namespace {

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

/// One device: its keys and its record with the one peer of the test. Every
/// step is committed to `record` and to its stored form.
struct device {
    testing::deterministic_random& rng;
    std::uint32_t registration_id;
    sig::key_pair id;
    spk_t spk;
    std::map<std::uint32_t, otk_t> otks;
    std::uint32_t next_otk = 1;
    sig::session_record record;
    std::size_t lookups = 0; ///< calls of the pre-key lookup

    device(testing::deterministic_random& r, std::uint32_t reg)
        : rng(r), registration_id(reg), id(crypto::x25519::generate(r)),
          spk(spk_t::generate(id, 7, 0, r)) {}

    result<void> store(const sig::session_record& r) {
        record = r.clone();
        return ok();
    }

    sig::prekey_bundle bundle(std::optional<std::uint32_t> otk_id = std::nullopt) {
        auto k = otk_t::generate(otk_id.value_or(next_otk++), 1, rng);
        const auto kid = k[0].id;
        otks.insert_or_assign(kid, std::move(k[0]));
        return identity::make_bundle(id, registration_id, 1, spk, &otks.at(kid));
    }

    /// Starts a session from `b`; its base key.
    sig::public_key initiate(const sig::prekey_bundle& b) {
        auto s = sig::initiate(id, registration_id, b, rng);
        REQUIRE(s);
        const auto base = s->base_key;
        auto done =
            sig::add_initiated(record, std::move(*s)).commit([&](const sig::session_record& r) {
                return store(r);
            });
        REQUIRE(done);
        CHECK(done->base_key == base);
        CHECK(record.current->base_key == base);
        return base;
    }

    sig::outgoing send(std::string_view text) {
        auto e = sig::encrypt(record, as_bytes(text), rng);
        REQUIRE(e);
        auto out = std::move(*e).commit([&](const sig::session_record& r) { return store(r); });
        REQUIRE(out);
        return std::move(*out);
    }

    /// The by-id form of decrypt_prekey, from the wire.
    result<sig::record_prekey_step> try_prekey(bytes_view wire) {
        return sig::decrypt_prekey(
            record, wire, id, registration_id,
            [&](std::uint32_t k) -> const sig::key_pair* {
                ++lookups;
                return k == spk.id ? &spk.keys : nullptr;
            },
            [&](std::uint32_t k) -> const sig::key_pair* {
                auto it = otks.find(k);
                return it == otks.end() ? nullptr : &it->second.keys;
            });
    }

    result<std::string> receive(const sig::outgoing& m) {
        if (m.type == sig::message_type::prekey) {
            E2EKIT_TRY(step, try_prekey(m.body));
            // The used one-time pre-key goes in the same commit as the record.
            auto out = std::move(step).commit([&](const sig::session_record& r) {
                record = r.clone();
                return ok();
            });
            REQUIRE(out);
            if (out->used_prekey_id) otks.erase(*out->used_prekey_id);
            return std::string(as_chars(out->plaintext.view()));
        }
        E2EKIT_TRY(step, sig::decrypt(record, m.body));
        auto out = std::move(step).commit([&](const sig::session_record& r) { return store(r); });
        REQUIRE(out);
        return std::string(as_chars(out->view()));
    }

    bytes stored() const {
        auto s = sig::serialize(record);
        return bytes(s.data(), s.data() + s.size());
    }
};

void expect(device& to, const sig::outgoing& m, std::string_view text) {
    auto r = to.receive(m);
    REQUIRE(r);
    CHECK(*r == text);
}

} // namespace

TEST_CASE("signal record: a session, repeated pre-key messages, then plain ones",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{31};
    device alice(rng, 11), bob(rng, 22);
    CHECK(sig::encrypt(alice.record, as_bytes("x"), rng).error() == sig::signal_error::no_session);
    CHECK(sig::decrypt(alice.record, bytes(40, 0x33)).error() != sig::signal_error::bad_record);

    alice.initiate(bob.bundle());
    const auto m1 = alice.send("one");
    const auto m2 = alice.send("two");
    REQUIRE(m2.type == sig::message_type::prekey);
    expect(bob, m2, "two"); // out of order, and it carries the pre-key
    CHECK(bob.otks.empty());
    CHECK(bob.lookups == 1);
    // Same base key: the existing state, no pre-key needed (it is gone).
    auto again = bob.try_prekey(m1.body);
    REQUIRE(again);
    CHECK_FALSE(again->state().archived.size());
    CHECK_FALSE(std::move(*again).release().used_prekey_id);
    expect(bob, m1, "one");
    CHECK(bob.lookups == 1);
    CHECK(bob.record.archived.empty());
    CHECK(bob.receive(m1).error() == ratchet::ratchet_error::duplicate_message);

    expect(alice, bob.send("back"), "back");
    CHECK(alice.send("plain").type == sig::message_type::signal);
}

TEST_CASE("signal record: a replayed pre-key message with its base key re-encoded",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{42};
    device alice(rng, 11), bob(rng, 22);
    // No one-time pre-key: a second session from the same message would
    // need nothing Bob has deleted.
    alice.initiate(identity::make_bundle(bob.id, bob.registration_id, 1, bob.spk));
    const auto m = alice.send("once");
    expect(bob, m, "once");
    const bytes before = bob.stored();

    auto pm = sig::parse_prekey_signal_message(m.body);
    REQUIRE(pm);
    pm->base_key[31] ^= 0x80; // the same X25519 point (RFC 7748 §5)
    sig::outgoing replay{sig::message_type::prekey, sig::encode_prekey_signal_message(*pm)};
    CHECK(bob.receive(replay).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(bob.stored() == before);
    CHECK(bob.receive(m).error() == ratchet::ratchet_error::duplicate_message);

    // u and u + p are one point too.
    sig::public_key small{}, big{};
    small[0] = 5;
    big.fill(0xff);
    big[31] = 0x7f;
    big[0] = 0xed + 5;
    CHECK(sig::detail::same_point(small, big));
    big[31] = 0xff;
    CHECK(sig::detail::same_point(small, big));
    big[0] = 0xec; // p - 1: a point of its own
    big[31] = 0x7f;
    CHECK_FALSE(sig::detail::same_point(small, big));
    CHECK(sig::detail::canonical_u(big) == big);
}

TEST_CASE("signal record: the lookup forms agree", "[protocols][signal][record]") {
    testing::deterministic_random rng{37};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    const auto m = alice.send("hello");
    auto pm = sig::parse_prekey_signal_message(m.body);
    REQUIRE(pm);
    const std::uint32_t kid = bob.otks.begin()->first;
    const otk_t& otk = bob.otks.begin()->second;
    auto by_message = sig::decrypt_prekey(
        bob.record, *pm, [&](const sig::prekey_signal_message& x) -> result<sig::responder_keys> {
            CHECK(x.prekey_id == kid);
            return sig::responder_keys{bob.id, bob.registration_id, bob.spk.keys, &otk.keys};
        });
    auto by_id = bob.try_prekey(m.body);
    REQUIRE(by_message);
    REQUIRE(by_id);
    CHECK(by_message->state() == by_id->state());
    auto a = std::move(*by_message).release();
    auto b = std::move(*by_id).release();
    CHECK(a.used_prekey_id == kid);
    CHECK(b.used_prekey_id == kid);
    CHECK(a.plaintext == b.plaintext);

    // A lookup's refusal comes back as it is.
    auto refused = sig::decrypt_prekey(
        bob.record, m.body, [](const sig::prekey_signal_message&) -> result<sig::responder_keys> {
            return sig::signal_error::untrusted_identity;
        });
    CHECK(refused.error() == sig::signal_error::untrusted_identity);
}

TEST_CASE("signal record: the last-resort pre-key is never reported used",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{38};
    device alice(rng, 11), bob(rng, 22), carol(rng, 33);
    const auto b = bob.bundle(sig::identity_params::last_resort_prekey_id);
    alice.initiate(b);
    carol.initiate(b);
    for (device* d : {&alice, &carol}) {
        auto step = bob.try_prekey(d->send("hi").body);
        REQUIRE(step);
        bob.record = sig::session_record{}; // each its own peer
        CHECK_FALSE(std::move(*step).release().used_prekey_id);
    }
}

TEST_CASE("signal record: simultaneous initiation converges", "[protocols][signal][record]") {
    for (std::uint64_t seed : {32u, 320u, 3200u}) {
        testing::deterministic_random rng{seed};
        device alice(rng, 11), bob(rng, 22);
        // Both process the other's bundle and send before either receives.
        alice.initiate(bob.bundle());
        bob.initiate(alice.bundle());
        const auto from_alice = alice.send("hi bob");
        const auto from_alice2 = alice.send("again, bob");
        const auto from_bob = bob.send("hi alice");
        expect(bob, from_alice, "hi bob");
        expect(alice, from_bob, "hi alice");
        CHECK(alice.record.archived.size() == 1);
        CHECK(bob.record.archived.size() == 1);
        // Alice's second pre-key message names a state Bob already has.
        expect(bob, from_alice2, "again, bob");
        CHECK(bob.record.archived.size() == 1);

        // Random turns, each side sending bursts before the other answers:
        // every message decrypts with whichever state it was made for.
        std::mt19937 gen(static_cast<unsigned>(seed));
        std::deque<sig::outgoing> to_alice, to_bob;
        for (int i = 0; i < 300; ++i) {
            const int what = static_cast<int>(gen() % 4);
            if (what == 0) to_bob.push_back(alice.send("a" + std::to_string(i)));
            if (what == 1) to_alice.push_back(bob.send("b" + std::to_string(i)));
            if (what == 2 && !to_bob.empty()) {
                REQUIRE(bob.receive(to_bob.front()));
                to_bob.pop_front();
            }
            if (what == 3 && !to_alice.empty()) {
                REQUIRE(alice.receive(to_alice.front()));
                to_alice.pop_front();
            }
        }
        for (auto& m : to_bob)
            REQUIRE(bob.receive(m));
        for (auto& m : to_alice)
            REQUIRE(alice.receive(m));
        expect(bob, alice.send("last"), "last");
        expect(alice, bob.send("answer"), "answer");
        // Once each has answered the other, both are on the same state.
        CHECK(alice.record.current->base_key == bob.record.current->base_key);
        CHECK(alice.send("settled").type == sig::message_type::signal);
    }
}

TEST_CASE("signal record: a message for an archived state promotes it",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{33};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    expect(bob, alice.send("first"), "first");
    expect(alice, bob.send("reply"), "reply");
    const auto late = alice.send("late, old session");
    const auto later = alice.send("later, old session");

    // Alice starts over (a new bundle of Bob's, say).
    const auto new_base = alice.initiate(bob.bundle());
    expect(bob, alice.send("new session"), "new session");
    REQUIRE(bob.record.archived.size() == 1);
    REQUIRE(bob.record.current->base_key == new_base);

    expect(bob, late, "late, old session");
    CHECK(bob.record.current->base_key != new_base);
    CHECK(bob.record.archived.size() == 1);
    CHECK(bob.record.archived[0]->base_key == new_base);
    // A replay on the state now archived is still a duplicate.
    expect(bob, alice.send("new again"), "new again");
    CHECK(bob.record.current->base_key == new_base);
    const bytes before = bob.stored();
    CHECK(bob.receive(late).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(bob.stored() == before);
    expect(bob, later, "later, old session");

    // Bob now answers on the old session; Alice has it archived and follows.
    expect(alice, bob.send("on the old one"), "on the old one");
    CHECK(alice.record.current->base_key != new_base);
    expect(bob, alice.send("fine"), "fine");
}

TEST_CASE("signal record: a repeated pre-key message for an archived state",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{39};
    device alice(rng, 11), bob(rng, 22);
    const auto first_base = alice.initiate(bob.bundle());
    const auto p1 = alice.send("p1");
    const auto p2 = alice.send("p2");
    expect(bob, p1, "p1");
    alice.initiate(bob.bundle());
    expect(bob, alice.send("q1"), "q1");
    REQUIRE(bob.record.archived.size() == 1);
    // p2 names the archived state by its base key: it decrypts there (no
    // pre-key lookup, though its one-time key is gone) and promotes it.
    const std::size_t lookups = bob.lookups;
    expect(bob, p2, "p2");
    CHECK(bob.lookups == lookups);
    CHECK(bob.record.current->base_key == first_base);
    CHECK(bob.record.archived.size() == 1);
}

TEST_CASE("signal record: at most 40 archived states, newest first",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{34};
    device alice(rng, 11), bob(rng, 22);
    std::vector<sig::public_key> bases;
    std::vector<sig::outgoing> late;
    for (int i = 0; i < 45; ++i) {
        bases.push_back(alice.initiate(bob.bundle()));
        expect(bob, alice.send("n" + std::to_string(i)), "n" + std::to_string(i));
        late.push_back(alice.send("late" + std::to_string(i)));
    }
    REQUIRE(alice.record.archived.size() == sig::max_archived_states);
    REQUIRE(bob.record.archived.size() == sig::max_archived_states);
    for (std::size_t i = 0; i < sig::max_archived_states; ++i) {
        CHECK(bob.record.archived[i]->base_key == bases[43 - i]);
        CHECK(alice.record.archived[i]->base_key == bases[43 - i]);
    }
    auto back = sig::parse(bob.stored());
    REQUIRE(back);
    CHECK(*back == bob.record);

    // The oldest states are gone: a message of one is a new session again,
    // whose one-time pre-key was used up long ago.
    CHECK(bob.receive(late[0]).error() == sig::signal_error::unknown_prekey);
    // The oldest kept one still decrypts, and is promoted.
    expect(bob, late[4], "late4");
    CHECK(bob.record.current->base_key == bases[4]);
    CHECK(bob.record.archived.size() == sig::max_archived_states);
    CHECK(bob.record.archived[0]->base_key == bases[44]);
}

TEST_CASE("signal record: errors when no state decrypts", "[protocols][signal][record]") {
    testing::deterministic_random rng{40};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    sig::public_key old_ratchet_key{};
    for (int i = 0; i < 9; ++i) {
        const auto m = alice.send("o" + std::to_string(i));
        auto pm = sig::parse_prekey_signal_message(m.body);
        REQUIRE(pm);
        old_ratchet_key = sig::parse_signal_message(pm->message)->ratchet_key;
        expect(bob, m, "o" + std::to_string(i));
    }
    alice.initiate(bob.bundle());
    const auto next = alice.send("new one");
    expect(bob, alice.send("new session"), "new session");
    REQUIRE(bob.record.archived.size() == 1);
    const bytes before = bob.stored();

    // On the old chain (9 keys in) counter 2004 is within the skip bound,
    // and then the MAC fails; as a new chain on the current state it is too
    // far ahead. The current state's error is the one reported.
    const byte_array<32> no_key{};
    const bytes forged = sig::encode_signal_message(old_ratchet_key, 2004, 0, bytes(16, 0), no_key,
                                                    alice.id.pub, bob.id.pub);
    CHECK(sig::decrypt(bob.record, forged).error() == ratchet::ratchet_error::too_far_ahead);
    sig::session_record old_only;
    old_only.current = bob.record.archived[0]->clone();
    CHECK(sig::decrypt(old_only, forged).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(bob.stored() == before);

    // Archived states alone (no current one): no encrypting, but a message
    // for one decrypts and promotes it.
    sig::session_record archived_only = bob.record.clone();
    archived_only.archived.insert(
        archived_only.archived.begin(),
        std::make_shared<const sig::session_state>(archived_only.current->clone()));
    archived_only.current.reset();
    CHECK(sig::encrypt(archived_only, as_bytes("x"), rng).error() == sig::signal_error::no_session);
    auto pm = sig::parse_prekey_signal_message(next.body);
    REQUIRE(pm);
    auto d = sig::decrypt(archived_only, pm->message);
    REQUIRE(d);
    CHECK(d->state().current);
    CHECK(d->state().archived.size() == 1);
    CHECK(std::string(as_chars(std::move(*d).release().view())) == "new one");
    CHECK(sig::decrypt(sig::session_record{}, pm->message).error() ==
          sig::signal_error::no_session);
}

TEST_CASE("signal record: bad input fails typed and changes nothing",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{35};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    expect(bob, alice.send("first"), "first");
    alice.initiate(bob.bundle()); // Bob ends up with an archived state too
    expect(bob, alice.send("second"), "second");
    const auto msg = alice.send("third");
    const bytes before = bob.stored();
    const auto otks_before = bob.otks.size();

    SECTION("bad MAC, on every state") {
        sig::outgoing t = msg;
        auto pm = sig::parse_prekey_signal_message(t.body);
        REQUIRE(pm);
        pm->message.back() ^= 1;
        t.body = sig::encode_prekey_signal_message(*pm);
        CHECK(bob.receive(t).error() == envelope::envelope_error::authentication_failed);
    }
    SECTION("unknown one-time pre-key") {
        device carol(rng, 33);
        auto b = bob.bundle();
        b.one_time_prekey_id = 999;
        carol.initiate(b);
        CHECK(bob.receive(carol.send("x")).error() == sig::signal_error::unknown_prekey);
    }
    SECTION("unknown signed pre-key") {
        device carol(rng, 33);
        auto b = bob.bundle();
        b.signed_prekey_id = 8;
        carol.initiate(b);
        CHECK(bob.receive(carol.send("x")).error() == sig::signal_error::unknown_signed_prekey);
    }
    SECTION("a new session whose message fails keeps its pre-key") {
        device carol(rng, 33);
        carol.initiate(bob.bundle());
        sig::outgoing t = carol.send("x");
        auto pm = sig::parse_prekey_signal_message(t.body);
        REQUIRE(pm);
        pm->message[pm->message.size() - 3] ^= 0x40;
        t.body = sig::encode_prekey_signal_message(*pm);
        CHECK(bob.receive(t).error() == envelope::envelope_error::authentication_failed);
        CHECK(bob.otks.size() == otks_before + 1);
    }
    SECTION("truncated") {
        sig::outgoing t = msg;
        t.body.resize(10);
        CHECK_FALSE(bob.receive(t));
        t.type = sig::message_type::signal;
        CHECK_FALSE(bob.receive(t));
    }
    SECTION("a pre-key message sent as a plain one") {
        sig::outgoing t = msg;
        t.type = sig::message_type::signal;
        CHECK_FALSE(bob.receive(t));
    }
    SECTION("replayed") {
        expect(bob, msg, "third");
        const bytes after = bob.stored();
        CHECK(bob.receive(msg).error() == ratchet::ratchet_error::duplicate_message);
        CHECK(bob.stored() == after);
        return;
    }
    CHECK(bob.stored() == before);
    expect(bob, msg, "third");
}

TEST_CASE("signal record: stored form", "[protocols][signal][record]") {
    testing::deterministic_random rng{36};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    alice.initiate(bob.bundle());
    alice.send("pending pre-key");
    const bytes s = alice.stored();
    auto back = sig::parse(s);
    REQUIRE(back);
    CHECK(*back == alice.record);
    CHECK(sig::parse_record(s)); // the first name
    const auto empty = sig::serialize(sig::session_record{});
    auto none = sig::parse(empty.view());
    REQUIRE(none);
    CHECK_FALSE(none->current);
    CHECK(none->archived.empty());

    // The count of states makes every cut refused, even between states.
    for (std::size_t n = 0; n < s.size(); ++n)
        CHECK(sig::parse(bytes_view(s).first(n)).error() == sig::signal_error::bad_record);
    for (std::size_t n = 0; n < empty.size(); ++n)
        CHECK_FALSE(sig::parse(empty.view().first(n)));
    CHECK(sig::parse(bytes{0x08, 0x02, 0x12, 0x01, 0x78, 0x18, 0x00}).error() ==
          sig::signal_error::unsupported_record);
    for (std::size_t i = 0; i < s.size(); i += 3) {
        bytes flipped = s;
        flipped[i] ^= 0x80;
        auto r = sig::parse(flipped); // refused, or some other valid record
        if (r) CHECK_FALSE(*r == alice.record);
        if (!r)
            CHECK((r.error() == sig::signal_error::bad_record ||
                   r.error() == sig::signal_error::unsupported_record));
    }
}

TEST_CASE("signal record: more than 40 archived states do not parse",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{41};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    sig::session_record big;
    big.current = alice.record.current->clone();
    for (std::size_t i = 0; i <= sig::max_archived_states; ++i)
        big.archived.push_back(std::make_shared<const sig::session_state>(big.current->clone()));
    CHECK(sig::parse(sig::serialize(big).view()).error() == sig::signal_error::bad_record);
    big.archived.pop_back();
    CHECK(sig::parse(sig::serialize(big).view()));
}
