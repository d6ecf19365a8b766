#include <e2ekit/protocols/twomemo/messages.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

namespace {

struct sample {
    testing::deterministic_random rng{71};
    om::public_key ratchet_key = crypto::x25519::generate(rng).pub;
    byte_array<32> mac_key = random_array<32>(rng);
    om::identity_key a = random_array<32>(rng);
    om::identity_key b = random_array<32>(rng);
    om::associated_data ad = om::make_associated_data(a, b);
};

bytes cat(std::initializer_list<bytes_view> parts) {
    bytes out;
    for (auto p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

} // namespace

TEST_CASE("twomemo messages: associated data is initiator then responder", "[protocols][twomemo]") {
    sample s;
    CHECK(bytes(s.ad.begin(), s.ad.end()) == cat({s.a, s.b}));
}

TEST_CASE("twomemo messages: OMEMOMessage and OMEMOAuthenticatedMessage as proto2 writes them",
          "[protocols][twomemo]") {
    sample s;
    const bytes ct(48, 0xc7);
    const auto m = om::seal(s.ratchet_key, 0, 0, ct, s.mac_key, s.ad);
    // Field tags (proto2, twomemo.proto): n 1 and pn 2 are required, so
    // written even when 0; dh_pub 3; ciphertext 4.
    const bytes expected_message =
        cat({bytes{0x08, 0x00, 0x10, 0x00, 0x1a, 0x20}, s.ratchet_key, bytes{0x22, 48}, ct});
    CHECK(m.message == expected_message);
    // mac = HMAC-SHA-256(key, AD ‖ OMEMOMessage)[0..16].
    const auto full = crypto::hmac_sha256::tag_of(s.mac_key, s.ad, expected_message);
    CHECK(std::equal(m.mac.begin(), m.mac.end(), full.begin()));
    const bytes wire = om::encode_authenticated_message(m);
    CHECK(wire == cat({bytes{0x0a, 0x10}, m.mac,
                       bytes{0x12, static_cast<byte>(expected_message.size())}, expected_message}));
    auto back = om::parse_authenticated_message(wire);
    REQUIRE(back);
    CHECK(*back == m);
    CHECK(om::verify_mac(*back, s.mac_key, s.ad));

    auto other_ad = s.ad;
    other_ad[0] ^= 1;
    CHECK(om::verify_mac(*back, s.mac_key, other_ad).error() ==
          envelope::envelope_error::authentication_failed);
    auto other_key = s.mac_key;
    other_key[31] ^= 1;
    CHECK_FALSE(om::verify_mac(*back, other_key, s.ad));
    auto tampered = *back;
    tampered.message.back() ^= 1;
    CHECK_FALSE(om::verify_mac(tampered, s.mac_key, s.ad));

    const auto big = om::seal(s.ratchet_key, 300, 2000000, ct, s.mac_key, s.ad);
    auto big_back = om::parse_authenticated_message(om::encode_authenticated_message(big));
    REQUIRE(big_back);
    CHECK(big_back->counter == 300);
    CHECK(big_back->previous_counter == 2000000);
}

TEST_CASE("twomemo messages: OMEMOKeyExchange", "[protocols][twomemo]") {
    sample s;
    const auto m = om::seal(s.ratchet_key, 2, 0, bytes(64, 1), s.mac_key, s.ad);
    const om::key_exchange x{17, 3, s.a, s.ratchet_key, m};
    const bytes wire = om::encode_key_exchange(x);
    const bytes inner = om::encode_authenticated_message(m);
    CHECK(wire == cat({bytes{0x08, 17, 0x10, 3, 0x1a, 0x20}, s.a, bytes{0x22, 0x20}, s.ratchet_key,
                       bytes{0x2a, static_cast<byte>(inner.size())}, inner}));
    auto back = om::parse_key_exchange(wire);
    REQUIRE(back);
    CHECK(*back == x);
    for (std::size_t n = 0; n < wire.size(); ++n)
        CHECK_FALSE(om::parse_key_exchange(bytes_view(wire).first(n)));
}

TEST_CASE("twomemo messages: what the parsers refuse", "[protocols][twomemo]") {
    sample s;
    const auto m = om::seal(s.ratchet_key, 1, 0, bytes(16, 2), s.mac_key, s.ad);
    const bytes wire = om::encode_authenticated_message(m);
    for (std::size_t n = 0; n < wire.size(); ++n)
        CHECK_FALSE(om::parse_authenticated_message(bytes_view(wire).first(n)));

    using am = om::proto::omemo_authenticated_message;
    using omsg = om::proto::omemo_message;
    const auto raw = [](const om::public_key& k) { return bytes(k.begin(), k.end()); };
    // A MAC of another length: never verifies, refused as malformed.
    CHECK(om::parse_authenticated_message(codec::protobuf::encode(am{bytes(8, 1), m.message}))
              .error() == envelope::envelope_error::malformed);
    // A message that is no OMEMOMessage, or lacks a required field.
    CHECK(om::parse_authenticated_message(codec::protobuf::encode(am{bytes(16, 1), bytes{0xff}}))
              .error() == envelope::envelope_error::malformed);
    const bytes no_pn = cat({bytes{0x08, 0x01, 0x1a, 0x20}, s.ratchet_key});
    CHECK(
        om::parse_authenticated_message(codec::protobuf::encode(am{bytes(16, 1), no_pn})).error() ==
        envelope::envelope_error::malformed);
    // A ratchet key of another length than 32 bytes.
    bytes short_key = raw(s.ratchet_key);
    short_key.pop_back();
    CHECK(om::parse_authenticated_message(
              codec::protobuf::encode(
                  am{bytes(16, 1), codec::protobuf::encode(omsg{1, 0, short_key, bytes(16, 0)})}))
              .error() == envelope::envelope_error::invalid_key);
    // No ciphertext: it parses (the field is optional), as an empty one.
    auto none = om::parse_authenticated_message(codec::protobuf::encode(
        am{bytes(16, 1), codec::protobuf::encode(omsg{1, 0, raw(s.ratchet_key), std::nullopt})}));
    REQUIRE(none);
    CHECK(none->ciphertext.empty());

    using kx = om::proto::omemo_key_exchange;
    const am inner{bytes(m.mac.begin(), m.mac.end()), m.message};
    CHECK(om::parse_key_exchange(
              codec::protobuf::encode(kx{1, 2, bytes(33, 5), raw(s.ratchet_key), inner}))
              .error() == envelope::envelope_error::invalid_key);
    CHECK(om::parse_key_exchange(codec::protobuf::encode(kx{1, 2, raw(s.a), bytes(31, 5), inner}))
              .error() == envelope::envelope_error::invalid_key);
    CHECK(om::parse_key_exchange(
              codec::protobuf::encode(kx{1, 2, raw(s.a), raw(s.ratchet_key), am{bytes(16, 1), {}}}))
              .error() == envelope::envelope_error::malformed);
    testing::deterministic_random rng(72);
    for (int i = 0; i < 300; ++i) {
        bytes junk(random_below(rng, 120));
        rng.fill(junk);
        CHECK_NOTHROW((void)om::parse_authenticated_message(junk));
        CHECK_NOTHROW((void)om::parse_key_exchange(junk));
    }
}
