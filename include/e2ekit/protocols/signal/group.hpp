// Signal group messages with sender keys, byte for byte as
// libsignal-protocol-c 2.3.3 (src/group_cipher.c, group_session_builder.c,
// sender_key_record.c, protocol.c):
//
//   SenderKeyDistributionMessage = 0x33 ‖ protobuf{id 1, iteration 2,
//                                  chainKey 3, signingKey 4 (0x05 ‖ u)}
//   SenderKeyMessage             = 0x33 ‖ protobuf{id 1, iteration 2,
//                                  ciphertext 3} ‖ signature(64)
//
// The signature (XEdDSA with the sender's signing key) covers everything
// before it; the payload is AES-256-CBC with the chain's message keys. A
// sender's record holds its states newest first (at most 5), each named by
// a random key id. A distribution message already held (same id, same
// signing key) changes nothing: libsignal-protocol-c 2.3.3 would add it
// again, and so let its messages be replayed from its iteration.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_GROUP_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_GROUP_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/envelope/framing.hpp>
#include <e2ekit/protocols/signal/error.hpp>
#include <e2ekit/protocols/signal/messages.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/pending.hpp>
#include <e2ekit/ratchet/sender_key.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace e2ekit::protocols::signal {

using sender_chain = ratchet::sender_key<sender_key_params>;

namespace proto {

/// textsecure.SenderKeyMessage (WhisperTextProtocol.proto).
struct sender_key_message {
    std::uint32_t id = 0;
    std::uint32_t iteration = 0;
    bytes ciphertext;
    friend constexpr auto describe(codec::tag<sender_key_message>) {
        using namespace codec;
        using M = sender_key_message;
        return fields(required<1, kind::uint32>("id", &M::id),
                      required<2, kind::uint32>("iteration", &M::iteration),
                      required<3, kind::bytes>("ciphertext", &M::ciphertext));
    }
};

/// textsecure.SenderKeyDistributionMessage. The chain key is a secret: the
/// caller wipes the decoded struct.
struct sender_key_distribution {
    std::uint32_t id = 0;
    std::uint32_t iteration = 0;
    bytes chain_key;
    bytes signing_key;
    friend constexpr auto describe(codec::tag<sender_key_distribution>) {
        using namespace codec;
        using M = sender_key_distribution;
        return fields(required<1, kind::uint32>("id", &M::id),
                      required<2, kind::uint32>("iteration", &M::iteration),
                      required<3, kind::bytes>("chainKey", &M::chain_key),
                      required<4, kind::bytes>("signingKey", &M::signing_key));
    }
};

} // namespace proto

/// One sender-key state: a chain and the key that signs its messages (the
/// private half only on the sender's side).
struct sender_key_state {
    std::uint32_t key_id = 0;
    sender_chain::state chain;
    public_key signing_public{};
    std::optional<crypto::x25519::private_key> signing_private;
    /// The private key made ready to sign (derived from it, shared and
    /// immutable): a sender signs every message with it.
    std::shared_ptr<const crypto::xeddsa::prepared_key> signer;
    /// The public key converted for verifying, once (derived).
    std::shared_ptr<const crypto::xeddsa::prepared_verifier> verifier;

    void set_signing_public(const public_key& k) {
        signing_public = k;
        verifier = std::make_shared<const crypto::xeddsa::prepared_verifier>(k);
    }

    void set_signing_private(crypto::x25519::private_key k) {
        signer = std::make_shared<const crypto::xeddsa::prepared_key>(k);
        signing_private.emplace(std::move(k));
    }
    sender_key_state clone() const {
        sender_key_state s{key_id, chain.clone(), signing_public, std::nullopt, signer, verifier};
        if (signing_private) s.signing_private.emplace(signing_private->view());
        return s;
    }
    friend bool operator==(const sender_key_state& a, const sender_key_state& b) noexcept {
        return a.key_id == b.key_id && a.chain == b.chain && a.signing_public == b.signing_public &&
               a.signing_private == b.signing_private;
    }
};

/// A sender's states in one group, newest first.
struct sender_key_record {
    std::vector<sender_key_state> states;

    sender_key_record clone() const {
        sender_key_record r;
        r.states.reserve(states.size());
        for (const auto& s : states)
            r.states.push_back(s.clone());
        return r;
    }
    friend bool operator==(const sender_key_record&, const sender_key_record&) = default;
};

using group_encrypt_step = ratchet::pending<sender_key_record, bytes>;
using group_decrypt_step = ratchet::pending<sender_key_record, secret_bytes>;

/// A parsed SenderKeyMessage; the views point into the wire bytes.
struct sender_key_message {
    std::uint32_t key_id = 0;
    std::uint32_t iteration = 0;
    bytes ciphertext;
    bytes_view signed_part;
    bytes_view signature;
};

inline result<sender_key_message> parse_sender_key_message(bytes_view in) {
    E2EKIT_TRY(frame, envelope::split_mac_frame<sender_key_params::signature_size>(in));
    E2EKIT_CHECK(detail::check_version(frame.version));
    auto body = codec::protobuf::decode<proto::sender_key_message>(frame.body);
    if (!body) return envelope::envelope_error::malformed;
    return sender_key_message{body->id, body->iteration, std::move(body->ciphertext),
                              frame.authenticated, frame.mac};
}

/// A parsed SenderKeyDistributionMessage.
struct sender_key_distribution {
    std::uint32_t key_id = 0;
    std::uint32_t iteration = 0;
    ratchet::chain_key chain_key;
    public_key signing_key{};
};

inline result<sender_key_distribution> parse_sender_key_distribution(bytes_view in) {
    if (in.size() <= 1) return envelope::envelope_error::truncated;
    E2EKIT_CHECK(detail::check_version(in[0]));
    auto body = codec::protobuf::decode<proto::sender_key_distribution>(in.subspan(1));
    if (!body) return envelope::envelope_error::malformed;
    struct wipe_on_exit {
        bytes& b;
        ~wipe_on_exit() { ct::wipe(b); }
    } guard{body->chain_key};
    if (body->chain_key.size() != ratchet::key_size) return envelope::envelope_error::malformed;
    E2EKIT_TRY(signing, key_encoding::decode(body->signing_key));
    return sender_key_distribution{body->id, body->iteration,
                                   ratchet::chain_key(fixed_view<ratchet::key_size>(
                                       bytes_view(body->chain_key).first<ratchet::key_size>())),
                                   signing};
}

/// A SenderKeyMessage: 0x33 ‖ protobuf{id, iteration, ciphertext} ‖ the
/// XEdDSA signature of all before it by `signer`.
template <random_source R>
bytes encode_sender_key_message(std::uint32_t key_id, std::uint32_t iteration,
                                bytes_view ciphertext, const crypto::xeddsa::prepared_key& signer,
                                R& rng) {
    const proto::sender_key_message m{key_id, iteration,
                                      bytes(ciphertext.begin(), ciphertext.end())};
    const std::size_t n = 1 + codec::protobuf::encoded_size(m);
    bytes out(n + sender_key_params::signature_size);
    out[0] = wire::version_byte;
    codec::protobuf::encode_to(mutable_bytes_view(out).subspan(1, n - 1), m);
    const auto sig = crypto::xeddsa::sign(signer, bytes_view(out).first(n), rng);
    std::copy(sig.begin(), sig.end(), out.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

/// A SenderKeyDistributionMessage: 0x33 ‖ protobuf{id, iteration, chainKey,
/// signingKey (0x05 ‖ u)}. It holds the chain key, so it is a secret.
inline secret_bytes encode_sender_key_distribution(const sender_key_distribution& d) {
    const auto sk = key_encoding::encode(d.signing_key);
    const auto ck = d.chain_key.view();
    proto::sender_key_distribution m{d.key_id, d.iteration, bytes(ck.begin(), ck.end()),
                                     bytes(sk.begin(), sk.end())};
    secret_bytes out(1 + codec::protobuf::encoded_size(m));
    out.mutable_view()[0] = wire::version_byte;
    codec::protobuf::encode_to(out.mutable_view().subspan(1), m);
    ct::wipe(m.chain_key);
    return out;
}

/// A new sender key for this device in one group (libsignal-protocol-c
/// group_session_builder_create_session): a random 31-bit id, chain key and
/// signing key pair, at iteration 0.
template <random_source R>
sender_key_record create_sender_key(R& rng) {
    auto signing = crypto::x25519::generate(rng);
    sender_key_state s;
    s.key_id = random_below(rng, 0x80000000u);
    s.chain = sender_chain::start(random_secret<ratchet::key_size, ratchet::chain_key_tag>(rng), 0);
    s.set_signing_public(signing.pub);
    s.set_signing_private(std::move(signing.priv));
    sender_key_record r;
    r.states.push_back(std::move(s));
    return r;
}

/// The distribution message of the newest state, to send each member over
/// a pairwise session (it holds the chain key).
inline result<secret_bytes> distribution_message(const sender_key_record& r) {
    if (r.states.empty()) return signal_error::no_session;
    const auto& s = r.states.front();
    return encode_sender_key_distribution(
        {s.key_id, s.chain.iteration, s.chain.chain.clone(), s.signing_public});
}

/// A member's record after it read a sender's distribution message: the
/// new state goes first, the oldest beyond 5 is dropped.
inline result<sender_key_record> process_distribution(const sender_key_record& r,
                                                      bytes_view distribution) {
    E2EKIT_TRY(d, parse_sender_key_distribution(distribution));
    sender_key_record next;
    next.states.reserve(std::min(r.states.size() + 1, sender_key_params::max_states));
    for (const auto& s : r.states)
        if (s.key_id == d.key_id && equal_public(s.signing_public, d.signing_key))
            return r.clone(); // already held: a replayed distribution changes nothing
    sender_key_state s;
    s.key_id = d.key_id;
    s.chain = sender_chain::start(std::move(d.chain_key), d.iteration);
    s.set_signing_public(d.signing_key);
    next.states.push_back(std::move(s));
    for (const auto& old : r.states) {
        if (next.states.size() == sender_key_params::max_states) break;
        if (old.key_id != d.key_id) next.states.push_back(old.clone());
    }
    return next;
}

namespace detail {

inline sender_key_record with_state(const sender_key_record& r, std::size_t at,
                                    sender_key_state s) {
    sender_key_record next;
    next.states.reserve(r.states.size());
    for (std::size_t i = 0; i < r.states.size(); ++i)
        next.states.push_back(i == at ? std::move(s) : r.states[i].clone());
    return next;
}

} // namespace detail

/// Encrypts to the group with the newest state (it must be this device's
/// own: `no_session` otherwise).
template <random_source R>
result<group_encrypt_step> group_encrypt(const sender_key_record& r, bytes_view plaintext, R& rng) {
    if (r.states.empty() || !r.states.front().signing_private) return signal_error::no_session;
    const auto& s = r.states.front();
    E2EKIT_TRY(step, sender_chain::encrypt_step(s.chain));
    const bytes ct = wire::cipher::encrypt(step.keys.cipher_key(), step.keys.iv(), plaintext);
    bytes out =
        s.signer ? encode_sender_key_message(s.key_id, step.iteration, ct, *s.signer, rng)
                 : encode_sender_key_message(s.key_id, step.iteration, ct,
                                             crypto::xeddsa::prepared_key(*s.signing_private), rng);
    sender_key_state ns{s.key_id,  std::move(step.next), s.signing_public, std::nullopt, s.signer,
                        s.verifier};
    ns.signing_private.emplace(s.signing_private->view());
    return group_encrypt_step(detail::with_state(r, 0, std::move(ns)), std::move(out));
}

/// Decrypts a sender's group message with the state its key id names
/// (`no_session` when none): the signature first, then the chain, then the
/// cipher. A replay is `duplicate_message`.
inline result<group_decrypt_step> group_decrypt(const sender_key_record& r, bytes_view wire_msg) {
    E2EKIT_TRY(m, parse_sender_key_message(wire_msg));
    std::size_t at = 0;
    while (at < r.states.size() && r.states[at].key_id != m.key_id)
        ++at;
    if (at == r.states.size()) return signal_error::no_session;
    const auto& s = r.states[at];
    const bool authentic =
        s.verifier
            ? bool(crypto::xeddsa::verify_signal_legacy(*s.verifier, m.signed_part, m.signature))
            : bool(crypto::xeddsa::verify_signal_legacy(s.signing_public, m.signed_part,
                                                        m.signature));
    if (!authentic) return envelope::envelope_error::authentication_failed;
    E2EKIT_TRY(step, sender_chain::decrypt_step(s.chain, m.iteration));
    auto pt = wire::cipher::decrypt(step.keys.cipher_key(), step.keys.iv(), m.ciphertext);
    // A signed message that does not decrypt is still one opaque failure.
    if (!pt) return envelope::envelope_error::authentication_failed;
    sender_key_state ns{s.key_id,  std::move(step.next), s.signing_public, std::nullopt, s.signer,
                        s.verifier};
    if (s.signing_private) ns.signing_private.emplace(s.signing_private->view());
    return group_decrypt_step(detail::with_state(r, at, std::move(ns)), std::move(*pt));
}

// --- stored form ------------------------------------------------------------

namespace detail::group_form {

inline constexpr std::uint32_t format = 1;

struct state {
    std::uint32_t key_id = 0;
    sender_chain::wire_state chain;
    byte_array<32> signing_public{};
    std::optional<byte_array<32>> signing_private;
    friend constexpr auto describe(codec::tag<state>) {
        using namespace codec;
        return fields(field<1, kind::uint32>("keyId", &state::key_id),
                      required<2, kind::message>("chain", &state::chain),
                      required<3, kind::bytes>("signingPublic", &state::signing_public),
                      field<4, kind::bytes>("signingPrivate", &state::signing_private));
    }
    ~state() {
        if (signing_private) ct::wipe(*signing_private);
    }
    state() = default;
    state(const state&) = default;
    state(state&&) noexcept = default;
    state& operator=(const state&) = default;
    state& operator=(state&&) noexcept = default;
};

/// The count comes after the states, so that a form cut between two states
/// is refused rather than read as a record with fewer.
struct record {
    std::uint32_t format = 0;
    std::string label;
    std::vector<state> states;
    std::optional<std::uint32_t> count;
    friend constexpr auto describe(codec::tag<record>) {
        using namespace codec;
        return fields(required<1, kind::uint32>("format", &record::format),
                      required<2, kind::string>("label", &record::label),
                      field<3, kind::repeated<kind::message>>("states", &record::states),
                      field<4, kind::uint32>("count", &record::count));
    }
};

} // namespace detail::group_form

/// e2ekit's own versioned form of a sender-key record (secret: it holds
/// chain keys).
inline secret_bytes serialize(const sender_key_record& r) {
    namespace f = detail::group_form;
    f::record w;
    w.format = f::format;
    w.label = std::string(sender_key_params::state_label);
    w.states.reserve(r.states.size());
    for (const auto& s : r.states) {
        f::state ws;
        ws.key_id = s.key_id;
        ws.chain = sender_chain::to_wire(s.chain);
        ws.signing_public = s.signing_public;
        if (s.signing_private) {
            ws.signing_private.emplace();
            std::copy_n(s.signing_private->view().begin(), 32, ws.signing_private->begin());
        }
        w.states.push_back(std::move(ws));
    }
    w.count = static_cast<std::uint32_t>(w.states.size());
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

/// The inverse, strict (`bad_record` / `unsupported_record`).
inline result<sender_key_record> parse_sender_key_record(bytes_view stored) {
    namespace f = detail::group_form;
    auto w = codec::protobuf::decode<f::record>(stored);
    if (!w) return signal_error::bad_record;
    if (w->format != f::format || w->label != sender_key_params::state_label)
        return signal_error::unsupported_record;
    if (w->states.size() > sender_key_params::max_states || w->count != w->states.size())
        return signal_error::bad_record;
    // Key ids name the states: two states of one id are not a record the
    // functions above make.
    for (std::size_t i = 0; i < w->states.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (w->states[i].key_id == w->states[j].key_id) return signal_error::bad_record;
    sender_key_record r;
    for (const auto& ws : w->states) {
        auto chain = sender_chain::from_wire(ws.chain);
        if (!chain) return signal_error::bad_record;
        sender_key_state s{ws.key_id, std::move(*chain), {}, std::nullopt, nullptr, nullptr};
        s.set_signing_public(ws.signing_public);
        if (ws.signing_private) {
            crypto::x25519::private_key k(fixed_view<32>(*ws.signing_private));
            if (!equal_public(crypto::x25519::public_from_private(k), s.signing_public))
                return signal_error::bad_record;
            s.set_signing_private(std::move(k));
        }
        r.states.push_back(std::move(s));
    }
    return r;
}

} // namespace e2ekit::protocols::signal

#endif
