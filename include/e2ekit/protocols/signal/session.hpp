// A Signal v3 session: X3DH to start it, the Double Ratchet to run it, the
// v3 messages on the wire and AES-256-CBC with the ratchet's message keys
// for the payload (libsignal-protocol-c src/session_cipher.c,
// src/session_builder.c). Every encrypt and decrypt is a pending step:
// its new session state is committed first, then the ciphertext or
// plaintext is released (ratchet/pending.hpp). A message that fails leaves
// no trace: the state it was given is never changed.
//
// This is one session state. Archived states (a record), simultaneous
// initiation, trust decisions and pre-key storage sit above it; the
// caller looks up the pre-keys a PreKeySignalMessage names.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_SESSION_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_SESSION_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/identity/bundle.hpp>
#include <e2ekit/protocols/signal/messages.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <cstdint>
#include <optional>
#include <utility>

namespace e2ekit::protocols::signal {

using x3dh = agreement::x3dh<x3dh_params>;
using double_ratchet = ratchet::double_ratchet<ratchet_params>;
using key_pair = crypto::x25519::key_pair;
using prekey_bundle = identity::prekey_bundle<x3dh_params>;

/// The message types as Signal's servers and npm libsignal number them
/// (libsignal-protocol-c numbers a SignalMessage 2 internally).
enum class message_type : std::uint8_t { signal = 1, prekey = 3 };

/// What the initiator repeats in every message until the responder
/// answers (libsignal-protocol-c "unacknowledged pre-key message").
struct unacknowledged_prekey {
    std::optional<std::uint32_t> prekey_id;
    std::uint32_t signed_prekey_id = 0;
    public_key base_key{};
    friend bool operator==(const unacknowledged_prekey&, const unacknowledged_prekey&) = default;
};

struct session_state {
    public_key local_identity{};
    public_key remote_identity{};
    std::uint32_t local_registration_id = 0;
    std::uint32_t remote_registration_id = 0;
    /// The initiator's base key: names the session on both sides, so that
    /// repeated PreKeySignalMessages find it (libsignal-protocol-c
    /// alice_base_key).
    public_key base_key{};
    std::optional<unacknowledged_prekey> unacknowledged;
    double_ratchet::state ratchet;

    session_state clone() const {
        return {local_identity, remote_identity, local_registration_id, remote_registration_id,
                base_key,       unacknowledged,  ratchet.clone()};
    }
    friend bool operator==(const session_state&, const session_state&) = default;
};

struct outgoing {
    message_type type = message_type::signal;
    bytes body;
};

using encrypt_step = ratchet::pending<session_state, outgoing>;
using decrypt_step = ratchet::pending<session_state, secret_bytes>;

namespace detail {

inline ratchet::root_key to_root(agreement::agreed_keys& k) {
    return std::move(k.root).retag<ratchet::root_key_tag>();
}
inline ratchet::chain_key to_chain(agreement::agreed_keys& k) {
    return std::move(k.chain).retag<ratchet::chain_key_tag>();
}
static_assert(ratchet_params::first_sender == ratchet::role::responder,
              "Signal: the responder sends first on the agreed chain");

} // namespace detail

/// Starts a session from a bundle (X3DH §3.3). Checks the signed pre-key
/// signature; trust in `b.identity_key` is the caller's decision.
template <random_source R>
result<session_state> initiate(const key_pair& own_identity, std::uint32_t own_registration_id,
                               const prekey_bundle& b, R& rng) {
    E2EKIT_TRY(x, x3dh::initiate(own_identity, b.for_agreement(), rng));
    session_state s;
    s.local_identity = own_identity.pub;
    s.remote_identity = b.identity_key;
    s.local_registration_id = own_registration_id;
    s.remote_registration_id = b.registration_id;
    s.base_key = x.base_key;
    s.unacknowledged = unacknowledged_prekey{
        b.one_time_prekey ? b.one_time_prekey_id : std::nullopt, b.signed_prekey_id, x.base_key};
    s.ratchet = double_ratchet::start_receiving(detail::to_root(x.keys), detail::to_chain(x.keys),
                                                b.signed_prekey);
    return s;
}

/// Encrypts one message: a PreKeySignalMessage until the peer has answered,
/// then SignalMessages.
template <random_source R>
result<encrypt_step> encrypt(const session_state& s, bytes_view plaintext, R& rng) {
    E2EKIT_TRY(step, double_ratchet::encrypt_step(s.ratchet, rng));
    const auto& keys = step.keys;
    const bytes ct = wire::cipher::encrypt(keys.cipher_key(), keys.iv(), plaintext);
    bytes whisper =
        encode_signal_message(step.hdr.ratchet_key, step.hdr.counter, step.hdr.previous_counter, ct,
                              keys.mac_key(), s.local_identity, s.remote_identity);
    outgoing out;
    if (s.unacknowledged) {
        out.type = message_type::prekey;
        out.body = encode_prekey_signal_message(
            {s.local_registration_id, s.unacknowledged->prekey_id,
             s.unacknowledged->signed_prekey_id, s.unacknowledged->base_key, s.local_identity,
             std::move(whisper)});
    } else {
        out.type = message_type::signal;
        out.body = std::move(whisper);
    }
    session_state next{s.local_identity,         s.remote_identity, s.local_registration_id,
                       s.remote_registration_id, s.base_key,        s.unacknowledged,
                       std::move(step.next)};
    return encrypt_step(std::move(next), std::move(out));
}

/// Decrypts a parsed SignalMessage (a record tries several states with
/// one parse).
inline result<decrypt_step> decrypt(const session_state& s, const signal_message& m) {
    E2EKIT_TRY(step, double_ratchet::decrypt_step(s.ratchet,
                                                  {m.ratchet_key, m.counter, m.previous_counter}));
    E2EKIT_CHECK(verify_mac(m, step.keys.mac_key(), s.remote_identity, s.local_identity));
    auto pt = wire::cipher::decrypt(step.keys.cipher_key(), step.keys.iv(), m.ciphertext);
    // A MAC that verified over a badly padded ciphertext is still one
    // opaque failure.
    if (!pt) return envelope::envelope_error::authentication_failed;
    session_state next{s.local_identity,         s.remote_identity, s.local_registration_id,
                       s.remote_registration_id, s.base_key,        std::nullopt,
                       std::move(step.next)};
    return decrypt_step(std::move(next), std::move(*pt));
}

/// Decrypts a SignalMessage (or the one inside a PreKeySignalMessage).
inline result<decrypt_step> decrypt(const session_state& s, bytes_view signal_message_wire) {
    E2EKIT_TRY(m, parse_signal_message(signal_message_wire));
    return decrypt(s, m);
}

/// The pre-keys a PreKeySignalMessage names, found by the caller.
struct responder_keys {
    const key_pair& identity;
    std::uint32_t registration_id = 0;
    const key_pair& signed_prekey;
    const key_pair* one_time_prekey = nullptr; ///< when the message names one
};

/// A new session from a PreKeySignalMessage (X3DH §3.4), and the message
/// inside it decrypted. A message whose base key names a session the
/// caller already has goes to `decrypt` with that session instead.
inline result<decrypt_step> accept(const responder_keys& k, const prekey_signal_message& m) {
    E2EKIT_TRY(agreed, x3dh::respond(k.identity, k.signed_prekey, k.one_time_prekey, m.identity_key,
                                     m.base_key));
    session_state s;
    s.local_identity = k.identity.pub;
    s.remote_identity = m.identity_key;
    s.local_registration_id = k.registration_id;
    s.remote_registration_id = m.registration_id;
    s.base_key = m.base_key;
    s.ratchet =
        double_ratchet::start_sending(detail::to_root(agreed), detail::to_chain(agreed),
                                      key_pair{k.signed_prekey.priv.clone(), k.signed_prekey.pub});
    return decrypt(s, m.message);
}

} // namespace e2ekit::protocols::signal

#endif
