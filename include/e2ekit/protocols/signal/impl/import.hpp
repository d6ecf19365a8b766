// Bodies of e2ekit/protocols/signal/import.hpp.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_IMPL_IMPORT_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_IMPL_IMPORT_HPP

#include <algorithm>
#include <memory>
#include <utility>

namespace e2ekit::protocols::signal {

namespace detail::import {

namespace pb = codec::protobuf;

// --- reading ----------------------------------------------------------------
//
// LocalStorageProtocol.proto is read over the strict wire reader rather than
// through codec descriptions: every field stays a view into the caller's
// bytes, so no copy of a secret exists before it lands in its secret type,
// and two of its field types have no description kind (signedPreKeyId is an
// int32, timestamp a fixed64). Unknown fields are skipped, as protobuf does.

/// Calls `on(field)` for each field of `message`, in wire order.
template <class F>
result<void> each_field(bytes_view message, F&& on) {
    pb::reader r(message);
    pb::field f;
    for (;;) {
        auto more = r.next(f);
        if (!more) return import_error::malformed;
        if (!*more) return ok();
        E2EKIT_CHECK(on(f));
    }
}

/// A singular field, at most once: protobuf would keep the last, but
/// nothing libsignal-protocol-c writes repeats one.
template <class T>
result<void> once(std::optional<T>& slot, result<T> value) {
    if (!value || slot) return import_error::malformed;
    slot = std::move(*value);
    return ok();
}

/// A singular embedded message, read by `read`.
template <class T, class Read>
result<void> once_message(std::optional<T>& slot, const pb::field& f, Read read) {
    auto body = f.as_bytes();
    if (!body || slot) return import_error::malformed;
    E2EKIT_TRY(v, read(*body));
    slot = std::move(v);
    return ok();
}

/// An int32 as protobuf writes it: a negative value sign-extended to 64
/// bits (libsignal-protocol-c stores the signed pre-key id as
/// `(int32_t)signed_pre_key_id`, and reads it back with the opposite cast).
inline result<std::uint32_t> int32_bits(const pb::field& f) {
    auto v = f.as_uint64();
    if (!v || (*v > 0xFFFFFFFFu && *v < 0xFFFFFFFF80000000u)) return import_error::malformed;
    return static_cast<std::uint32_t>(*v);
}

struct message_key_view {
    std::optional<std::uint32_t> index;
    std::optional<bytes_view> cipher_key, mac_key, iv;
};

struct chain_key_view {
    std::optional<std::uint32_t> index;
    std::optional<bytes_view> key;
};

struct chain_view {
    std::optional<bytes_view> ratchet_key, ratchet_private;
    std::optional<chain_key_view> chain_key;
    std::vector<message_key_view> message_keys;
};

struct pending_prekey_view {
    std::optional<std::uint32_t> prekey_id;
    std::optional<std::uint32_t> signed_prekey_id;
    std::optional<bytes_view> base_key;
};

struct session_view {
    std::optional<std::uint32_t> version;
    std::optional<bytes_view> local_identity, remote_identity, root;
    std::optional<std::uint32_t> previous_counter;
    std::optional<chain_view> sender;
    std::vector<chain_view> receivers;
    std::optional<bytes_view> key_exchange;
    std::optional<pending_prekey_view> pending_prekey;
    std::optional<std::uint32_t> remote_registration_id, local_registration_id;
    std::optional<bool> needs_refresh;
    std::optional<bytes_view> alice_base_key;

    /// None of a session's parts: what session_state_create makes and
    /// session_record_archive_current_state leaves as current (it carries
    /// only the default version 2, counters and ids).
    bool blank() const noexcept {
        return !local_identity && !remote_identity && !root && !sender && receivers.empty() &&
               !key_exchange && !pending_prekey && !alice_base_key;
    }
};

inline result<message_key_view> read_message_key(bytes_view m) {
    message_key_view v;
    E2EKIT_CHECK(each_field(m, [&](const pb::field& f) -> result<void> {
        switch (f.number) {
        case 1: return once(v.index, f.as_uint32());
        case 2: return once(v.cipher_key, f.as_bytes());
        case 3: return once(v.mac_key, f.as_bytes());
        case 4: return once(v.iv, f.as_bytes());
        default: return ok();
        }
    }));
    return v;
}

inline result<chain_key_view> read_chain_key(bytes_view m) {
    chain_key_view v;
    E2EKIT_CHECK(each_field(m, [&](const pb::field& f) -> result<void> {
        switch (f.number) {
        case 1: return once(v.index, f.as_uint32());
        case 2: return once(v.key, f.as_bytes());
        default: return ok();
        }
    }));
    return v;
}

inline result<chain_view> read_chain(bytes_view m) {
    constexpr std::size_t max_keys = ratchet_params::limits.max_skipped_keys_per_chain;
    chain_view v;
    E2EKIT_CHECK(each_field(m, [&](const pb::field& f) -> result<void> {
        switch (f.number) {
        case 1: return once(v.ratchet_key, f.as_bytes());
        case 2: return once(v.ratchet_private, f.as_bytes());
        case 3: return once_message(v.chain_key, f, read_chain_key);
        case 4: {
            auto body = f.as_bytes();
            if (!body) return import_error::malformed;
            if (v.message_keys.size() == max_keys) return import_error::limit_exceeded;
            E2EKIT_TRY(k, read_message_key(*body));
            v.message_keys.push_back(k);
            return ok();
        }
        default: return ok();
        }
    }));
    return v;
}

inline result<pending_prekey_view> read_pending_prekey(bytes_view m) {
    pending_prekey_view v;
    E2EKIT_CHECK(each_field(m, [&](const pb::field& f) -> result<void> {
        switch (f.number) {
        case 1: return once(v.prekey_id, f.as_uint32());
        case 2: return once(v.base_key, f.as_bytes());
        case 3: return once(v.signed_prekey_id, int32_bits(f));
        default: return ok();
        }
    }));
    return v;
}

inline result<session_view> read_session(bytes_view m) {
    constexpr std::size_t max_chains = ratchet_params::limits.max_receiver_chains;
    session_view v;
    E2EKIT_CHECK(each_field(m, [&](const pb::field& f) -> result<void> {
        switch (f.number) {
        case 1: return once(v.version, f.as_uint32());
        case 2: return once(v.local_identity, f.as_bytes());
        case 3: return once(v.remote_identity, f.as_bytes());
        case 4: return once(v.root, f.as_bytes());
        case 5: return once(v.previous_counter, f.as_uint32());
        case 6: return once_message(v.sender, f, read_chain);
        case 7: {
            auto body = f.as_bytes();
            if (!body) return import_error::malformed;
            if (v.receivers.size() == max_chains) return import_error::limit_exceeded;
            E2EKIT_TRY(c, read_chain(*body));
            v.receivers.push_back(std::move(c));
            return ok();
        }
        case 8: return once(v.key_exchange, f.as_bytes());
        case 9: return once_message(v.pending_prekey, f, read_pending_prekey);
        case 10: return once(v.remote_registration_id, f.as_uint32());
        case 11: return once(v.local_registration_id, f.as_uint32());
        case 12: return once(v.needs_refresh, f.as_bool());
        case 13: return once(v.alice_base_key, f.as_bytes());
        default: return ok();
        }
    }));
    return v;
}

// --- mapping ------------------------------------------------------------------

/// 0x05 ‖ u (libsignal-protocol-c curve_decode_point).
inline result<public_key> public_of(const std::optional<bytes_view>& v) {
    if (!v) return import_error::missing_field;
    if (v->size() != key_encoding::encoded_size) return import_error::bad_size;
    auto k = key_encoding::decode(*v);
    if (!k) return import_error::invalid_key;
    return *k;
}

/// Exactly S's size, straight into S.
template <class S>
result<S> secret_of(const std::optional<bytes_view>& v) {
    if (!v) return import_error::missing_field;
    if (v->size() != S::extent) return import_error::bad_size;
    return S(fixed_view<S::extent>(v->data(), S::extent));
}

/// A key pair whose private key must give its public key.
inline result<key_pair> key_pair_of(const std::optional<bytes_view>& pub,
                                    const std::optional<bytes_view>& priv) {
    E2EKIT_TRY(p, public_of(pub));
    E2EKIT_TRY(k, secret_of<crypto::x25519::private_key>(priv));
    crypto::x25519::clamp(k.mutable_view());
    if (!equal_public(crypto::x25519::public_from_private(k), p)) return import_error::key_mismatch;
    return key_pair{std::move(k), p};
}

/// A chain key and the index of the next message key it derives.
struct indexed_chain_key {
    ratchet::chain_key key;
    std::uint32_t index = 0;
};

inline result<indexed_chain_key> chain_key_of(const std::optional<chain_key_view>& c) {
    if (!c || !c->index) return import_error::missing_field;
    E2EKIT_TRY(key, secret_of<ratchet::chain_key>(c->key));
    return indexed_chain_key{std::move(key), *c->index};
}

/// libsignal-protocol-c's ratchet_message_keys, in e2ekit's expanded
/// order (cipher key ‖ MAC key ‖ IV, the order HKDF yields them).
inline result<double_ratchet::message_keys> message_keys_of(const message_key_view& m) {
    using mk = double_ratchet::message_keys;
    if (!m.index || !m.cipher_key || !m.mac_key || !m.iv) return import_error::missing_field;
    if (m.cipher_key->size() != mk::cipher_key_size || m.mac_key->size() != mk::mac_key_size ||
        m.iv->size() != mk::iv_size)
        return import_error::bad_size;
    secret<mk::size> joined;
    auto out = joined.mutable_view();
    std::copy(m.cipher_key->begin(), m.cipher_key->end(), out.begin());
    std::copy(m.mac_key->begin(), m.mac_key->end(), out.begin() + mk::cipher_key_size);
    std::copy(m.iv->begin(), m.iv->end(), out.begin() + mk::cipher_key_size + mk::mac_key_size);
    return mk(joined.view());
}

inline result<double_ratchet::receiver_chain> receiver_of(const chain_view& c) {
    // A receiver chain holds the peer's public ratchet key only.
    if (c.ratchet_private) return import_error::inconsistent;
    E2EKIT_TRY(ratchet_key, public_of(c.ratchet_key));
    E2EKIT_TRY(ck, chain_key_of(c.chain_key));
    double_ratchet::receiver_chain out{ratchet_key, std::move(ck.key), ck.index, {}};
    out.skipped.reserve(c.message_keys.size());
    for (const auto& m : c.message_keys) {
        E2EKIT_TRY(keys, message_keys_of(m));
        // libsignal-protocol-c appends keys as it skips ahead and takes them
        // out as they are used: ascending, all below the chain's index.
        if (*m.index >= out.index || (!out.skipped.empty() && *m.index <= out.skipped.back().index))
            return import_error::inconsistent;
        out.skipped.push_back({*m.index, std::move(keys)});
    }
    return out;
}

inline result<session_state> state_of(const session_view& v) {
    if (!v.version) return import_error::missing_field;
    if (*v.version != wire::version) return import_error::unsupported_version;
    if (v.key_exchange) return import_error::unsupported_state;
    E2EKIT_TRY(local_identity, public_of(v.local_identity));
    E2EKIT_TRY(remote_identity, public_of(v.remote_identity));
    E2EKIT_TRY(base_key, public_of(v.alice_base_key));
    E2EKIT_TRY(root, secret_of<ratchet::root_key>(v.root));

    // libsignal-protocol-c always has a sender chain: the initiator draws
    // it at once (ratcheting_session_alice_initialize), the responder's is
    // on its signed pre-key, and each new ratchet key of the peer draws the
    // next one on receipt. That is the sending chain of the lazy form.
    if (!v.sender) return import_error::missing_field;
    if (!v.sender->message_keys.empty()) return import_error::inconsistent;
    E2EKIT_TRY(ours, key_pair_of(v.sender->ratchet_key, v.sender->ratchet_private));
    E2EKIT_TRY(sending, chain_key_of(v.sender->chain_key));

    double_ratchet::state r;
    r.root = std::move(root);
    r.ratchet_key = std::move(ours);
    r.sending = double_ratchet::sending_chain{std::move(sending.key), sending.index};
    r.previous_counter = v.previous_counter.value_or(0);
    r.receivers.reserve(v.receivers.size());
    for (const auto& c : v.receivers) {
        E2EKIT_TRY(chain, receiver_of(c));
        for (const auto& earlier : r.receivers)
            if (equal_public(earlier.ratchet_key, chain.ratchet_key))
                return import_error::inconsistent;
        r.receivers.push_back(std::move(chain));
    }

    session_state s;
    if (v.pending_prekey) {
        const auto& p = *v.pending_prekey;
        if (!p.signed_prekey_id) return import_error::missing_field;
        E2EKIT_TRY(pending_base, public_of(p.base_key));
        // The base key the repeated pre-key message carries names this state.
        if (!equal_public(pending_base, base_key)) return import_error::inconsistent;
        s.unacknowledged = unacknowledged_prekey{p.prekey_id, *p.signed_prekey_id, pending_base};
    }
    s.local_identity = local_identity;
    s.remote_identity = remote_identity;
    s.local_registration_id = v.local_registration_id.value_or(0);
    s.remote_registration_id = v.remote_registration_id.value_or(0);
    s.base_key = base_key;
    s.ratchet = std::move(r);
    return s;
}

} // namespace detail::import

inline result<session_record> import_session_record(bytes_view serialized) {
    namespace d = detail::import;
    std::optional<bytes_view> current;
    std::vector<bytes_view> previous;
    E2EKIT_CHECK(d::each_field(serialized, [&](const codec::protobuf::field& f) -> result<void> {
        switch (f.number) {
        case 1: return d::once(current, f.as_bytes());
        case 2: {
            auto body = f.as_bytes();
            if (!body) return import_error::malformed;
            if (previous.size() == max_archived_states) return import_error::limit_exceeded;
            previous.push_back(*body);
            return ok();
        }
        default: return ok();
        }
    }));
    session_record r;
    if (current) {
        E2EKIT_TRY(v, d::read_session(*current));
        if (!v.blank()) {
            E2EKIT_TRY(s, d::state_of(v));
            r.current = std::move(s);
        }
    }
    r.archived.reserve(previous.size());
    for (const bytes_view p : previous) {
        E2EKIT_TRY(v, d::read_session(p));
        if (v.blank()) continue; // nothing to decrypt with
        E2EKIT_TRY(s, d::state_of(v));
        r.archived.push_back(std::make_shared<const session_state>(std::move(s)));
    }
    return r;
}

inline result<session_state> import_session_state(bytes_view serialized) {
    E2EKIT_TRY(v, detail::import::read_session(serialized));
    if (v.blank()) return import_error::missing_field;
    return detail::import::state_of(v);
}

inline result<identity::one_time_prekey<x3dh_params>> import_prekey(bytes_view serialized) {
    namespace d = detail::import;
    std::optional<std::uint32_t> id;
    std::optional<bytes_view> pub, priv;
    E2EKIT_CHECK(d::each_field(serialized, [&](const codec::protobuf::field& f) -> result<void> {
        switch (f.number) {
        case 1: return d::once(id, f.as_uint32());
        case 2: return d::once(pub, f.as_bytes());
        case 3: return d::once(priv, f.as_bytes());
        default: return ok();
        }
    }));
    if (!id) return import_error::missing_field;
    E2EKIT_TRY(keys, d::key_pair_of(pub, priv));
    return identity::one_time_prekey<x3dh_params>{*id, std::move(keys)};
}

inline result<identity::signed_prekey<x3dh_params>> import_signed_prekey(bytes_view serialized) {
    namespace d = detail::import;
    using spk = identity::signed_prekey<x3dh_params>;
    std::optional<std::uint32_t> id;
    std::optional<bytes_view> pub, priv, signature;
    std::optional<std::uint64_t> timestamp;
    E2EKIT_CHECK(d::each_field(serialized, [&](const codec::protobuf::field& f) -> result<void> {
        switch (f.number) {
        case 1: return d::once(id, f.as_uint32());
        case 2: return d::once(pub, f.as_bytes());
        case 3: return d::once(priv, f.as_bytes());
        case 4: return d::once(signature, f.as_bytes());
        case 5: return d::once(timestamp, f.as_fixed64());
        default: return ok();
        }
    }));
    if (!id || !signature) return import_error::missing_field;
    E2EKIT_TRY(keys, d::key_pair_of(pub, priv));
    spk out{*id, std::move(keys), timestamp.value_or(0), {}};
    if (signature->size() != out.signature.size()) return import_error::bad_size;
    std::copy(signature->begin(), signature->end(), out.signature.begin());
    return out;
}

inline result<key_pair> import_identity_key_pair(bytes_view serialized) {
    namespace d = detail::import;
    std::optional<bytes_view> pub, priv;
    E2EKIT_CHECK(d::each_field(serialized, [&](const codec::protobuf::field& f) -> result<void> {
        switch (f.number) {
        case 1: return d::once(pub, f.as_bytes());
        case 2: return d::once(priv, f.as_bytes());
        default: return ok();
        }
    }));
    return d::key_pair_of(pub, priv);
}

} // namespace e2ekit::protocols::signal

#endif
