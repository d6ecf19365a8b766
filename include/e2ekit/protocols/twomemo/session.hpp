// An OMEMO 2 session with one remote device, as python-twomemo's Twomemo
// backend runs one (twomemo.py: build_session_active / _passive,
// encrypt_key_material / decrypt_key_material; the session manager above
// it is python-omemo's, and e2ekit's session/ layer):
//
// - X3DH (agreement/x3dh.hpp with x3dh_params) gives SK; the Double Ratchet
//   (ratchet/double_ratchet.hpp with ratchet_params) starts from SK alone:
//   the active side sends first (first_chain_rule::from_root).
// - Each message of the session carries one plain key material (payload.hpp)
//   as AES-256-CBC with the ratchet's message keys, in an OMEMOMessage
//   MACed with the session's associated data (messages.hpp).
// - The active side wraps every message in an OMEMOKeyExchange until the
//   session is confirmed, i.e. until it has decrypted a message in it
//   (SessionImpl.confirmed; python-omemo's manager adds the key exchange
//   while the session is not confirmed).
//
// Every step is pure: it returns the session that follows as a pending
// step (ratchet/pending.hpp), whose state the caller commits before it
// uses the payload; a step that fails leaves nothing changed. Trust in the
// peer's identity key and the one-time pre-key policy are the caller's.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_SESSION_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_SESSION_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/twomemo/bundle.hpp>
#include <e2ekit/protocols/twomemo/error.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/protocols/twomemo/messages.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>
#include <e2ekit/protocols/twomemo/payload.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace e2ekit::protocols::omemo2 {

using x3dh = agreement::x3dh<x3dh_params>;
using double_ratchet = ratchet::double_ratchet<ratchet_params>;

/// How a session began (omemo.session.Initiation): this side used the
/// other's bundle (active) or answered its key exchange (passive).
enum class initiation : std::uint8_t { active = 1, passive = 2 };

/// The key exchange that built a session (KeyExchangeImpl): the
/// initiator's identity and ephemeral keys and the ids of the responder's
/// pre-keys it used. Both sides keep it: it names the session, so that a
/// key exchange sent again finds it (`builds_same_session`).
struct exchange_header {
    identity_key identity{};
    public_key base_key{};
    std::uint32_t signed_prekey_id = 0;
    std::uint32_t prekey_id = 0;
    friend bool operator==(const exchange_header&, const exchange_header&) = default;
};

struct session {
    initiation how = initiation::active;
    identity_key local_identity{};
    identity_key remote_identity{};
    exchange_header exchange;
    /// Whether a message was decrypted in it (python: SessionImpl.confirmed).
    bool confirmed = false;
    double_ratchet::state ratchet;

    /// The initiator's identity key ‖ the responder's, for every MAC of the
    /// session in both directions.
    associated_data ad() const {
        return how == initiation::active ? make_associated_data(local_identity, remote_identity)
                                         : make_associated_data(remote_identity, local_identity);
    }
    /// Whether this side sends key exchanges: active and not yet confirmed.
    bool sends_key_exchange() const noexcept { return how == initiation::active && !confirmed; }

    session clone() const {
        return {how, local_identity, remote_identity, exchange, confirmed, ratchet.clone()};
    }
    friend bool operator==(const session&, const session&) = default;
};

/// What a new passive session releases: the first key material and the id
/// of the one-time pre-key it used (the caller's pre-key policy decides
/// what becomes of it, session/prekey_policy.hpp).
struct passive_payload {
    plain_key_material key_material;
    std::uint32_t consumed_prekey_id = 0;
};

using encrypt_step = ratchet::pending<session, encrypted_key_material>;
using decrypt_step = ratchet::pending<session, plain_key_material>;
using passive_step = ratchet::pending<session, passive_payload>;

namespace detail {

struct opened {
    plain_key_material key_material;
    double_ratchet::state next;
};

/// The ratchet step, MAC and decryption of one message (AEADImpl.decrypt);
/// `s` is left as it was.
inline result<opened> open(const session& s, const authenticated_message& m) {
    E2EKIT_TRY(step, double_ratchet::decrypt_step(s.ratchet,
                                                  {m.ratchet_key, m.counter, m.previous_counter}));
    const auto& keys = step.keys;
    E2EKIT_CHECK(verify_mac(m, keys.mac_key(), s.ad()));
    auto pt = wire::cipher::decrypt(keys.cipher_key(), keys.iv(), m.ciphertext);
    // A MAC that verified over a badly padded ciphertext is still one
    // opaque failure.
    if (!pt) return envelope::envelope_error::authentication_failed;
    E2EKIT_TRY(km, plain_key_material::from_bytes(pt->view()));
    return opened{std::move(km), std::move(step.next)};
}

inline ratchet::root_key sk_of(agreement::agreed_keys& k) {
    // SK is the first 32 bytes of the agreement's output (params.hpp).
    return std::move(k.root).retag<ratchet::root_key_tag>();
}

template <class T>
const T* find_id(std::span<const T> keys, std::uint32_t id) {
    const auto it = std::find_if(keys.begin(), keys.end(), [&](const T& k) { return k.id == id; });
    return it == keys.end() ? nullptr : &*it;
}

} // namespace detail

/// Starts a session with the device whose bundle this is (X3DH §3.3,
/// Twomemo.build_session_active): checks the signed pre-key's signature,
/// picks one of the bundle's one-time pre-keys uniformly (`no_prekey` when
/// it has none: python-x3dh requires one) and starts the ratchet. The
/// first key material goes through `encrypt_key_material`, which wraps it
/// in the key exchange.
template <random_source R>
result<session> build_session_active(const identity_key_pair& own, const bundle& b, R& rng) {
    if (b.prekeys.empty()) return twomemo_error::no_prekey;
    const prekey_entry& pk =
        b.prekeys[random_below(rng, static_cast<std::uint32_t>(b.prekeys.size()))];
    E2EKIT_TRY(x, x3dh::initiate(own.dh,
                                 {b.identity, b.signed_prekey, b.signed_prekey_signature, pk.key},
                                 rng));
    E2EKIT_TRY(r, double_ratchet::start_initiator(detail::sk_of(x.keys), b.signed_prekey, rng));
    return session{initiation::active,
                   own.ed25519,
                   b.identity,
                   {own.ed25519, x.base_key, b.signed_prekey_id, pk.id},
                   false,
                   std::move(r)};
}

/// Encrypts one plain key material in the session: the `<key>` content for
/// this device, a key exchange while `s.sends_key_exchange()`.
template <random_source R>
result<encrypt_step> encrypt_key_material(const session& s, const plain_key_material& km, R& rng) {
    E2EKIT_TRY(step, double_ratchet::encrypt_step(s.ratchet, rng));
    const auto& keys = step.keys;
    authenticated_message m = seal(
        step.hdr.ratchet_key, step.hdr.counter, step.hdr.previous_counter,
        wire::cipher::encrypt(keys.cipher_key(), keys.iv(), km.view()), keys.mac_key(), s.ad());
    encrypted_key_material out;
    if (s.sends_key_exchange()) {
        out.kex = true;
        out.data = encode_key_exchange({s.exchange.prekey_id, s.exchange.signed_prekey_id,
                                        s.exchange.identity, s.exchange.base_key, std::move(m)});
    } else {
        out.data = encode_authenticated_message(m);
    }
    session next{s.how,      s.local_identity, s.remote_identity,
                 s.exchange, s.confirmed,      std::move(step.next)};
    return encrypt_step(std::move(next), std::move(out));
}

/// Decrypts one key material in the session (an OMEMOAuthenticatedMessage,
/// or the one inside a key exchange that `builds_same_session`); the
/// session that follows is confirmed.
inline result<decrypt_step> decrypt_key_material(const session& s, const authenticated_message& m) {
    E2EKIT_TRY(o, detail::open(s, m));
    session next{s.how, s.local_identity, s.remote_identity, s.exchange, true, std::move(o.next)};
    return decrypt_step(std::move(next), std::move(o.key_material));
}

/// Whether `x` is the key exchange that built `s` (sent again while `s`
/// is not confirmed): then its message goes to `decrypt_key_material`
/// (KeyExchangeImpl.builds_same_session).
inline bool builds_same_session(const session& s, const key_exchange& x) noexcept {
    return s.exchange == exchange_header{x.identity, x.base_key, x.signed_prekey_id, x.prekey_id};
}

/// A new session from a key exchange (X3DH §3.4,
/// Twomemo.build_session_passive), with its first key material. The
/// caller gives the signed pre-keys it still holds (python-x3dh keeps the
/// current and the previous one) and its one-time pre-keys, hidden ones
/// included; they are looked up by the ids the exchange names
/// (`unknown_signed_prekey`, `unknown_prekey`). Trust in `x.identity` is
/// the caller's decision.
inline result<passive_step> build_session_passive(const identity_key_pair& own,
                                                  std::span<const signed_prekey> signed_prekeys,
                                                  std::span<const prekey> prekeys,
                                                  const key_exchange& x) {
    const signed_prekey* spk = detail::find_id(signed_prekeys, x.signed_prekey_id);
    if (!spk) return twomemo_error::unknown_signed_prekey;
    const prekey* pk = detail::find_id(prekeys, x.prekey_id);
    if (!pk) return twomemo_error::unknown_prekey;
    E2EKIT_TRY(agreed, x3dh::respond(own.dh, spk->keys, &pk->keys, x.identity, x.base_key));
    session s{initiation::passive,
              own.ed25519,
              x.identity,
              {x.identity, x.base_key, x.signed_prekey_id, x.prekey_id},
              false,
              double_ratchet::start_responder(
                  detail::sk_of(agreed),
                  crypto::x25519::key_pair{spk->keys.priv.clone(), spk->keys.pub})};
    E2EKIT_TRY(o, detail::open(s, x.message));
    s.ratchet = std::move(o.next);
    return passive_step(std::move(s), passive_payload{std::move(o.key_material), pk->id});
}

// --- stored form ------------------------------------------------------------

namespace detail::session_form {

inline constexpr std::uint32_t format = 1;
inline constexpr std::string_view label = "twomemo.session";

struct stored {
    std::uint32_t format = 0;
    std::string label;
    std::uint32_t initiation = 0;
    byte_array<32> local_identity{};
    byte_array<32> remote_identity{};
    byte_array<32> exchange_identity{};
    byte_array<32> exchange_base_key{};
    std::uint32_t signed_prekey_id = 0;
    std::uint32_t prekey_id = 0;
    bool confirmed = false;
    bytes ratchet; ///< double_ratchet's own form: secret, wiped after use
    friend constexpr auto describe(codec::tag<stored>) {
        using namespace codec;
        using M = stored;
        return fields(required<1, kind::uint32>("format", &M::format),
                      required<2, kind::string>("label", &M::label),
                      required<3, kind::uint32>("initiation", &M::initiation),
                      required<4, kind::bytes>("localIdentity", &M::local_identity),
                      required<5, kind::bytes>("remoteIdentity", &M::remote_identity),
                      required<6, kind::bytes>("exchangeIdentity", &M::exchange_identity),
                      required<7, kind::bytes>("exchangeBaseKey", &M::exchange_base_key),
                      required<8, kind::uint32>("signedPreKeyId", &M::signed_prekey_id),
                      required<9, kind::uint32>("preKeyId", &M::prekey_id),
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
    w.initiation = static_cast<std::uint32_t>(s.how);
    w.local_identity = s.local_identity;
    w.remote_identity = s.remote_identity;
    w.exchange_identity = s.exchange.identity;
    w.exchange_base_key = s.exchange.base_key;
    w.signed_prekey_id = s.exchange.signed_prekey_id;
    w.prekey_id = s.exchange.prekey_id;
    w.confirmed = s.confirmed;
    const secret_bytes rk = double_ratchet::serialize(s.ratchet);
    w.ratchet.assign(rk.data(), rk.data() + rk.size());
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

/// The inverse, strict: `bad_session` for anything malformed (the ratchet
/// state included, an unknown initiation, a key exchange whose identity
/// key is not the initiator's), `unsupported_session` for another format
/// or label.
inline result<session> parse_session(bytes_view stored) {
    namespace f = detail::session_form;
    auto w = codec::protobuf::decode<f::stored>(stored);
    if (!w) return twomemo_error::bad_session;
    f::wipe_guard guard{*w};
    if (w->format != f::format || w->label != f::label) return twomemo_error::unsupported_session;
    if (w->initiation != static_cast<std::uint32_t>(initiation::active) &&
        w->initiation != static_cast<std::uint32_t>(initiation::passive))
        return twomemo_error::bad_session;
    const auto how = static_cast<initiation>(w->initiation);
    const auto& initiator = how == initiation::active ? w->local_identity : w->remote_identity;
    if (w->exchange_identity != initiator) return twomemo_error::bad_session;
    auto r = double_ratchet::parse(w->ratchet);
    if (!r) return twomemo_error::bad_session;
    return session{how,
                   w->local_identity,
                   w->remote_identity,
                   {w->exchange_identity, w->exchange_base_key, w->signed_prekey_id, w->prekey_id},
                   w->confirmed,
                   std::move(*r)};
}

} // namespace e2ekit::protocols::omemo2

#endif
