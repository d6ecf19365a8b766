// OMEMO 0.3 wire messages, byte for byte as python-oldmemo 1.0.3 writes them
// (oldmemo.proto):
//
//   authenticated message = 0x33 ‖ OMEMOMessage{dh_pub 1, n 2, pn 3,
//                           ciphertext 4} ‖ MAC(8)
//   key exchange          = 0x33 ‖ OMEMOKeyExchange{pk_id 1, ek 2, ik 3,
//                           message 4 (an authenticated message), spk_id 6}
//
// These are Signal v3's SignalMessage and PreKeySignalMessage: the
// authenticated message is parsed and written by protocols/signal/
// messages.hpp (MAC over sender IK ‖ recipient IK ‖ 0x33 ‖ protobuf, in
// the 33-byte key forms). The key exchange differs: its pre-key id is
// required, and field 5 (Signal's registration id, "unused" here) is never
// written (a reader skips it). python-oldmemo refuses any version byte but
// 0x33, and so do these parsers.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_MESSAGES_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_MESSAGES_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>
#include <e2ekit/protocols/signal/messages.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::protocols::omemo03 {

namespace proto {

/// oldmemo.OMEMOKeyExchange.
struct key_exchange {
    std::uint32_t pk_id = 0;
    bytes ek;
    bytes ik;
    bytes message;
    std::optional<std::uint32_t> unused;
    std::uint32_t spk_id = 0;
    friend bool operator==(const key_exchange&, const key_exchange&) = default;
    friend constexpr auto describe(codec::tag<key_exchange>) {
        using namespace codec;
        using M = key_exchange;
        return fields(required<1, kind::uint32>("pk_id", &M::pk_id),
                      required<2, kind::bytes>("ek", &M::ek),
                      required<3, kind::bytes>("ik", &M::ik),
                      required<4, kind::bytes>("message", &M::message),
                      field<5, kind::uint32>("unused", &M::unused),
                      required<6, kind::uint32>("spk_id", &M::spk_id));
    }
};

} // namespace proto

/// A parsed authenticated message (not yet authentic: the MAC is checked
/// with the keys its ratchet step derives). Its views point into the wire
/// bytes it was parsed from.
using authenticated_message = signal::signal_message;

/// A parsed key exchange (X3DH §3.3's initial message).
struct key_exchange {
    std::uint32_t prekey_id = 0;
    std::uint32_t signed_prekey_id = 0;
    public_key identity_key{}; ///< the initiator's, Curve25519
    public_key base_key{};     ///< EK_A
    bytes message;             ///< the authenticated message inside, as it travelled
    friend bool operator==(const key_exchange&, const key_exchange&) = default;
};

namespace detail {

inline result<void> check_version_byte(bytes_view in) noexcept {
    if (in.empty()) return envelope::envelope_error::truncated;
    E2EKIT_CHECK(signal::detail::check_version(in[0]));
    if (in[0] != wire::version_byte) return envelope::envelope_error::malformed;
    return {};
}

} // namespace detail

inline result<authenticated_message> parse_authenticated_message(bytes_view in) {
    E2EKIT_CHECK(detail::check_version_byte(in));
    return signal::parse_signal_message(in);
}

inline result<key_exchange> parse_key_exchange(bytes_view in) {
    if (in.size() <= 1) return envelope::envelope_error::truncated;
    E2EKIT_CHECK(detail::check_version_byte(in));
    auto body = codec::protobuf::decode<proto::key_exchange>(in.subspan(1));
    if (!body) return envelope::envelope_error::malformed;
    E2EKIT_TRY(ik, key_encoding::decode(body->ik));
    E2EKIT_TRY(ek, key_encoding::decode(body->ek));
    return key_exchange{body->pk_id, body->spk_id, ik, ek, std::move(body->message)};
}

inline bytes encode_key_exchange(const key_exchange& x) {
    const auto ek = key_encoding::encode(x.base_key);
    const auto ik = key_encoding::encode(x.identity_key);
    const proto::key_exchange body{
        x.prekey_id,  bytes(ek.begin(), ek.end()), bytes(ik.begin(), ik.end()), x.message,
        std::nullopt, x.signed_prekey_id};
    bytes out(1 + codec::protobuf::encoded_size(body));
    out[0] = wire::version_byte;
    codec::protobuf::encode_to(mutable_bytes_view(out).subspan(1), body);
    return out;
}

} // namespace e2ekit::protocols::omemo03

#endif
