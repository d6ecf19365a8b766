#include <e2ekit/protocols/olm/session.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/olm/account.hpp>

#include <map>
#include <string>
#include <vector>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;

namespace {

std::string text(const secret_bytes& s) {
    return std::string(reinterpret_cast<const char*>(s.view().data()), s.view().size());
}

struct pair_fixture {
    testing::deterministic_random rng{11};
    key_pair alice = crypto::x25519::generate(rng);
    key_pair bob = crypto::x25519::generate(rng);
    key_pair otk = crypto::x25519::generate(rng);
    session_state a;
    session_state b;

    pair_fixture() {
        auto s = create_outbound(alice, bob.pub, otk.pub, rng);
        REQUIRE(s);
        a = std::move(*s);
        auto first = send(a, "hello");
        REQUIRE(first.type == message_type::prekey);
        auto p = parse_prekey_message(first.body);
        REQUIRE(p);
        auto in = create_inbound(bob, otk, *p);
        REQUIRE(in);
        auto [state, pt] = std::move(*in).split();
        CHECK(text(pt) == "hello");
        b = std::move(state);
    }

    outgoing send(session_state& s, const std::string& msg) {
        auto step = encrypt(s, as_bytes(msg), rng);
        REQUIRE(step);
        auto [next, out] = std::move(*step).split();
        s = std::move(next);
        return out;
    }
    std::string receive(session_state& s, const outgoing& o) {
        auto step = decrypt(s, o.type, o.body);
        REQUIRE(step);
        auto [next, pt] = std::move(*step).split();
        s = std::move(next);
        return text(pt);
    }
};

} // namespace

TEST_CASE("olm session: both sides name the session alike; pre-key until answered",
          "[protocols][olm]") {
    pair_fixture f;
    CHECK(id_of(f.a) == id_of(f.b));
    CHECK(f.send(f.a, "again").type == message_type::prekey);
    auto reply = f.send(f.b, "hi");
    CHECK(reply.type == message_type::normal);
    CHECK(f.receive(f.a, reply) == "hi");
    CHECK(f.send(f.a, "now normal").type == message_type::normal);
}

TEST_CASE("olm session: a long conversation with reordering and drops", "[protocols][olm]") {
    pair_fixture f;
    std::vector<std::pair<outgoing, std::string>> to_a, to_b;
    int n = 0;
    for (int round = 0; round < 60; ++round) {
        const bool from_a = random_below(f.rng, 2) == 0;
        const int burst = 1 + static_cast<int>(random_below(f.rng, 6));
        for (int i = 0; i < burst; ++i) {
            const std::string msg = "m" + std::to_string(n++);
            (from_a ? to_b : to_a).push_back({f.send(from_a ? f.a : f.b, msg), msg});
        }
        // Deliver a shuffled part of each queue; drop one now and then.
        for (auto* q : {&to_a, &to_b}) {
            session_state& s = q == &to_a ? f.a : f.b;
            for (std::size_t i = q->size(); i > 1; --i)
                std::swap((*q)[i - 1], (*q)[random_below(f.rng, static_cast<std::uint32_t>(i))]);
            while (!q->empty()) {
                auto m = std::move(q->back());
                q->pop_back();
                if (random_below(f.rng, 10) == 0) continue; // dropped
                CHECK(f.receive(s, m.first) == m.second);
            }
        }
    }
}

TEST_CASE("olm session: a bad MAC, a replay or an unknown chain leaves the state unchanged",
          "[protocols][olm]") {
    pair_fixture f;
    auto m = f.send(f.b, "x");
    bytes forged = m.body;
    forged[forged.size() - 1] ^= 1;
    auto r = decrypt(f.a, message_type::normal, forged);
    REQUIRE_FALSE(r);
    CHECK(r.error() == envelope::envelope_error::authentication_failed);
    bytes flipped = m.body;
    flipped[flipped.size() - 12] ^= 1; // in the ciphertext
    CHECK(decrypt(f.a, message_type::normal, flipped).error() ==
          envelope::envelope_error::authentication_failed);
    const session_state before = f.a.clone();
    CHECK(f.receive(f.a, m) == "x");
    CHECK_FALSE(f.a == before);
    auto replay = decrypt(f.a, message_type::normal, m.body);
    REQUIRE_FALSE(replay);
    CHECK(replay.error() == ratchet::ratchet_error::duplicate_message);
    CHECK(decrypt(f.a, message_type::normal, bytes{0x03}).error() ==
          envelope::envelope_error::truncated);
}

TEST_CASE("olm session: libolm's limits: a gap of 2000, skipped keys kept per chain",
          "[protocols][olm]") {
    pair_fixture f;
    (void)f.receive(f.a, f.send(f.b, "ack"));
    std::vector<outgoing> sent;
    for (int i = 0; i < 2002; ++i)
        sent.push_back(f.send(f.b, "n" + std::to_string(i)));
    // 2001 keys skipped from index 1 is one too many; 2000 is fine.
    auto far = decrypt(f.a, message_type::normal, sent[2001].body);
    REQUIRE_FALSE(far);
    CHECK(far.error() == ratchet::ratchet_error::too_far_ahead);
    CHECK(f.receive(f.a, sent[2000]) == "n2000");
    // Only the newest 40 skipped keys are kept.
    CHECK(decrypt(f.a, message_type::normal, sent[1959].body).error() ==
          ratchet::ratchet_error::duplicate_message);
    CHECK(f.receive(f.a, sent[1960]) == "n1960");
    CHECK(f.receive(f.a, sent[2001]) == "n2001");
}

TEST_CASE("olm session: matches_inbound_session", "[protocols][olm]") {
    pair_fixture f;
    auto again = f.send(f.a, "again");
    CHECK(*matches_inbound_session(f.b, again.body));
    CHECK(*matches_inbound_session(f.b, again.body, &f.alice.pub));
    CHECK_FALSE(*matches_inbound_session(f.b, again.body, &f.bob.pub));
    // Another session's pre-key message.
    auto other = create_outbound(f.alice, f.bob.pub, f.otk.pub, f.rng);
    REQUIRE(other);
    auto step = encrypt(*other, as_bytes(std::string("o")), f.rng);
    REQUIRE(step);
    CHECK_FALSE(*matches_inbound_session(f.b, std::move(*step).release().body));
    CHECK_FALSE(matches_inbound_session(f.b, bytes{0x03, 0x0A}));
}

TEST_CASE("olm session: the stored form round-trips and is strict", "[protocols][olm]") {
    pair_fixture f;
    (void)f.receive(f.a, f.send(f.b, "ack"));
    for (const session_state* s : {&f.a, &f.b}) {
        const secret_bytes stored = serialize(*s);
        auto back = parse_session(stored.view());
        REQUIRE(back);
        CHECK(*back == *s);
    }
    CHECK(parse_session(bytes{0x01}).error() == olm_error::bad_state);
    const secret_bytes stored = serialize(f.a);
    bytes cut = to_bytes(stored.view());
    cut.resize(cut.size() / 2);
    CHECK_FALSE(parse_session(cut));
    // Another format version.
    bytes other = to_bytes(stored.view());
    REQUIRE(other[0] == 0x08);
    other[1] = 2;
    CHECK(parse_session(other).error() == olm_error::unsupported_state);
}

TEST_CASE("olm session: commit before release", "[protocols][olm]") {
    pair_fixture f;
    auto step = encrypt(f.b, as_bytes(std::string("x")), f.rng);
    REQUIRE(step);
    auto out = std::move(*step).commit(
        [](const session_state&) -> result<void> { return olm_error::bad_state; });
    CHECK_FALSE(out);
}
