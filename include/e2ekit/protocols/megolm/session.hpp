// Megolm group sessions (libolm outbound_group_session.c,
// inbound_group_session.c): one sender's ratchet and Ed25519 key.
//
// Outbound: the sender's. Its id is its Ed25519 public key; `session_key`
// (signed, at the current index) is what goes to each member over Olm.
// Each encrypt is a pending step: the next index is committed before the
// message goes out, so an index is never used twice.
//
// Inbound: a member's. It keeps the ratchet at its first known index (from
// a session key, or an export at any index) and at the latest index read,
// so reading on is cheap and an earlier index still decrypts. A message
// before the first known index is `unknown_message_index`. The signature is
// checked before anything else, the MAC before decryption; either failing
// is the one `authentication_failed`, and the session is unchanged. A
// session imported from an export (no signature) becomes verified once a
// message under its key decrypts.
//
// Both have a strict, versioned stored form (fixed layout, below).
#ifndef E2EKIT_PROTOCOLS_MEGOLM_SESSION_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_SESSION_HPP

#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/ed25519_verifier.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/megolm/error.hpp>
#include <e2ekit/protocols/megolm/messages.hpp>
#include <e2ekit/protocols/megolm/params.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::protocols::megolm {

using megolm_ratchet = ratchet_type;
using ed25519_public_key = crypto::ed25519::verifying_key;

struct outbound_session {
    megolm_ratchet::state ratchet;
    crypto::ed25519::expanded_key signing;
    ed25519_public_key signing_public{};

    outbound_session clone() const { return {ratchet.clone(), signing.clone(), signing_public}; }
    friend bool operator==(const outbound_session&, const outbound_session&) = default;
};

struct inbound_session {
    megolm_ratchet::state initial; ///< at the first known index
    megolm_ratchet::state latest;  ///< at the latest index read (or the first known)
    ed25519_public_key signing_key{};
    bool verified = false; ///< came with a signed session key, or a message has since verified

    std::uint32_t first_known_index() const noexcept { return initial.counter; }
    inbound_session clone() const {
        return {initial.clone(), latest.clone(), signing_key, verified};
    }
    friend bool operator==(const inbound_session&, const inbound_session&) = default;
};

struct decrypted {
    secret_bytes plaintext;
    std::uint32_t index = 0;
};

using encrypt_step = ratchet::pending<outbound_session, bytes>;
using decrypt_step = ratchet::pending<inbound_session, decrypted>;

/// A new session: a random ratchet at index 0 and a fresh Ed25519 key.
template <random_source R>
outbound_session create_outbound(R& rng) {
    outbound_session s;
    rng.fill(s.ratchet.data.mutable_view());
    const auto seed = random_secret<crypto::ed25519::seed_size, crypto::ed25519_seed_tag>(rng);
    s.signing = crypto::ed25519::expand(seed);
    s.signing_public = crypto::ed25519::public_from_seed(seed);
    return s;
}

/// The session key at the current index: what members start from.
inline secret_bytes session_key(const outbound_session& s) {
    secret_bytes body = encode_key(wire::session_key_version, s.ratchet.counter,
                                   s.ratchet.data.view(), s.signing_public);
    const auto sig = crypto::ed25519::sign_expanded(s.signing, s.signing_public, body.view());
    secret_bytes out(wire::session_key_size);
    std::copy(body.view().begin(), body.view().end(), out.mutable_view().begin());
    std::copy(sig.begin(), sig.end(), out.mutable_view().begin() + wire::exported_key_size);
    return out;
}

/// Encrypts at the current index; the step holds the session one index on.
inline encrypt_step encrypt(const outbound_session& s, bytes_view plaintext) {
    const auto keys = megolm_ratchet::keys(s.ratchet);
    const bytes ct = crypto::aes_256_cbc::encrypt(keys.cipher_key(), keys.iv(), plaintext);
    bytes msg = encode_group_body(s.ratchet.counter, ct);
    crypto::hmac_sha256::tag mac;
    crypto::hmac_sha256::compute(mac, keys.mac_key(), msg);
    msg.insert(msg.end(), mac.begin(), mac.begin() + wire::mac_size);
    const auto sig = crypto::ed25519::sign_expanded(s.signing, s.signing_public, msg);
    msg.insert(msg.end(), sig.begin(), sig.end());
    outbound_session next{megolm_ratchet::next(s.ratchet), s.signing.clone(), s.signing_public};
    return encrypt_step(std::move(next), std::move(msg));
}

/// From a session key (signature checked: `authentication_failed`) or an
/// exported key (unverified).
inline result<inbound_session> create_inbound(bytes_view key) {
    E2EKIT_TRY(k, parse_key(key));
    if (k.signed_key &&
        !crypto::ed25519::verify(k.signing_key, k.signed_part, k.signature).has_value())
        return envelope::envelope_error::authentication_failed;
    inbound_session s;
    s.initial.data = k.ratchet_data.clone();
    s.initial.counter = k.index;
    s.latest = s.initial.clone();
    s.signing_key = k.signing_key;
    s.verified = k.signed_key;
    return s;
}

/// The export of the session at `index` (libolm
/// olm_export_inbound_group_session): anyone holding it reads from there on.
inline result<secret_bytes> export_at(const inbound_session& s, std::uint32_t index) {
    if (index < s.initial.counter) return megolm_error::unknown_message_index;
    const auto& from = index >= s.latest.counter ? s.latest : s.initial;
    const auto at = megolm_ratchet::advanced_to(from, index);
    return encode_key(wire::exported_key_version, index, at.data.view(), s.signing_key);
}

/// Decrypts with a verifier prepared for the session's key (a member keeps
/// one per session, so each signature check reuses its table).
inline result<decrypt_step> decrypt(const inbound_session& s, const crypto::ed25519_verifier& v,
                                    bytes_view wire_message) {
    E2EKIT_TRY(m, parse_group_message(wire_message));
    if (v.key() != s.signing_key || !v.verify(m.signed_part, m.signature).has_value())
        return envelope::envelope_error::authentication_failed;
    if (m.index < s.initial.counter) return megolm_error::unknown_message_index;
    const bool ahead = m.index >= s.latest.counter;
    auto at = megolm_ratchet::advanced_to(ahead ? s.latest : s.initial, m.index);
    const auto keys = megolm_ratchet::keys(at);
    if (!crypto::hmac_sha256::verify(keys.mac_key(), m.mac, m.authenticated))
        return envelope::envelope_error::authentication_failed;
    auto pt = crypto::aes_256_cbc::decrypt(keys.cipher_key(), keys.iv(), m.ciphertext);
    if (!pt) return envelope::envelope_error::authentication_failed;
    inbound_session next{s.initial.clone(), ahead ? std::move(at) : s.latest.clone(), s.signing_key,
                         true};
    return decrypt_step(std::move(next), decrypted{std::move(*pt), m.index});
}

/// The same, preparing the verifier for this one call.
inline result<decrypt_step> decrypt(const inbound_session& s, bytes_view wire_message) {
    E2EKIT_TRY(v, crypto::ed25519_verifier::prepare(s.signing_key));
    return decrypt(s, v, wire_message);
}

// ---- stored forms -------------------------------------------------------------
//
// outbound: 0x01 ‖ counter u32 BE ‖ ratchet 128 ‖ expanded Ed25519 key 64 ‖ public key 32
// inbound:  0x01 ‖ initial counter ‖ initial 128 ‖ latest counter ‖ latest 128 ‖
//           signing key 32 ‖ verified (0 or 1)

namespace detail {

inline constexpr byte stored_version = 1;
inline constexpr std::size_t outbound_stored_size = 1 + 4 + ratchet::megolm_size + 64 + 32;
inline constexpr std::size_t inbound_stored_size = 1 + 2 * (4 + ratchet::megolm_size) + 32 + 1;

inline byte* put_u32(byte* p, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
        *p++ = static_cast<byte>(v >> s);
    return p;
}
inline std::uint32_t get_u32(const byte* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
inline byte* put_state(byte* p, const megolm_ratchet::state& s) {
    p = put_u32(p, s.counter);
    return std::copy(s.data.view().begin(), s.data.view().end(), p);
}
inline const byte* get_state(const byte* p, megolm_ratchet::state& s) {
    s.counter = get_u32(p);
    std::copy_n(p + 4, ratchet::megolm_size, s.data.mutable_view().data());
    return p + 4 + ratchet::megolm_size;
}

} // namespace detail

inline secret_bytes serialize(const outbound_session& s) {
    secret_bytes out(detail::outbound_stored_size);
    byte* p = out.mutable_view().data();
    *p++ = detail::stored_version;
    p = detail::put_state(p, s.ratchet);
    p = std::copy(s.signing.view().begin(), s.signing.view().end(), p);
    std::copy(s.signing_public.begin(), s.signing_public.end(), p);
    return out;
}

inline result<outbound_session> parse_outbound(bytes_view stored) {
    if (stored.size() != detail::outbound_stored_size || stored[0] != detail::stored_version)
        return megolm_error::bad_state;
    outbound_session s;
    const byte* p = detail::get_state(stored.data() + 1, s.ratchet);
    std::copy_n(p, 64, s.signing.mutable_view().data());
    std::copy_n(p + 64, 32, s.signing_public.begin());
    auto pub = crypto::ed25519::public_from_expanded(s.signing);
    if (!pub || *pub != s.signing_public) return megolm_error::bad_state;
    return s;
}

inline secret_bytes serialize(const inbound_session& s) {
    secret_bytes out(detail::inbound_stored_size);
    byte* p = out.mutable_view().data();
    *p++ = detail::stored_version;
    p = detail::put_state(p, s.initial);
    p = detail::put_state(p, s.latest);
    p = std::copy(s.signing_key.begin(), s.signing_key.end(), p);
    *p = s.verified ? 1 : 0;
    return out;
}

inline result<inbound_session> parse_inbound(bytes_view stored) {
    if (stored.size() != detail::inbound_stored_size || stored[0] != detail::stored_version)
        return megolm_error::bad_state;
    inbound_session s;
    const byte* p = detail::get_state(stored.data() + 1, s.initial);
    p = detail::get_state(p, s.latest);
    std::copy_n(p, 32, s.signing_key.begin());
    if (p[32] > 1 || s.latest.counter < s.initial.counter) return megolm_error::bad_state;
    s.verified = p[32] == 1;
    return s;
}

} // namespace e2ekit::protocols::megolm

#endif
