#include <e2ekit/protocols/oldmemo/messages.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/codec/protobuf.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
namespace sig = e2ekit::protocols::signal;

namespace {

struct fixture {
    testing::deterministic_random rng{21};
    om::public_key key() { return crypto::x25519::generate(rng).pub; }
    const bytes mac_key = bytes(32, 0x42);
    om::public_key sender = key(), receiver = key();
    bytes authenticated() {
        return sig::encode_signal_message(key(), 4, 9, bytes(48, 0xab),
                                          fixed_view<32>(mac_key.data(), 32), sender, receiver);
    }
};

std::vector<std::uint32_t> field_numbers(bytes_view body) {
    std::vector<std::uint32_t> out;
    codec::protobuf::reader r(body);
    codec::protobuf::field f;
    for (;;) {
        auto more = r.next(f);
        REQUIRE(more);
        if (!*more) break;
        out.push_back(f.number);
    }
    return out;
}

} // namespace

TEST_CASE("oldmemo messages: the key exchange as python-oldmemo writes it",
          "[protocols][oldmemo][messages]") {
    fixture f;
    const om::key_exchange x{77, 3, f.key(), f.key(), f.authenticated()};
    const bytes wire = om::encode_key_exchange(x);
    REQUIRE(wire[0] == 0x33);
    // pk_id, ek, ik, message, spk_id: field 5 ("unused") never written.
    CHECK(field_numbers(bytes_view(wire).subspan(1)) == std::vector<std::uint32_t>{1, 2, 3, 4, 6});
    auto back = om::parse_key_exchange(wire);
    REQUIRE(back);
    CHECK(*back == x);
    // Signal's PreKeySignalMessage reads the same bytes (registration id 0).
    auto as_signal = sig::parse_prekey_signal_message(wire);
    REQUIRE(as_signal);
    CHECK(as_signal->prekey_id == 77u);
    CHECK(as_signal->signed_prekey_id == 3);
    CHECK(as_signal->base_key == x.base_key);
    CHECK(as_signal->identity_key == x.identity_key);
    CHECK(as_signal->message == x.message);
    // A reader skips field 5 when a Signal peer writes it.
    const bytes with_registration =
        sig::encode_prekey_signal_message({1234, 77u, 3, x.base_key, x.identity_key, x.message});
    auto read = om::parse_key_exchange(with_registration);
    REQUIRE(read);
    CHECK(*read == x);
}

TEST_CASE("oldmemo messages: refusals", "[protocols][oldmemo][messages]") {
    fixture f;
    const om::key_exchange x{77, 3, f.key(), f.key(), f.authenticated()};
    const bytes wire = om::encode_key_exchange(x);
    for (std::size_t n = 0; n < wire.size(); ++n)
        CHECK_FALSE(om::parse_key_exchange(bytes_view(wire).first(n)));
    // The version byte must be 0x33 exactly.
    for (byte v : {byte{0x23}, byte{0x43}, byte{0x32}, byte{0x34}, byte{0x00}}) {
        bytes b = wire;
        b[0] = v;
        CHECK_FALSE(om::parse_key_exchange(b));
    }
    bytes b = wire;
    b[0] = 0x23;
    CHECK(om::parse_key_exchange(b).error() == envelope::envelope_error::legacy_version);
    b[0] = 0x43;
    CHECK(om::parse_key_exchange(b).error() == envelope::envelope_error::unknown_version);
    b[0] = 0x34;
    CHECK(om::parse_key_exchange(b).error() == envelope::envelope_error::malformed);
    // No pre-key id: Signal allows it, OMEMO 0.3 requires one.
    const bytes no_prekey = sig::encode_prekey_signal_message(
        {0, std::nullopt, 3, x.base_key, x.identity_key, x.message});
    CHECK(om::parse_key_exchange(no_prekey).error() == envelope::envelope_error::malformed);
    // Keys not in the 0x05 form.
    om::proto::key_exchange p{1, bytes(33, 0x05), bytes(32, 0x05), x.message, std::nullopt, 2};
    bytes bad = concat(bytes{0x33}, codec::protobuf::encode(p));
    CHECK(om::parse_key_exchange(bad).error() == envelope::envelope_error::invalid_key);
    p.ik = bytes(33, 0x05);
    p.ek[0] = 0x06;
    bad = concat(bytes{0x33}, codec::protobuf::encode(p));
    CHECK(om::parse_key_exchange(bad).error() == envelope::envelope_error::invalid_key);
}

TEST_CASE("oldmemo messages: authenticated messages are Signal's with 0x33 only",
          "[protocols][oldmemo][messages]") {
    fixture f;
    const bytes wire = f.authenticated();
    auto m = om::parse_authenticated_message(wire);
    REQUIRE(m);
    CHECK(m->counter == 4);
    CHECK(m->previous_counter == 9);
    CHECK(sig::verify_mac(*m, fixed_view<32>(f.mac_key.data(), 32), f.sender, f.receiver));
    // The MAC covers sender IK ‖ recipient IK: the other order fails.
    CHECK_FALSE(sig::verify_mac(*m, fixed_view<32>(f.mac_key.data(), 32), f.receiver, f.sender));
    // pn is written even when 0 (python's OMEMOMessage requires it).
    const bytes zero = sig::encode_signal_message(
        f.key(), 0, 0, bytes(16, 1), fixed_view<32>(f.mac_key.data(), 32), f.sender, f.receiver);
    CHECK(field_numbers(bytes_view(zero).subspan(1, zero.size() - 9)) ==
          std::vector<std::uint32_t>{1, 2, 3, 4});
    bytes b = wire;
    b[0] = 0x34;
    CHECK(om::parse_authenticated_message(b).error() == envelope::envelope_error::malformed);
    CHECK(om::parse_authenticated_message(bytes{}).error() == envelope::envelope_error::truncated);
    for (std::size_t n = 0; n < wire.size(); ++n)
        if (auto cut = om::parse_authenticated_message(bytes_view(wire).first(n)))
            CHECK_FALSE(
                sig::verify_mac(*cut, fixed_view<32>(f.mac_key.data(), 32), f.sender, f.receiver));
}
