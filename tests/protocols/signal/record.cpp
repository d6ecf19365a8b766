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

/// One device: its keys and its record with the one peer of the test.
struct device {
    testing::deterministic_random& rng;
    std::uint32_t registration_id;
    sig::key_pair id;
    spk_t spk;
    std::map<std::uint32_t, otk_t> otks;
    std::uint32_t next_otk = 1;
    sig::session_record record;

    device(testing::deterministic_random& r, std::uint32_t reg)
        : rng(r), registration_id(reg), id(crypto::x25519::generate(r)),
          spk(spk_t::generate(id, 7, 0, r)) {}

    sig::prekey_bundle bundle() {
        auto k = otk_t::generate(next_otk++, 1, rng);
        const auto kid = k[0].id;
        otks.emplace(kid, std::move(k[0]));
        return identity::make_bundle(id, registration_id, 1, spk, &otks.at(kid));
    }

    void initiate(const sig::prekey_bundle& b) {
        auto s = sig::initiate(id, registration_id, b, rng);
        REQUIRE(s);
        record = sig::adopt(record, std::move(*s));
    }

    sig::outgoing send(std::string_view text) {
        auto e = sig::encrypt(record, as_bytes(text), rng);
        REQUIRE(e);
        auto out = std::move(*e).commit([&](const sig::session_record& r) {
            record = r.clone();
            return ok();
        });
        REQUIRE(out);
        return std::move(*out);
    }

    result<sig::record_prekey_step> try_prekey(const sig::prekey_signal_message& m) {
        return sig::decrypt_prekey(
            record, m, [&](const sig::prekey_signal_message& msg) -> result<sig::responder_keys> {
                if (msg.signed_prekey_id != spk.id) return sig::signal_error::unknown_signed_prekey;
                const sig::key_pair* otk = nullptr;
                if (msg.prekey_id) {
                    auto it = otks.find(*msg.prekey_id);
                    if (it == otks.end()) return sig::signal_error::unknown_prekey;
                    otk = &it->second.keys;
                }
                return sig::responder_keys{id, registration_id, spk.keys, otk};
            });
    }

    result<std::string> receive(const sig::outgoing& m) {
        if (m.type == sig::message_type::prekey) {
            E2EKIT_TRY(pm, sig::parse_prekey_signal_message(m.body));
            E2EKIT_TRY(step, try_prekey(pm));
            auto out = std::move(step).commit([&](const sig::session_record& r) {
                record = r.clone();
                return ok();
            });
            REQUIRE(out);
            if (out->used_prekey_id) otks.erase(*out->used_prekey_id);
            return std::string(as_chars(out->plaintext.view()));
        }
        E2EKIT_TRY(step, sig::decrypt(record, m.body));
        auto out = std::move(step).commit([&](const sig::session_record& r) {
            record = r.clone();
            return ok();
        });
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
    auto pm = sig::parse_prekey_signal_message(m1.body);
    REQUIRE(pm);
    auto again = bob.try_prekey(*pm); // same base key: the existing state, no pre-key needed
    REQUIRE(again);
    CHECK_FALSE(again->state().archived.size());
    expect(bob, m1, "one");
    CHECK(bob.record.archived.empty());

    expect(alice, bob.send("back"), "back");
    CHECK(alice.send("plain").type == sig::message_type::signal);
}

TEST_CASE("signal record: simultaneous initiation converges", "[protocols][signal][record]") {
    testing::deterministic_random rng{32};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    bob.initiate(alice.bundle());
    const auto from_alice = alice.send("hi bob");
    const auto from_bob = bob.send("hi alice");
    expect(bob, from_alice, "hi bob");
    expect(alice, from_bob, "hi alice");
    CHECK(alice.record.archived.size() == 1);
    CHECK(bob.record.archived.size() == 1);

    // Random turns, each side sending bursts before the other answers: every
    // message decrypts with whichever state it was made for.
    std::mt19937 gen(5);
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
}

TEST_CASE("signal record: a message for an archived state promotes it",
          "[protocols][signal][record]") {
    testing::deterministic_random rng{33};
    device alice(rng, 11), bob(rng, 22);
    alice.initiate(bob.bundle());
    expect(bob, alice.send("first"), "first");
    expect(alice, bob.send("reply"), "reply");
    const auto late = alice.send("late, old session");

    // Bob starts over (a reinstall on his side of the bundle, say).
    alice.initiate(bob.bundle());
    expect(bob, alice.send("new session"), "new session");
    REQUIRE(bob.record.archived.size() == 1);
    const auto new_base = bob.record.current->base_key;

    expect(bob, late, "late, old session");
    CHECK(bob.record.current->base_key != new_base);
    CHECK(bob.record.archived.size() == 1);
    CHECK(bob.record.archived[0]->base_key == new_base);
    // Bob now answers on the old session; Alice has it archived and follows.
    expect(alice, bob.send("on the old one"), "on the old one");
    expect(bob, alice.send("fine"), "fine");
}

TEST_CASE("signal record: at most 40 archived states", "[protocols][signal][record]") {
    testing::deterministic_random rng{34};
    device alice(rng, 11), bob(rng, 22);
    for (int i = 0; i < 45; ++i) {
        alice.initiate(bob.bundle());
        expect(bob, alice.send("n" + std::to_string(i)), "n" + std::to_string(i));
    }
    CHECK(alice.record.archived.size() == sig::max_archived_states);
    CHECK(bob.record.archived.size() == sig::max_archived_states);
    auto back = sig::parse_record(bob.stored());
    REQUIRE(back);
    CHECK(*back == bob.record);
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
    SECTION("truncated") {
        sig::outgoing t = msg;
        t.body.resize(10);
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
    auto back = sig::parse_record(s);
    REQUIRE(back);
    CHECK(*back == alice.record);
    CHECK(sig::parse_record(sig::serialize(sig::session_record{}).view()));

    // Protobuf has no end marker: a cut on a field boundary may parse, as
    // a record with fewer states (storage checksums catch such cuts).
    for (std::size_t n = 0; n < s.size(); n += 7) {
        auto cut = sig::parse_record(bytes_view(s).first(n));
        if (cut) CHECK_FALSE(*cut == alice.record);
    }
    CHECK(sig::parse_record(bytes{0x08, 0x02, 0x12, 0x01, 0x78}).error() ==
          sig::signal_error::unsupported_record);
    bytes flipped = s;
    flipped[flipped.size() / 2] ^= 0x80;
    auto r = sig::parse_record(flipped); // either refused or some other valid record
    if (r) CHECK_FALSE(*r == alice.record);
}
