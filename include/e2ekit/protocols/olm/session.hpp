// An Olm session (libolm src/session.cpp, docs/olm.md): the triple DH to
// start it, the Double Ratchet with Olm's params to run it, Olm's messages
// on the wire and AES-256-CBC with the ratchet's message keys for the
// payload. Every encrypt and decrypt is a pending step: its new session
// state is committed first, then the ciphertext or plaintext is released
// (ratchet/pending.hpp). A message that fails leaves no trace: the state
// it was given is never changed.
//
// Alice (the initiator) sends pre-key messages (type 0) until she has
// decrypted one of Bob's; then normal messages (type 1). Both sides name
// the session SHA-256(I_A ‖ E_A ‖ E_B): Alice's identity key, her base key
// and the one-time key of Bob's she used (libolm olm_session_id; the API
// there returns it unpadded-base64).
#ifndef E2EKIT_PROTOCOLS_OLM_SESSION_HPP
#define E2EKIT_PROTOCOLS_OLM_SESSION_HPP

#include <e2ekit/agreement/triple_dh.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/olm/error.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/protocols/olm/params.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace e2ekit::protocols::olm {

using triple_dh = agreement::triple_dh<triple_dh_params>;
using double_ratchet = ratchet::double_ratchet<ratchet_params>;
using key_pair = crypto::x25519::key_pair;
using session_id = crypto::sha256::digest;

struct session_state {
    /// I_A, E_A, E_B: what names the session and what a repeated pre-key
    /// message must carry to belong to it (libolm alice_identity_key,
    /// alice_base_key, bob_one_time_key).
    public_key alice_identity_key{};
    public_key alice_base_key{};
    public_key bob_one_time_key{};
    /// Whether this side has decrypted a message: until then Alice sends
    /// pre-key messages (libolm received_message).
    bool received_message = false;
    double_ratchet::state ratchet;

    session_state clone() const {
        return {alice_identity_key, alice_base_key, bob_one_time_key, received_message,
                ratchet.clone()};
    }
    friend bool operator==(const session_state&, const session_state&) = default;
};

struct outgoing {
    message_type type = message_type::normal;
    bytes body;
};

using encrypt_step = ratchet::pending<session_state, outgoing>;
using decrypt_step = ratchet::pending<session_state, secret_bytes>;

/// SHA-256(I_A ‖ E_A ‖ E_B).
inline session_id id_of(const session_state& s) {
    return account_params::session_id_hash::digest_of(s.alice_identity_key, s.alice_base_key,
                                                      s.bob_one_time_key);
}

namespace detail {

inline ratchet::root_key to_root(agreement::agreed_keys& k) {
    return std::move(k.root).retag<ratchet::root_key_tag>();
}
inline ratchet::chain_key to_chain(agreement::agreed_keys& k) {
    return std::move(k.chain).retag<ratchet::chain_key_tag>();
}
static_assert(ratchet_params::first_sender == ratchet::role::initiator,
              "Olm: the initiator sends first on the agreed chain");

} // namespace detail

/// Starts a session with a peer's identity key and one of its one-time
/// (or fallback) keys, with a fresh base key and ratchet key from `rng`
/// (libolm olm_create_outbound_session). Checking the one-time key's
/// signature and trusting the identity key are the caller's business.
template <random_source R>
result<session_state> create_outbound(const key_pair& own_identity,
                                      const public_key& their_identity,
                                      const public_key& their_one_time_key, R& rng) {
    key_pair base = crypto::x25519::generate(rng);
    key_pair ratchet_key = crypto::x25519::generate(rng);
    E2EKIT_TRY(x,
               triple_dh::initiate_with(own_identity, {their_identity, their_one_time_key}, base));
    session_state s;
    s.alice_identity_key = own_identity.pub;
    s.alice_base_key = x.base_key;
    s.bob_one_time_key = their_one_time_key;
    s.ratchet = double_ratchet::start_sending(detail::to_root(x.keys), detail::to_chain(x.keys),
                                              std::move(ratchet_key));
    return s;
}

/// Encrypts one message: a pre-key message until this side has received
/// one, then normal messages.
template <random_source R>
result<encrypt_step> encrypt(const session_state& s, bytes_view plaintext, R& rng) {
    E2EKIT_TRY(step, double_ratchet::encrypt_step(s.ratchet, rng));
    const auto& keys = step.keys;
    const std::size_t ct_size = wire::cipher::padded_size(plaintext.size());
    bytes normal(normal_message_size(step.hdr.counter, ct_size));
    auto ct = write_normal_header(normal, step.hdr.ratchet_key, step.hdr.counter, ct_size);
    wire::cipher::encrypt_into(ct, keys.cipher_key(), keys.iv(), plaintext);
    seal_normal_message(normal, keys.mac_key());
    outgoing out;
    if (!s.received_message) {
        out.type = message_type::prekey;
        out.body = encode_prekey_message(s.bob_one_time_key, s.alice_base_key, s.alice_identity_key,
                                         normal);
    } else {
        out.body = std::move(normal);
    }
    session_state next{s.alice_identity_key, s.alice_base_key, s.bob_one_time_key,
                       s.received_message, std::move(step.next)};
    return encrypt_step(std::move(next), std::move(out));
}

/// Decrypts a parsed normal message.
inline result<decrypt_step> decrypt(const session_state& s, const normal_message& m) {
    E2EKIT_TRY(step, double_ratchet::decrypt_step(s.ratchet, {m.ratchet_key, m.counter, 0}));
    E2EKIT_CHECK(verify_mac(m, step.keys.mac_key()));
    auto pt = wire::cipher::decrypt(step.keys.cipher_key(), step.keys.iv(), m.ciphertext);
    // A MAC that verified over a badly padded ciphertext is still one
    // opaque failure.
    if (!pt) return envelope::envelope_error::authentication_failed;
    session_state next{s.alice_identity_key, s.alice_base_key, s.bob_one_time_key, true,
                       std::move(step.next)};
    return decrypt_step(std::move(next), std::move(*pt));
}

/// Decrypts a message of either type as libolm's olm_decrypt does: a
/// pre-key message's inner message is decrypted with this session (the
/// caller found the session with `matches_inbound_session`).
inline result<decrypt_step> decrypt(const session_state& s, message_type type, bytes_view body) {
    if (type == message_type::prekey) {
        E2EKIT_TRY(p, parse_prekey_message(body));
        E2EKIT_TRY(m, parse_normal_message(p.message));
        return decrypt(s, m);
    }
    E2EKIT_TRY(m, parse_normal_message(body));
    return decrypt(s, m);
}

/// Whether a pre-key message belongs to this session: its one-time key,
/// base key and identity key are this session's (libolm
/// olm_matches_inbound_session[_from]; `their_identity`, when given, must
/// be the sender's identity key too). Malformed messages are an error.
inline result<bool> matches_inbound_session(const session_state& s, bytes_view prekey_wire,
                                            const public_key* their_identity = nullptr) {
    E2EKIT_TRY(p, parse_prekey_message(prekey_wire));
    bool same = p.one_time_key == s.bob_one_time_key && p.base_key == s.alice_base_key &&
                p.identity_key == s.alice_identity_key;
    if (their_identity) same = same && *their_identity == s.alice_identity_key;
    return same;
}

/// A new session from a pre-key message (libolm olm_create_inbound_session
/// then olm_decrypt), with the one-time key it names, found by the caller
/// (account.hpp does it). The inner message is decrypted too: a pre-key
/// message that does not authenticate makes no session.
inline result<decrypt_step> create_inbound(const key_pair& own_identity,
                                           const key_pair& one_time_key, const prekey_message& p) {
    if (p.one_time_key != one_time_key.pub) return olm_error::unknown_one_time_key;
    E2EKIT_TRY(m, parse_normal_message(p.message));
    E2EKIT_TRY(agreed, triple_dh::respond(own_identity, one_time_key, p.identity_key, p.base_key));
    session_state s;
    s.alice_identity_key = p.identity_key;
    s.alice_base_key = p.base_key;
    s.bob_one_time_key = p.one_time_key;
    s.ratchet = double_ratchet::start_receiving(detail::to_root(agreed), detail::to_chain(agreed),
                                                m.ratchet_key);
    return decrypt(s, m);
}

namespace detail {

inline constexpr std::uint32_t session_format = 1;

struct wire_session {
    std::uint32_t format = 0;
    byte_array<32> alice_identity_key{};
    byte_array<32> alice_base_key{};
    byte_array<32> bob_one_time_key{};
    bool received_message = false;
    bytes ratchet;
    void wipe() noexcept { ct::wipe(ratchet.data(), ratchet.size()); }
    friend constexpr auto describe(codec::tag<wire_session>) {
        using namespace codec;
        using W = wire_session;
        return fields(required<1, kind::uint32>("format", &W::format),
                      required<2, kind::bytes>("aliceIdentityKey", &W::alice_identity_key),
                      required<3, kind::bytes>("aliceBaseKey", &W::alice_base_key),
                      required<4, kind::bytes>("bobOneTimeKey", &W::bob_one_time_key),
                      field<5, kind::boolean>("receivedMessage", &W::received_message),
                      required<6, kind::bytes>("ratchet", &W::ratchet));
    }
};

} // namespace detail

/// e2ekit's own versioned stored form of a session (protobuf, format 1;
/// the ratchet in double_ratchet's form). It holds secrets.
inline secret_bytes serialize(const session_state& s) {
    detail::wire_session w;
    w.format = detail::session_format;
    w.alice_identity_key = s.alice_identity_key;
    w.alice_base_key = s.alice_base_key;
    w.bob_one_time_key = s.bob_one_time_key;
    w.received_message = s.received_message;
    secret_bytes r = double_ratchet::serialize(s.ratchet);
    w.ratchet = to_bytes(r.view());
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    w.wipe();
    return out;
}

/// The inverse, strict: malformed is `bad_state`, another format
/// `unsupported_state`.
inline result<session_state> parse_session(bytes_view stored) {
    auto decoded = codec::protobuf::decode<detail::wire_session>(stored);
    if (!decoded) return olm_error::bad_state;
    detail::wire_session& w = *decoded;
    struct guard {
        detail::wire_session& w;
        ~guard() { w.wipe(); }
    } g{w};
    if (w.format != detail::session_format) return olm_error::unsupported_state;
    auto r = double_ratchet::parse(w.ratchet);
    if (!r) return olm_error::bad_state;
    return session_state{w.alice_identity_key, w.alice_base_key, w.bob_one_time_key,
                         w.received_message, std::move(*r)};
}

} // namespace e2ekit::protocols::olm

#endif
