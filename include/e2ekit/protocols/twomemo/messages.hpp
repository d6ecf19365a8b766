// OMEMO 2 wire messages, byte for byte as python-twomemo 1.0.3 writes them
// (twomemo.proto, proto2; twomemo.AEADImpl, KeyExchangeImpl):
//
//   OMEMOMessage              = {n 1, pn 2, dh_pub 3, ciphertext 4}
//   OMEMOAuthenticatedMessage = {mac 1, message 2 (an OMEMOMessage)}
//   OMEMOKeyExchange          = {pk_id 1, spk_id 2, ik 3, ek 4,
//                                message 5 (an OMEMOAuthenticatedMessage)}
//   mac = HMAC-SHA-256(MAC key, AD ‖ message)[0..16]
//   AD  = initiator's identity key ‖ responder's identity key (Ed25519,
//         raw 32 bytes each), whoever sends
//
// There is no version byte and no framing: the protobuf is the message.
// Every field but `ciphertext` is `required`, and the parsers refuse its
// absence as protobuf would; keys are raw 32 bytes (`dh_pub` and `ek`
// X25519, `ik` Ed25519), anything else is `invalid_key`; a MAC of another
// length than 16 bytes can never verify and is `malformed`. A parsed
// message is not yet authentic: `verify_mac` checks it with the keys its
// ratchet step derives, over the OMEMOMessage bytes exactly as they came
// (python-twomemo MACs the serialised OMEMOMessage; it never re-encodes).
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_MESSAGES_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_MESSAGES_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace e2ekit::protocols::omemo2 {

using public_key = crypto::x25519::public_key;
using mac_tag = byte_array<wire::mac_size>;
/// What every MAC of a session covers first (wire::associated_data_size).
using associated_data = byte_array<wire::associated_data_size>;

/// AD = the initiator's identity key ‖ the responder's (python-x3dh's
/// associated data: active own ‖ other, passive other ‖ own).
inline associated_data make_associated_data(const identity_key& initiator,
                                            const identity_key& responder) {
    associated_data ad;
    std::copy(initiator.begin(), initiator.end(), ad.begin());
    std::copy(responder.begin(), responder.end(), ad.begin() + wire::key_size);
    return ad;
}

namespace proto {

/// twomemo.OMEMOMessage.
struct omemo_message {
    std::uint32_t n = 0;
    std::uint32_t pn = 0;
    bytes dh_pub;
    std::optional<bytes> ciphertext;
    friend bool operator==(const omemo_message&, const omemo_message&) = default;
    friend constexpr auto describe(codec::tag<omemo_message>) {
        using namespace codec;
        using M = omemo_message;
        return fields(required<1, kind::uint32>("n", &M::n),
                      required<2, kind::uint32>("pn", &M::pn),
                      required<3, kind::bytes>("dh_pub", &M::dh_pub),
                      field<4, kind::bytes>("ciphertext", &M::ciphertext));
    }
};

/// twomemo.OMEMOAuthenticatedMessage.
struct omemo_authenticated_message {
    bytes mac;
    bytes message;
    friend bool operator==(const omemo_authenticated_message&,
                           const omemo_authenticated_message&) = default;
    friend constexpr auto describe(codec::tag<omemo_authenticated_message>) {
        using namespace codec;
        using M = omemo_authenticated_message;
        return fields(required<1, kind::bytes>("mac", &M::mac),
                      required<2, kind::bytes>("message", &M::message));
    }
};

/// twomemo.OMEMOKeyExchange.
struct omemo_key_exchange {
    std::uint32_t pk_id = 0;
    std::uint32_t spk_id = 0;
    bytes ik;
    bytes ek;
    omemo_authenticated_message message;
    friend bool operator==(const omemo_key_exchange&, const omemo_key_exchange&) = default;
    friend constexpr auto describe(codec::tag<omemo_key_exchange>) {
        using namespace codec;
        using M = omemo_key_exchange;
        return fields(required<1, kind::uint32>("pk_id", &M::pk_id),
                      required<2, kind::uint32>("spk_id", &M::spk_id),
                      required<3, kind::bytes>("ik", &M::ik),
                      required<4, kind::bytes>("ek", &M::ek),
                      required<5, kind::message>("message", &M::message));
    }
};

} // namespace proto

/// A parsed OMEMOAuthenticatedMessage (the key material of one recipient
/// device), not yet authentic.
struct authenticated_message {
    public_key ratchet_key{};           ///< dh_pub
    std::uint32_t counter = 0;          ///< n: the message's index in its chain
    std::uint32_t previous_counter = 0; ///< pn: the length of the sender's previous chain
    bytes ciphertext;
    mac_tag mac{};
    bytes message; ///< the OMEMOMessage as it travelled: what the MAC covers after AD
    friend bool operator==(const authenticated_message&, const authenticated_message&) = default;
};

/// A parsed OMEMOKeyExchange: the X3DH header (XEP-0384 §5.4.2) and the
/// first message. It names the pre-keys by id only; the responder looks
/// them up.
struct key_exchange {
    std::uint32_t prekey_id = 0;        ///< pk_id
    std::uint32_t signed_prekey_id = 0; ///< spk_id
    identity_key identity{};            ///< ik: the initiator's Ed25519 identity key
    public_key base_key{};              ///< ek: the initiator's ephemeral X25519 key
    authenticated_message message;
    friend bool operator==(const key_exchange&, const key_exchange&) = default;
};

/// One recipient device's share of a message: the content of its `<key>`
/// element (xml.hpp), an OMEMOKeyExchange when `kex`, else an
/// OMEMOAuthenticatedMessage.
struct encrypted_key_material {
    bool kex = false;
    bytes data;
    friend bool operator==(const encrypted_key_material&, const encrypted_key_material&) = default;
};

namespace detail {

template <std::size_t N>
result<byte_array<N>> exact_key(const bytes& b) {
    if (b.size() != N) return envelope::envelope_error::invalid_key;
    byte_array<N> k;
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

inline result<authenticated_message> from_proto(proto::omemo_authenticated_message&& w) {
    if (w.mac.size() != wire::mac_size) return envelope::envelope_error::malformed;
    auto inner = codec::protobuf::decode<proto::omemo_message>(w.message);
    if (!inner) return envelope::envelope_error::malformed;
    E2EKIT_TRY(ratchet_key, exact_key<wire::key_size>(inner->dh_pub));
    authenticated_message m;
    m.ratchet_key = ratchet_key;
    m.counter = inner->n;
    m.previous_counter = inner->pn;
    if (inner->ciphertext) m.ciphertext = std::move(*inner->ciphertext);
    std::copy(w.mac.begin(), w.mac.end(), m.mac.begin());
    m.message = std::move(w.message);
    return m;
}

inline proto::omemo_authenticated_message to_proto(const authenticated_message& m) {
    return {bytes(m.mac.begin(), m.mac.end()), m.message};
}

} // namespace detail

/// An OMEMOAuthenticatedMessage (a `<key>` element's content without kex).
inline result<authenticated_message> parse_authenticated_message(bytes_view in) {
    auto w = codec::protobuf::decode<proto::omemo_authenticated_message>(in);
    if (!w) return envelope::envelope_error::malformed;
    return detail::from_proto(std::move(*w));
}

/// Its wire form; canonical (what python-twomemo writes for the same mac
/// and message).
inline bytes encode_authenticated_message(const authenticated_message& m) {
    return codec::protobuf::encode(detail::to_proto(m));
}

/// An OMEMOKeyExchange (a `<key kex="true">` element's content).
inline result<key_exchange> parse_key_exchange(bytes_view in) {
    auto w = codec::protobuf::decode<proto::omemo_key_exchange>(in);
    if (!w) return envelope::envelope_error::malformed;
    E2EKIT_TRY(ik, detail::exact_key<wire::key_size>(w->ik));
    E2EKIT_TRY(ek, detail::exact_key<wire::key_size>(w->ek));
    E2EKIT_TRY(message, detail::from_proto(std::move(w->message)));
    return key_exchange{w->pk_id, w->spk_id, ik, ek, std::move(message)};
}

inline bytes encode_key_exchange(const key_exchange& x) {
    return codec::protobuf::encode(proto::omemo_key_exchange{
        x.prekey_id, x.signed_prekey_id, bytes(x.identity.begin(), x.identity.end()),
        bytes(x.base_key.begin(), x.base_key.end()), detail::to_proto(x.message)});
}

/// The OMEMOMessage of a header and ciphertext, and its MAC under `mac_key`
/// and `ad` (AEADImpl.encrypt).
inline authenticated_message seal(const public_key& ratchet_key, std::uint32_t counter,
                                  std::uint32_t previous_counter, bytes ciphertext,
                                  fixed_view<32> mac_key, const associated_data& ad) {
    authenticated_message m;
    m.ratchet_key = ratchet_key;
    m.counter = counter;
    m.previous_counter = previous_counter;
    m.message = codec::protobuf::encode(proto::omemo_message{
        counter, previous_counter, bytes(ratchet_key.begin(), ratchet_key.end()), ciphertext});
    m.ciphertext = std::move(ciphertext);
    const auto t = wire::mac::tag_of(mac_key, ad, m.message);
    std::copy_n(t.begin(), wire::mac_size, m.mac.begin());
    return m;
}

/// Whether `m`'s MAC verifies under `mac_key` and `ad`: the one opaque
/// `authentication_failed` otherwise (AEADImpl.decrypt).
inline result<void> verify_mac(const authenticated_message& m, fixed_view<32> mac_key,
                               const associated_data& ad) {
    if (!wire::mac::verify(mac_key, m.mac, ad, m.message))
        return envelope::envelope_error::authentication_failed;
    return {};
}

} // namespace e2ekit::protocols::omemo2

#endif
