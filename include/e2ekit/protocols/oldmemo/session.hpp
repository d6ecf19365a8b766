// An OMEMO 0.3 session with one remote device, as python-oldmemo 1.0.3's
// Oldmemo backend runs it (build_session_active / build_session_passive /
// encrypt_key_material / decrypt_key_material): X3DH to start it, the
// Double Ratchet with OMEMO 0.3's params (params.hpp) to run it, Signal v3's
// authenticated message on the wire. What the ratchet encrypts is a
// message's key material (payload.hpp), never its plaintext.
//
// - The active side (it used the peer's bundle) attaches the key exchange
//   to every key material it encrypts until a message from the peer
//   decrypted on the session ("confirmed"): encrypt_key_material then
//   gives <key prekey="true"> content (python-omemo SessionManager, which
//   attaches session.key_exchange while the session is active and not
//   confirmed).
// - The passive side builds the session from a key exchange and its first
//   key material at once. A key exchange that repeats the one a passive
//   session was built from (`builds_same_session`: same identity key, base
//   key, signed pre-key id and pre-key id) decrypts on that session, any
//   other replaces it (python-omemo SessionManager.decrypt):
//   `accept_key_exchange` does both.
// - The associated data is always sender IK ‖ recipient IK (33-byte forms),
//   whoever initiated (python-oldmemo rebuilds it so, after libsignal).
//
// Every step is pure: it returns the next session with its payload as a
// pending step (ratchet/pending.hpp) and leaves the session it was given
// unchanged; commit the next session, then use the payload. Whether the
// peer's identity key is trusted, and whether it is the one its device
// list and bundle showed, is the caller's decision.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_SESSION_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_SESSION_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/oldmemo/bundle.hpp>
#include <e2ekit/protocols/oldmemo/error.hpp>
#include <e2ekit/protocols/oldmemo/identity.hpp>
#include <e2ekit/protocols/oldmemo/messages.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>
#include <e2ekit/protocols/oldmemo/payload.hpp>
#include <e2ekit/protocols/signal/record.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace e2ekit::protocols::omemo03 {

using x3dh = agreement::x3dh<x3dh_params>;
using double_ratchet = ratchet::double_ratchet<ratchet_params>;

/// How the session began (python-omemo Initiation).
enum class initiation : std::uint8_t { active = 1, passive = 2 };

/// The key exchange a session came from: what the active side attaches
/// and what the passive side compares a repeated one with.
struct exchange_info {
    std::uint32_t prekey_id = 0;
    std::uint32_t signed_prekey_id = 0;
    public_key identity_key{}; ///< the initiator's
    public_key base_key{};     ///< the initiator's ephemeral key
    friend bool operator==(const exchange_info&, const exchange_info&) = default;
};

struct session {
    public_key local_identity{};  ///< Curve25519
    public_key remote_identity{}; ///< Curve25519
    omemo03::initiation initiation = omemo03::initiation::active;
    exchange_info exchange;
    /// A message from the peer decrypted on this session.
    bool confirmed = false;
    double_ratchet::state ratchet;

    session clone() const {
        return {local_identity, remote_identity, initiation, exchange, confirmed, ratchet.clone()};
    }
    friend bool operator==(const session&, const session&) = default;
};

/// The content of one <key> element: a key exchange (prekey="true") or an
/// authenticated message, and the flag that tells them apart.
struct encrypted_key_material {
    bool prekey = false;
    bytes data;
    friend bool operator==(const encrypted_key_material&, const encrypted_key_material&) = default;
};

using encrypt_step = ratchet::pending<session, encrypted_key_material>;
using decrypt_step = ratchet::pending<session, plain_key_material>;

/// A key exchange's key material, and the one-time pre-key it used: the
/// caller deletes (or hides) that key in the same commit as the session.
/// Absent when the exchange decrypted on the session it had built before.
struct accepted {
    plain_key_material key_material;
    std::optional<std::uint32_t> consumed_prekey_id;
};
using accept_step = ratchet::pending<session, accepted>;

namespace detail {

inline ratchet::root_key to_root(agreement::agreed_keys& k) {
    return std::move(k.root).retag<ratchet::root_key_tag>();
}
inline ratchet::chain_key to_chain(agreement::agreed_keys& k) {
    return std::move(k.chain).retag<ratchet::chain_key_tag>();
}
static_assert(ratchet_params::first_sender == ratchet::role::responder);

/// X25519 reads bit 255 away and u + p as u (RFC 7748 §5): a replayed key
/// exchange whose base key is another spelling of the same point must
/// still name its session (as Signal's records, signal/record.hpp).
using signal::detail::canonical_u;

template <random_source R>
result<session> build_active(const identity_key_pair& own, const bundle& b, std::size_t pick,
                             R& rng) {
    const prekey_public& pk = b.prekeys[pick];
    E2EKIT_TRY(x, x3dh::initiate(
                      own.dh(),
                      {b.identity_key, b.signed_prekey, b.signed_prekey_signature, pk.key}, rng));
    session s;
    s.local_identity = own.curve25519_public();
    s.remote_identity = b.identity_key;
    s.initiation = initiation::active;
    s.exchange = {pk.id, b.signed_prekey_id, own.curve25519_public(), x.base_key};
    s.ratchet = double_ratchet::start_receiving(to_root(x.keys), to_chain(x.keys), b.signed_prekey);
    return s;
}

} // namespace detail

/// X3DH as initiator (§3.3) with a one-time pre-key of the bundle drawn at
/// random (python-x3dh: secrets.choice). `agreement_error::bad_signature`
/// when the signed pre-key does not verify, `no_prekey` for a bundle
/// without one-time pre-keys.
template <random_source R>
result<session> build_session_active(const identity_key_pair& own, const bundle& b, R& rng) {
    if (b.prekeys.empty()) return oldmemo_error::no_prekey;
    const auto pick = random_below(rng, static_cast<std::uint32_t>(b.prekeys.size()));
    return detail::build_active(own, b, pick, rng);
}

/// The same with the one-time pre-key of id `prekey_id` (`unknown_prekey`
/// when the bundle has none of that id).
template <random_source R>
result<session> build_session_active(const identity_key_pair& own, const bundle& b,
                                     std::uint32_t prekey_id, R& rng) {
    for (std::size_t i = 0; i < b.prekeys.size(); ++i)
        if (b.prekeys[i].id == prekey_id) return detail::build_active(own, b, i, rng);
    return oldmemo_error::unknown_prekey;
}

/// Encrypts key material for the peer: a key exchange until the session
/// is confirmed when this side initiated it, else an authenticated message.
template <random_source R>
result<encrypt_step> encrypt_key_material(const session& s, const plain_key_material& km, R& rng) {
    E2EKIT_TRY(step, double_ratchet::encrypt_step(s.ratchet, rng));
    const auto& keys = step.keys;
    const bytes ct = wire::cipher::encrypt(keys.cipher_key(), keys.iv(), km.view());
    bytes message = signal::encode_signal_message(step.hdr.ratchet_key, step.hdr.counter,
                                                  step.hdr.previous_counter, ct, keys.mac_key(),
                                                  s.local_identity, s.remote_identity);
    encrypted_key_material out;
    if (s.initiation == initiation::active && !s.confirmed) {
        out.prekey = true;
        out.data =
            encode_key_exchange({s.exchange.prekey_id, s.exchange.signed_prekey_id,
                                 s.exchange.identity_key, s.exchange.base_key, std::move(message)});
    } else {
        out.data = std::move(message);
    }
    session next{s.local_identity, s.remote_identity, s.initiation,
                 s.exchange,       s.confirmed,       std::move(step.next)};
    return encrypt_step(std::move(next), std::move(out));
}

/// Decrypts a parsed authenticated message; the next session is confirmed.
/// A MAC or padding that does not verify is `authentication_failed`; key
/// material of another size than 16 or 32 bytes, `bad_key_material`.
inline result<decrypt_step> decrypt_key_material(const session& s, const authenticated_message& m) {
    E2EKIT_TRY(step, double_ratchet::decrypt_step(s.ratchet,
                                                  {m.ratchet_key, m.counter, m.previous_counter}));
    E2EKIT_CHECK(signal::verify_mac(m, step.keys.mac_key(), s.remote_identity, s.local_identity));
    auto pt = wire::cipher::decrypt(step.keys.cipher_key(), step.keys.iv(), m.ciphertext);
    if (!pt) return envelope::envelope_error::authentication_failed;
    E2EKIT_TRY(km, plain_key_material::from_bytes(pt->view()));
    session next{s.local_identity,    s.remote_identity, s.initiation, s.exchange, true,
                 std::move(step.next)};
    return decrypt_step(std::move(next), std::move(km));
}

/// The same from the wire (an authenticated message, or the one a key
/// exchange carries).
inline result<decrypt_step> decrypt_key_material(const session& s, bytes_view message) {
    E2EKIT_TRY(m, parse_authenticated_message(message));
    return decrypt_key_material(s, m);
}

/// Whether a key exchange repeats the one this passive session was built
/// from (python-oldmemo KeyExchangeImpl.builds_same_session).
inline bool builds_same_session(const session& s, const key_exchange& x) noexcept {
    return s.initiation == initiation::passive &&
           detail::canonical_u(s.exchange.identity_key) == detail::canonical_u(x.identity_key) &&
           detail::canonical_u(s.exchange.base_key) == detail::canonical_u(x.base_key) &&
           s.exchange.signed_prekey_id == x.signed_prekey_id && s.exchange.prekey_id == x.prekey_id;
}

/// X3DH as responder (§3.4) and the key exchange's key material decrypted:
/// the pre-keys it names are looked up by id among the device's signed
/// pre-keys (the current one and any kept after a rotation) and one-time
/// pre-keys (`unknown_signed_prekey`, `unknown_prekey`).
inline result<accept_step> build_session_passive(const identity_key_pair& own,
                                                 std::span<const signed_prekey> signed_prekeys,
                                                 std::span<const prekey> prekeys,
                                                 const key_exchange& x) {
    const signed_prekey* spk = nullptr;
    for (const auto& k : signed_prekeys)
        if (k.id == x.signed_prekey_id) spk = &k;
    if (!spk) return oldmemo_error::unknown_signed_prekey;
    const prekey* pk = nullptr;
    for (const auto& k : prekeys)
        if (k.id == x.prekey_id) pk = &k;
    if (!pk) return oldmemo_error::unknown_prekey;
    E2EKIT_TRY(agreed, x3dh::respond(own.dh(), spk->keys, &pk->keys, x.identity_key, x.base_key));
    session s;
    s.local_identity = own.curve25519_public();
    s.remote_identity = x.identity_key;
    s.initiation = initiation::passive;
    s.exchange = {x.prekey_id, x.signed_prekey_id, x.identity_key, x.base_key};
    s.ratchet = double_ratchet::start_sending(detail::to_root(agreed), detail::to_chain(agreed),
                                              key_pair{spk->keys.priv.clone(), spk->keys.pub});
    E2EKIT_TRY(step, decrypt_key_material(s, x.message));
    auto [next, km] = std::move(step).split();
    return accept_step(std::move(next), accepted{std::move(km), x.prekey_id});
}

/// A key exchange as python-omemo's SessionManager takes one: decrypted on
/// `existing` when that passive session was built from it, else a new
/// session (which replaces `existing` once committed).
inline result<accept_step> accept_key_exchange(const session* existing,
                                               const identity_key_pair& own,
                                               std::span<const signed_prekey> signed_prekeys,
                                               std::span<const prekey> prekeys,
                                               const key_exchange& x) {
    if (existing && builds_same_session(*existing, x)) {
        E2EKIT_TRY(step, decrypt_key_material(*existing, x.message));
        auto [next, km] = std::move(step).split();
        return accept_step(std::move(next), accepted{std::move(km), std::nullopt});
    }
    return build_session_passive(own, signed_prekeys, prekeys, x);
}

// --- stored form ------------------------------------------------------------

namespace detail::session_form {

inline constexpr std::uint32_t format = 1;
inline constexpr std::string_view label = "oldmemo.session";

struct stored {
    std::uint32_t format = 0;
    std::string label;
    byte_array<32> local_identity{};
    byte_array<32> remote_identity{};
    std::uint32_t initiation = 0;
    std::uint32_t prekey_id = 0;
    std::uint32_t signed_prekey_id = 0;
    byte_array<32> exchange_identity{};
    byte_array<32> base_key{};
    bool confirmed = false;
    bytes ratchet; ///< double_ratchet's own form: secret, wiped after use
    friend constexpr auto describe(codec::tag<stored>) {
        using namespace codec;
        using M = stored;
        return fields(required<1, kind::uint32>("format", &M::format),
                      required<2, kind::string>("label", &M::label),
                      required<3, kind::bytes>("localIdentity", &M::local_identity),
                      required<4, kind::bytes>("remoteIdentity", &M::remote_identity),
                      required<5, kind::uint32>("initiation", &M::initiation),
                      required<6, kind::uint32>("preKeyId", &M::prekey_id),
                      required<7, kind::uint32>("signedPreKeyId", &M::signed_prekey_id),
                      required<8, kind::bytes>("exchangeIdentity", &M::exchange_identity),
                      required<9, kind::bytes>("baseKey", &M::base_key),
                      required<10, kind::boolean>("confirmed", &M::confirmed),
                      required<11, kind::bytes>("ratchet", &M::ratchet));
    }
};

struct wipe_guard {
    stored& s;
    ~wipe_guard() { ct::wipe(s.ratchet); }
};

} // namespace detail::session_form

/// e2ekit's own versioned form of a session (protobuf, format 1). It holds
/// secrets, so it comes as secret_bytes.
inline secret_bytes serialize(const session& s) {
    namespace f = detail::session_form;
    f::stored w;
    f::wipe_guard guard{w};
    w.format = f::format;
    w.label = std::string(f::label);
    w.local_identity = s.local_identity;
    w.remote_identity = s.remote_identity;
    w.initiation = static_cast<std::uint32_t>(s.initiation);
    w.prekey_id = s.exchange.prekey_id;
    w.signed_prekey_id = s.exchange.signed_prekey_id;
    w.exchange_identity = s.exchange.identity_key;
    w.base_key = s.exchange.base_key;
    w.confirmed = s.confirmed;
    const secret_bytes rk = double_ratchet::serialize(s.ratchet);
    w.ratchet.assign(rk.data(), rk.data() + rk.size());
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

/// The inverse, strict: `bad_session` for anything malformed (the ratchet
/// state included, an initiation that is neither, a key exchange that is
/// not the initiator's), `unsupported_session` for another format or
/// label.
inline result<session> parse_session(bytes_view stored) {
    namespace f = detail::session_form;
    auto decoded = codec::protobuf::decode<f::stored>(stored);
    if (!decoded) return oldmemo_error::bad_session;
    f::wipe_guard guard{*decoded};
    const f::stored& w = *decoded;
    if (w.format != f::format || w.label != f::label) return oldmemo_error::unsupported_session;
    if (w.initiation != static_cast<std::uint32_t>(initiation::active) &&
        w.initiation != static_cast<std::uint32_t>(initiation::passive))
        return oldmemo_error::bad_session;
    const auto how = static_cast<initiation>(w.initiation);
    const auto& initiator = how == initiation::active ? w.local_identity : w.remote_identity;
    if (w.exchange_identity != initiator) return oldmemo_error::bad_session;
    auto rk = double_ratchet::parse(w.ratchet);
    if (!rk) return oldmemo_error::bad_session;
    session s;
    s.local_identity = w.local_identity;
    s.remote_identity = w.remote_identity;
    s.initiation = how;
    s.exchange = {w.prekey_id, w.signed_prekey_id, w.exchange_identity, w.base_key};
    s.confirmed = w.confirmed;
    s.ratchet = std::move(*rk);
    return s;
}

} // namespace e2ekit::protocols::omemo03

#endif
