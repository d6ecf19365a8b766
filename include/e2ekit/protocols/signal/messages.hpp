// Signal v3 wire messages, byte for byte as libsignal-protocol-c 2.3.3
// (src/protocol.c, protobuf/WhisperTextProtocol.proto) writes them:
//
//   SignalMessage       = 0x33 ‖ protobuf{ratchetKey 1, counter 2,
//                         previousCounter 3, ciphertext 4} ‖ MAC(8)
//   MAC                 = HMAC-SHA-256(mac key, sender IK ‖ receiver IK ‖
//                         0x33 ‖ protobuf), first 8 bytes; IKs 33-byte form
//   PreKeySignalMessage = 0x33 ‖ protobuf{preKeyId 1, baseKey 2,
//                         identityKey 3, message 4 (a SignalMessage),
//                         registrationId 5, signedPreKeyId 6}
//
// Parsing checks the framing, the version (high nibble: below 3 is
// `legacy_version`, above `unknown_version`), the protobuf and its required
// fields (libsignal-protocol-c's: ratchetKey, counter, ciphertext;
// signedPreKeyId, baseKey, identityKey, message) and the 0x05 key encoding.
// A parsed SignalMessage is not yet authentic: its MAC is checked with the
// message keys the ratchet derives for it (`verify_mac`).
#ifndef E2EKIT_PROTOCOLS_SIGNAL_MESSAGES_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_MESSAGES_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/envelope/framing.hpp>
#include <e2ekit/protocols/signal/params.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::protocols::signal {

using public_key = crypto::x25519::public_key;

namespace proto {

/// textsecure.SignalMessage (WhisperTextProtocol.proto).
struct signal_message {
    bytes ratchet_key;
    std::uint32_t counter = 0;
    std::uint32_t previous_counter = 0;
    bytes ciphertext;
    friend bool operator==(const signal_message&, const signal_message&) = default;
    friend constexpr auto describe(codec::tag<signal_message>) {
        using namespace codec;
        return fields(required<1, kind::bytes>("ratchetKey", &signal_message::ratchet_key),
                      required<2, kind::uint32>("counter", &signal_message::counter),
                      field<3, kind::uint32>("previousCounter", &signal_message::previous_counter),
                      required<4, kind::bytes>("ciphertext", &signal_message::ciphertext));
    }
};

/// textsecure.PreKeySignalMessage.
struct prekey_signal_message {
    std::optional<std::uint32_t> prekey_id;
    bytes base_key;
    bytes identity_key;
    bytes message;
    std::uint32_t registration_id = 0;
    std::uint32_t signed_prekey_id = 0;
    friend bool operator==(const prekey_signal_message&, const prekey_signal_message&) = default;
    friend constexpr auto describe(codec::tag<prekey_signal_message>) {
        using namespace codec;
        using M = prekey_signal_message;
        return fields(field<1, kind::uint32>("preKeyId", &M::prekey_id),
                      required<2, kind::bytes>("baseKey", &M::base_key),
                      required<3, kind::bytes>("identityKey", &M::identity_key),
                      required<4, kind::bytes>("message", &M::message),
                      field<5, kind::uint32>("registrationId", &M::registration_id),
                      required<6, kind::uint32>("signedPreKeyId", &M::signed_prekey_id));
    }
};

} // namespace proto

/// A parsed SignalMessage. `authenticated` and `mac` are views into the
/// wire bytes it was parsed from: keep those alive until `verify_mac`.
struct signal_message {
    public_key ratchet_key{};
    std::uint32_t counter = 0;
    std::uint32_t previous_counter = 0;
    bytes ciphertext;
    bytes_view authenticated;
    bytes_view mac;
};

struct prekey_signal_message {
    std::uint32_t registration_id = 0;
    std::optional<std::uint32_t> prekey_id;
    std::uint32_t signed_prekey_id = 0;
    public_key base_key{};
    public_key identity_key{};
    bytes message; ///< the SignalMessage inside, as it travelled
};

namespace detail {

inline result<void> check_version(byte b) noexcept {
    const byte v = b >> 4;
    if (v < wire::version) return envelope::envelope_error::legacy_version;
    if (v > wire::version) return envelope::envelope_error::unknown_version;
    return {};
}

} // namespace detail

inline result<signal_message> parse_signal_message(bytes_view in) {
    E2EKIT_TRY(frame, envelope::split_mac_frame<wire::mac_size>(in));
    E2EKIT_CHECK(detail::check_version(frame.version));
    auto body = codec::protobuf::decode<proto::signal_message>(frame.body);
    if (!body) return envelope::envelope_error::malformed;
    E2EKIT_TRY(ratchet_key, key_encoding::decode(body->ratchet_key));
    signal_message m;
    m.ratchet_key = ratchet_key;
    m.counter = body->counter;
    m.previous_counter = body->previous_counter;
    m.ciphertext = std::move(body->ciphertext);
    m.authenticated = frame.authenticated;
    m.mac = frame.mac;
    return m;
}

/// The MAC of a parsed message, with the identity keys of its sender and
/// receiver; `authentication_failed` unless it verifies.
inline result<void> verify_mac(const signal_message& m, fixed_view<32> mac_key,
                               const public_key& sender_identity,
                               const public_key& receiver_identity) {
    if (!wire::mac::verify(mac_key, m.mac, key_encoding::encode(sender_identity),
                           key_encoding::encode(receiver_identity), m.authenticated))
        return envelope::envelope_error::authentication_failed;
    return {};
}

inline bytes encode_signal_message(const public_key& ratchet_key, std::uint32_t counter,
                                   std::uint32_t previous_counter, bytes_view ciphertext,
                                   fixed_view<32> mac_key, const public_key& sender_identity,
                                   const public_key& receiver_identity) {
    const auto rk = key_encoding::encode(ratchet_key);
    proto::signal_message body{bytes(rk.begin(), rk.end()), counter, previous_counter,
                               to_bytes(ciphertext)};
    const std::size_t n = codec::protobuf::encoded_size(body);
    bytes out(1 + n + wire::mac_size);
    out[0] = wire::version_byte;
    codec::protobuf::encode_to(mutable_bytes_view(out).subspan(1, n), body);
    wire::mac::tag t;
    wire::mac::compute(t, mac_key, key_encoding::encode(sender_identity),
                       key_encoding::encode(receiver_identity), bytes_view(out).first(1 + n));
    std::copy_n(t.begin(), wire::mac_size, out.begin() + static_cast<std::ptrdiff_t>(1 + n));
    return out;
}

inline result<prekey_signal_message> parse_prekey_signal_message(bytes_view in) {
    if (in.size() <= 1) return envelope::envelope_error::truncated;
    E2EKIT_CHECK(detail::check_version(in[0]));
    auto body = codec::protobuf::decode<proto::prekey_signal_message>(in.subspan(1));
    if (!body) return envelope::envelope_error::malformed;
    E2EKIT_TRY(base_key, key_encoding::decode(body->base_key));
    E2EKIT_TRY(identity_key, key_encoding::decode(body->identity_key));
    prekey_signal_message m;
    m.registration_id = body->registration_id;
    m.prekey_id = body->prekey_id;
    m.signed_prekey_id = body->signed_prekey_id;
    m.base_key = base_key;
    m.identity_key = identity_key;
    m.message = std::move(body->message);
    return m;
}

inline bytes encode_prekey_signal_message(const prekey_signal_message& m) {
    const auto bk = key_encoding::encode(m.base_key);
    const auto ik = key_encoding::encode(m.identity_key);
    proto::prekey_signal_message body{
        m.prekey_id, bytes(bk.begin(), bk.end()), bytes(ik.begin(), ik.end()),
        m.message,   m.registration_id,           m.signed_prekey_id};
    bytes out(1 + codec::protobuf::encoded_size(body));
    out[0] = wire::version_byte;
    codec::protobuf::encode_to(mutable_bytes_view(out).subspan(1), body);
    return out;
}

} // namespace e2ekit::protocols::signal

#endif
