// A Signal session record: the current session state with a peer device and
// the states it replaced, newest first (libsignal-protocol-c
// src/session_record.c keeps 40). A message may arrive for an archived state
// (the peer had not yet seen our newer session, or both sides initiated at
// once); decrypting with one promotes it to current, as libsignal-protocol-c
// does, so that both sides of a simultaneous initiation converge on the
// states the other side answers.
//
// Every operation is a pending step over the whole record (commit it, then
// use the payload). Archived states are shared, immutable, between a record
// and the records that follow it: a step copies the current state only.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_RECORD_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_RECORD_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/protocols/signal/error.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/protocols/signal/session.hpp>
#include <e2ekit/ratchet/error.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace e2ekit::protocols::signal {

/// libsignal-protocol-c ARCHIVED_STATES_MAX_LENGTH.
inline constexpr std::size_t max_archived_states = 40;

namespace detail {

/// A u-coordinate reduced to the one encoding of its point: X25519 ignores
/// bit 255 (RFC 7748 §5) and reads u + p as u. The base key sits outside
/// every MAC, so a replayed PreKeySignalMessage whose base key is another
/// encoding of the same point must still find its session (and be
/// refused as a duplicate there), not build a second one from the same
/// DH outputs. libsignal-protocol-c compares the bytes as they came.
inline public_key canonical_u(public_key k) noexcept {
    k[31] &= 0x7f;
    bool at_least_p = k[31] == 0x7f && k[0] >= 0xed;
    for (std::size_t i = 1; i < 31; ++i)
        at_least_p = at_least_p && k[i] == 0xff;
    if (at_least_p) { // u - p, for u in p .. 2^255 - 1
        k[0] = static_cast<byte>(k[0] - 0xed);
        for (std::size_t i = 1; i < 32; ++i)
            k[i] = 0;
    }
    return k;
}

inline bool same_point(const public_key& a, const public_key& b) noexcept {
    return canonical_u(a) == canonical_u(b);
}

} // namespace detail

struct session_record {
    std::optional<session_state> current;
    /// Newest first, at most max_archived_states. Never changed in place:
    /// records share them.
    std::vector<std::shared_ptr<const session_state>> archived;

    session_record clone() const {
        session_record r;
        if (current) r.current = current->clone();
        r.archived = archived;
        return r;
    }

    /// The state, current or archived, that a base key names (any encoding
    /// of the same X25519 point).
    const session_state* find(const public_key& base_key) const noexcept {
        if (current && detail::same_point(current->base_key, base_key)) return &*current;
        for (const auto& s : archived)
            if (detail::same_point(s->base_key, base_key)) return s.get();
        return nullptr;
    }

    friend bool operator==(const session_record& a, const session_record& b) noexcept {
        if (a.current != b.current || a.archived.size() != b.archived.size()) return false;
        for (std::size_t i = 0; i < a.archived.size(); ++i)
            if (a.archived[i] != b.archived[i] && !(*a.archived[i] == *b.archived[i])) return false;
        return true;
    }
};

using record_encrypt_step = ratchet::pending<session_record, outgoing>;
using record_decrypt_step = ratchet::pending<session_record, secret_bytes>;

/// A PreKeySignalMessage's plaintext, and the one-time pre-key it used up:
/// the caller deletes that key in the same commit as the record.
struct prekey_decrypted {
    secret_bytes plaintext;
    std::optional<std::uint32_t> used_prekey_id;
};
using record_prekey_step = ratchet::pending<session_record, prekey_decrypted>;

namespace detail {

/// The record with `next` as its current state and `replaced` taken out of
/// the archive; the old current state, when it is not the one replaced,
/// goes to the front of the archive.
inline session_record promote(const session_record& r, session_state next,
                              const session_state* replaced) {
    session_record out;
    out.current = std::move(next);
    out.archived.reserve(std::min(r.archived.size() + 1, max_archived_states));
    if (r.current && replaced != &*r.current)
        out.archived.push_back(std::make_shared<const session_state>(r.current->clone()));
    for (const auto& s : r.archived) {
        if (s.get() == replaced) continue;
        if (out.archived.size() == max_archived_states) break;
        out.archived.push_back(s);
    }
    return out;
}

} // namespace detail

/// The record with `s` (a session this side just initiated) as current and
/// the old current state archived (libsignal-protocol-c
/// session_builder_process_pre_key_bundle), as a plain value.
inline session_record adopt(const session_record& r, session_state s) {
    return detail::promote(r, std::move(s), nullptr);
}

/// What adding a session this side initiated yields once committed: the
/// base key that names it on both sides.
struct initiated {
    public_key base_key{};
};
using record_initiate_step = ratchet::pending<session_record, initiated>;

/// `adopt` as a step, so that the new session is durable before its first
/// message is encrypted: commit it (with the peer's identity, when the
/// caller pins one), then encrypt.
inline record_initiate_step add_initiated(const session_record& r, session_state s) {
    const public_key base = s.base_key;
    return record_initiate_step(adopt(r, std::move(s)), initiated{base});
}

/// Encrypts with the current state.
template <random_source R>
result<record_encrypt_step> encrypt(const session_record& r, bytes_view plaintext, R& rng) {
    if (!r.current) return signal_error::no_session;
    E2EKIT_TRY(step, encrypt(*r.current, plaintext, rng));
    auto [state, out] = std::move(step).split();
    session_record next;
    next.current = std::move(state);
    next.archived = r.archived;
    return record_encrypt_step(std::move(next), std::move(out));
}

/// Decrypts a SignalMessage with the current state or, failing that, an
/// archived one, which then becomes current. A replay on a state is
/// `duplicate_message` at once (libsignal-protocol-c stops there too);
/// when no state decrypts, the current state's error is returned.
inline result<record_decrypt_step> decrypt(const session_record& r, const signal_message& m) {
    if (!r.current && r.archived.empty()) return signal_error::no_session;
    std::optional<std::error_code> first;
    const auto failed = [&](const std::error_code& e) {
        if (!first) first = e;
        return e == ratchet::ratchet_error::duplicate_message;
    };
    if (r.current) {
        auto step = decrypt(*r.current, m);
        if (step) {
            auto [state, pt] = std::move(*step).split();
            session_record next;
            next.current = std::move(state);
            next.archived = r.archived;
            return record_decrypt_step(std::move(next), std::move(pt));
        }
        if (failed(step.error())) return step.error();
    }
    for (const auto& old : r.archived) {
        auto step = decrypt(*old, m);
        if (step) {
            auto [state, pt] = std::move(*step).split();
            return record_decrypt_step(detail::promote(r, std::move(state), old.get()),
                                       std::move(pt));
        }
        if (failed(step.error())) return step.error();
    }
    return *first;
}

inline result<record_decrypt_step> decrypt(const session_record& r,
                                           bytes_view signal_message_wire) {
    E2EKIT_TRY(m, parse_signal_message(signal_message_wire));
    return decrypt(r, m);
}

namespace detail {

/// `f(m)` finds the responder keys a PreKeySignalMessage names.
template <class F>
concept prekey_lookup = std::convertible_to<std::invoke_result_t<F, const prekey_signal_message&>,
                                            result<responder_keys>>;

/// `f(id)` is the key pair held under a pre-key id, or null.
using key_pointer = const key_pair*;
template <class F>
concept key_by_id = std::convertible_to<std::invoke_result_t<F, std::uint32_t>, key_pointer>;

} // namespace detail

/// A PreKeySignalMessage (X3DH §3.4), as libsignal-protocol-c
/// session_builder_process_pre_key_signal_message: one whose base key names
/// a state of the record decrypts like a SignalMessage (the initiator
/// repeats its pre-key message until answered, and a simultaneous
/// initiation leaves it archived); any other builds a new current state
/// from the responder keys `lookup(m)` finds (a result<responder_keys>),
/// archiving the old one. Whether the sender's identity is trusted is the
/// caller's decision, before or after; the record does not compare it.
template <detail::prekey_lookup Lookup>
result<record_prekey_step> decrypt_prekey(const session_record& r, const prekey_signal_message& m,
                                          Lookup&& lookup) {
    E2EKIT_TRY(inner, parse_signal_message(m.message));
    if (r.find(m.base_key)) {
        E2EKIT_TRY(step, decrypt(r, inner));
        auto [next, pt] = std::move(step).split();
        return record_prekey_step(std::move(next), prekey_decrypted{std::move(pt), std::nullopt});
    }
    E2EKIT_TRY(keys, std::forward<Lookup>(lookup)(m));
    E2EKIT_TRY(step, accept(keys, m));
    auto [state, pt] = std::move(step).split();
    // The last-resort key serves every initiator once the one-time keys
    // run out: libsignal-protocol-c never deletes it.
    std::optional<std::uint32_t> used = m.prekey_id;
    if (used == identity_params::last_resort_prekey_id) used.reset();
    return record_prekey_step(detail::promote(r, std::move(state), nullptr),
                              prekey_decrypted{std::move(pt), used});
}

/// The same with the responder's keys found by id: `signed_prekey(id)` and
/// `one_time_prekey(id)` return the key pair held under that id, or null
/// (then `unknown_signed_prekey` / `unknown_prekey`). They are called only
/// when the message starts a new session.
template <detail::key_by_id SignedLookup, detail::key_by_id OneTimeLookup>
result<record_prekey_step>
decrypt_prekey(const session_record& r, const prekey_signal_message& m,
               const key_pair& own_identity, std::uint32_t own_registration_id,
               SignedLookup&& signed_prekey, OneTimeLookup&& one_time_prekey) {
    return decrypt_prekey(r, m, [&](const prekey_signal_message& msg) -> result<responder_keys> {
        const key_pair* spk = signed_prekey(msg.signed_prekey_id);
        if (!spk) return signal_error::unknown_signed_prekey;
        const key_pair* otk = nullptr;
        if (msg.prekey_id) {
            otk = one_time_prekey(*msg.prekey_id);
            if (!otk) return signal_error::unknown_prekey;
        }
        return responder_keys{own_identity, own_registration_id, *spk, otk};
    });
}

/// Both forms from the wire bytes of a PreKeySignalMessage.
template <detail::prekey_lookup Lookup>
result<record_prekey_step> decrypt_prekey(const session_record& r, bytes_view prekey_message_wire,
                                          Lookup&& lookup) {
    E2EKIT_TRY(m, parse_prekey_signal_message(prekey_message_wire));
    return decrypt_prekey(r, m, std::forward<Lookup>(lookup));
}

template <detail::key_by_id SignedLookup, detail::key_by_id OneTimeLookup>
result<record_prekey_step>
decrypt_prekey(const session_record& r, bytes_view prekey_message_wire,
               const key_pair& own_identity, std::uint32_t own_registration_id,
               SignedLookup&& signed_prekey, OneTimeLookup&& one_time_prekey) {
    E2EKIT_TRY(m, parse_prekey_signal_message(prekey_message_wire));
    return decrypt_prekey(r, m, own_identity, own_registration_id,
                          std::forward<SignedLookup>(signed_prekey),
                          std::forward<OneTimeLookup>(one_time_prekey));
}

// --- stored form ------------------------------------------------------------

namespace detail::record_form {

inline constexpr std::uint32_t format = 1;
inline constexpr std::string_view label = "signal_v3.record";

struct unacknowledged {
    std::optional<std::uint32_t> prekey_id;
    std::uint32_t signed_prekey_id = 0;
    byte_array<32> base_key{};
    friend constexpr auto describe(codec::tag<unacknowledged>) {
        using namespace codec;
        using M = unacknowledged;
        return fields(field<1, kind::uint32>("preKeyId", &M::prekey_id),
                      required<2, kind::uint32>("signedPreKeyId", &M::signed_prekey_id),
                      required<3, kind::bytes>("baseKey", &M::base_key));
    }
};

struct state {
    byte_array<32> local_identity{};
    byte_array<32> remote_identity{};
    std::uint32_t local_registration_id = 0;
    std::uint32_t remote_registration_id = 0;
    byte_array<32> base_key{};
    std::optional<unacknowledged> pending_prekey;
    bytes ratchet; ///< double_ratchet's own form: secret, wiped after use
    friend constexpr auto describe(codec::tag<state>) {
        using namespace codec;
        using M = state;
        return fields(required<1, kind::bytes>("localIdentity", &M::local_identity),
                      required<2, kind::bytes>("remoteIdentity", &M::remote_identity),
                      field<3, kind::uint32>("localRegistrationId", &M::local_registration_id),
                      field<4, kind::uint32>("remoteRegistrationId", &M::remote_registration_id),
                      required<5, kind::bytes>("baseKey", &M::base_key),
                      field<6, kind::message>("pendingPreKey", &M::pending_prekey),
                      required<7, kind::bytes>("ratchet", &M::ratchet));
    }
};

/// `states` counts the states that follow it (fields are written in
/// number order): protobuf has no end marker, and without the count a
/// record cut between two states would parse as a shorter one.
struct record {
    std::uint32_t format = 0;
    std::string label;
    std::uint32_t states = 0;
    std::optional<state> current;
    std::vector<state> archived;
    friend constexpr auto describe(codec::tag<record>) {
        using namespace codec;
        using M = record;
        return fields(required<1, kind::uint32>("format", &M::format),
                      required<2, kind::string>("label", &M::label),
                      required<3, kind::uint32>("states", &M::states),
                      field<4, kind::message>("current", &M::current),
                      field<5, kind::repeated<kind::message>>("archived", &M::archived));
    }
};

/// Wipes every copy of ratchet secrets the wire form holds.
struct wipe_guard {
    record& r;
    ~wipe_guard() {
        if (r.current) ct::wipe(r.current->ratchet);
        for (auto& s : r.archived)
            ct::wipe(s.ratchet);
    }
};

inline state to_wire(const session_state& s) {
    state w;
    w.local_identity = s.local_identity;
    w.remote_identity = s.remote_identity;
    w.local_registration_id = s.local_registration_id;
    w.remote_registration_id = s.remote_registration_id;
    w.base_key = s.base_key;
    if (s.unacknowledged)
        w.pending_prekey =
            unacknowledged{s.unacknowledged->prekey_id, s.unacknowledged->signed_prekey_id,
                           s.unacknowledged->base_key};
    const secret_bytes rk = double_ratchet::serialize(s.ratchet);
    w.ratchet.assign(rk.data(), rk.data() + rk.size());
    return w;
}

inline result<session_state> from_wire(const state& w) {
    // The base key a pending pre-key message carries names this state.
    if (w.pending_prekey && w.pending_prekey->base_key != w.base_key)
        return signal_error::bad_record;
    auto rk = double_ratchet::parse(w.ratchet);
    if (!rk) return signal_error::bad_record;
    session_state s;
    s.local_identity = w.local_identity;
    s.remote_identity = w.remote_identity;
    s.local_registration_id = w.local_registration_id;
    s.remote_registration_id = w.remote_registration_id;
    s.base_key = w.base_key;
    if (w.pending_prekey)
        s.unacknowledged =
            unacknowledged_prekey{w.pending_prekey->prekey_id, w.pending_prekey->signed_prekey_id,
                                  w.pending_prekey->base_key};
    s.ratchet = std::move(*rk);
    return s;
}

} // namespace detail::record_form

/// e2ekit's own versioned form of a record (protobuf, format 1). It holds
/// secrets, so it comes as secret_bytes.
inline secret_bytes serialize(const session_record& r) {
    namespace f = detail::record_form;
    f::record w;
    f::wipe_guard guard{w};
    w.format = f::format;
    w.label = std::string(f::label);
    if (r.current) w.current = f::to_wire(*r.current);
    w.archived.reserve(r.archived.size());
    for (const auto& s : r.archived)
        w.archived.push_back(f::to_wire(*s));
    w.states = static_cast<std::uint32_t>((r.current ? 1 : 0) + r.archived.size());
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

/// The inverse, strict: `bad_record` for anything malformed (a state
/// included, a count of states that does not match, more than
/// max_archived_states archived), `unsupported_record` for another format
/// or label.
inline result<session_record> parse(bytes_view stored) {
    namespace f = detail::record_form;
    auto decoded = codec::protobuf::decode<f::record>(stored);
    if (!decoded) return signal_error::bad_record;
    f::wipe_guard guard{*decoded};
    if (decoded->format != f::format || decoded->label != f::label)
        return signal_error::unsupported_record;
    const std::size_t n = (decoded->current ? 1 : 0) + decoded->archived.size();
    if (decoded->archived.size() > max_archived_states || decoded->states != n)
        return signal_error::bad_record;
    session_record r;
    if (decoded->current) {
        E2EKIT_TRY(s, f::from_wire(*decoded->current));
        r.current = std::move(s);
    }
    r.archived.reserve(decoded->archived.size());
    for (const auto& w : decoded->archived) {
        E2EKIT_TRY(s, f::from_wire(w));
        r.archived.push_back(std::make_shared<const session_state>(std::move(s)));
    }
    return r;
}

/// `parse`, by the name the first version had.
inline result<session_record> parse_record(bytes_view stored) {
    return parse(stored);
}

} // namespace e2ekit::protocols::signal

#endif
