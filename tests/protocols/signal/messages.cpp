#include <e2ekit/protocols/signal/messages.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using envelope::envelope_error;

namespace {
struct fixture {
    testing::deterministic_random rng{1};
    sig::public_key ratchet = crypto::x25519::generate(rng).pub;
    sig::public_key alice = crypto::x25519::generate(rng).pub;
    sig::public_key bob = crypto::x25519::generate(rng).pub;
    byte_array<32> mac_key = random_array<32>(rng);
    bytes ciphertext = bytes(32, 0xab);
    bytes wire = sig::encode_signal_message(ratchet, 7, 3, ciphertext, mac_key, alice, bob);
};
} // namespace

TEST_CASE("signal: SignalMessage round trip and MAC", "[protocols][signal][messages]") {
    fixture f;
    CHECK(f.wire[0] == 0x33);
    auto m = sig::parse_signal_message(f.wire);
    REQUIRE(m);
    CHECK(m->ratchet_key == f.ratchet);
    CHECK(m->counter == 7);
    CHECK(m->previous_counter == 3);
    CHECK(m->ciphertext == f.ciphertext);
    CHECK(m->mac.size() == 8);
    CHECK(sig::verify_mac(*m, f.mac_key, f.alice, f.bob));
    // The MAC binds both identities, in order.
    CHECK(sig::verify_mac(*m, f.mac_key, f.bob, f.alice).error() ==
          envelope_error::authentication_failed);
    auto other_key = f.mac_key;
    other_key[0] ^= 1;
    CHECK_FALSE(sig::verify_mac(*m, other_key, f.alice, f.bob));
    // Every bit of the message is covered.
    for (std::size_t i = 0; i < f.wire.size(); ++i) {
        bytes t = f.wire;
        t[i] ^= 0x01;
        auto p = sig::parse_signal_message(t);
        if (p) CHECK_FALSE(sig::verify_mac(*p, f.mac_key, f.alice, f.bob));
    }
}

TEST_CASE("signal: SignalMessage garbage is refused with typed errors",
          "[protocols][signal][messages]") {
    fixture f;
    for (std::size_t n = 0; n <= 9; ++n)
        CHECK(sig::parse_signal_message(bytes_view(f.wire).first(n)).error() ==
              envelope_error::truncated);
    bytes v = f.wire;
    v[0] = 0x23;
    CHECK(sig::parse_signal_message(v).error() == envelope_error::legacy_version);
    v[0] = 0x43;
    CHECK(sig::parse_signal_message(v).error() == envelope_error::unknown_version);
    // Truncated inside the protobuf: the MAC position moves into it.
    auto cut = sig::parse_signal_message(bytes_view(f.wire).first(f.wire.size() - 20));
    REQUIRE_FALSE(cut);
    // Missing required fields: counter alone.
    bytes only_counter{0x33, 0x10, 0x07, 1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(sig::parse_signal_message(only_counter).error() == envelope_error::malformed);
    // A ratchet key without its 0x05 type byte.
    sig::proto::signal_message body{bytes(32, 9), 1, 0, bytes(16, 0)};
    bytes raw{0x33};
    const auto enc = codec::protobuf::encode(body);
    raw.insert(raw.end(), enc.begin(), enc.end());
    raw.insert(raw.end(), 8, 0);
    CHECK(sig::parse_signal_message(raw).error() == envelope_error::invalid_key);
}

TEST_CASE("signal: PreKeySignalMessage round trip and garbage", "[protocols][signal][messages]") {
    fixture f;
    sig::prekey_signal_message m{1234, 17u, 5, f.ratchet, f.alice, f.wire};
    const bytes wire = sig::encode_prekey_signal_message(m);
    CHECK(wire[0] == 0x33);
    auto p = sig::parse_prekey_signal_message(wire);
    REQUIRE(p);
    CHECK(p->registration_id == 1234);
    CHECK(p->prekey_id == 17u);
    CHECK(p->signed_prekey_id == 5);
    CHECK(p->base_key == f.ratchet);
    CHECK(p->identity_key == f.alice);
    CHECK(p->message == f.wire);

    m.prekey_id.reset();
    auto q = sig::parse_prekey_signal_message(sig::encode_prekey_signal_message(m));
    REQUIRE(q);
    CHECK_FALSE(q->prekey_id);

    CHECK(sig::parse_prekey_signal_message(bytes{0x33}).error() == envelope_error::truncated);
    bytes v = wire;
    v[0] = 0x22;
    CHECK(sig::parse_prekey_signal_message(v).error() == envelope_error::legacy_version);
    CHECK(sig::parse_prekey_signal_message(bytes_view(wire).first(wire.size() - 1)).error() ==
          envelope_error::malformed);
    CHECK(sig::parse_prekey_signal_message(bytes{0x33, 0x08, 0x01}).error() ==
          envelope_error::malformed);
}
