// Bodies of e2ekit/ratchet/double_ratchet.hpp.
#ifndef E2EKIT_RATCHET_IMPL_DOUBLE_RATCHET_HPP
#define E2EKIT_RATCHET_IMPL_DOUBLE_RATCHET_HPP

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace e2ekit::ratchet {

namespace detail {

/// Format 1 of a serialised state. Field numbers are part of the format:
/// never renumber, only add.
inline constexpr std::uint32_t state_format = 1;

template <std::size_t KeysSize>
struct wire_skipped {
    std::uint32_t index = 0;
    byte_array<KeysSize> keys{};
    friend constexpr auto describe(codec::tag<wire_skipped>) {
        using namespace codec;
        return fields(required<1, kind::uint32>("index", &wire_skipped::index),
                      required<2, kind::bytes>("keys", &wire_skipped::keys));
    }
};

template <std::size_t PubSize, std::size_t KeysSize>
struct wire_receiver {
    byte_array<PubSize> ratchet_key{};
    byte_array<key_size> chain_key{};
    std::uint32_t index = 0;
    std::vector<wire_skipped<KeysSize>> skipped;
    friend constexpr auto describe(codec::tag<wire_receiver>) {
        using namespace codec;
        return fields(required<1, kind::bytes>("ratchetKey", &wire_receiver::ratchet_key),
                      required<2, kind::bytes>("chainKey", &wire_receiver::chain_key),
                      required<3, kind::uint32>("index", &wire_receiver::index),
                      field<4, kind::repeated<kind::message>>("skipped", &wire_receiver::skipped));
    }
};

struct wire_sending {
    byte_array<key_size> chain_key{};
    std::uint32_t index = 0;
    friend constexpr auto describe(codec::tag<wire_sending>) {
        using namespace codec;
        return fields(required<1, kind::bytes>("chainKey", &wire_sending::chain_key),
                      required<2, kind::uint32>("index", &wire_sending::index));
    }
};

template <std::size_t PrivSize, std::size_t PubSize, std::size_t KeysSize>
struct wire_state {
    std::uint32_t format = 0;
    std::string label;
    byte_array<key_size> root{};
    std::optional<byte_array<PrivSize>> ratchet_private;
    std::optional<byte_array<PubSize>> ratchet_public;
    std::optional<wire_sending> sending;
    std::uint32_t previous_counter = 0;
    std::vector<wire_receiver<PubSize, KeysSize>> receivers;

    friend constexpr auto describe(codec::tag<wire_state>) {
        using namespace codec;
        return fields(required<1, kind::uint32>("format", &wire_state::format),
                      required<2, kind::string>("params", &wire_state::label),
                      required<3, kind::bytes>("root", &wire_state::root),
                      field<4, kind::bytes>("ratchetPrivate", &wire_state::ratchet_private),
                      field<5, kind::bytes>("ratchetPublic", &wire_state::ratchet_public),
                      field<6, kind::message>("sending", &wire_state::sending),
                      field<7, kind::uint32>("previousCounter", &wire_state::previous_counter),
                      field<8, kind::repeated<kind::message>>("receivers", &wire_state::receivers));
    }

    /// The secrets this form held, wiped before it is dropped.
    void wipe() noexcept {
        ct::wipe(root);
        if (ratchet_private) ct::wipe(*ratchet_private);
        if (sending) ct::wipe(sending->chain_key);
        for (auto& r : receivers) {
            ct::wipe(r.chain_key);
            for (auto& k : r.skipped)
                ct::wipe(k.keys);
        }
    }
};

/// Wipes a wire state however the scope is left.
template <class W>
struct wipe_guard {
    W& w;
    ~wipe_guard() { w.wipe(); }
};

template <std::size_t N>
byte_array<N> copy_out(fixed_view<N> v) noexcept {
    byte_array<N> a;
    std::copy(v.begin(), v.end(), a.begin());
    return a;
}

} // namespace detail

template <double_ratchet_params P>
auto double_ratchet<P>::state::clone() const -> state {
    state s;
    s.root = root.clone();
    if (ratchet_key) s.ratchet_key = key_pair{ratchet_key->priv.clone(), ratchet_key->pub};
    if (sending) s.sending = sending_chain{sending->key.clone(), sending->index};
    s.previous_counter = previous_counter;
    s.receivers = receivers;
    return s;
}

template <double_ratchet_params P>
bool double_ratchet<P>::state::equal(const state& a, const state& b) noexcept {
    bool same = a.root == b.root && a.ratchet_key.has_value() == b.ratchet_key.has_value() &&
                a.sending.has_value() == b.sending.has_value() &&
                a.previous_counter == b.previous_counter &&
                a.receivers.size() == b.receivers.size();
    if (!same) return false;
    if (a.ratchet_key)
        same =
            a.ratchet_key->priv == b.ratchet_key->priv && a.ratchet_key->pub == b.ratchet_key->pub;
    if (a.sending)
        same = same && a.sending->key == b.sending->key && a.sending->index == b.sending->index;
    if (a.receivers.shares(b.receivers)) return same;
    for (std::size_t i = 0; same && i < a.receivers.size(); ++i) {
        const auto& x = a.receivers[i];
        const auto& y = b.receivers[i];
        same = x.ratchet_key == y.ratchet_key && x.key == y.key && x.index == y.index &&
               x.skipped.size() == y.skipped.size();
        if (x.skipped.shares(y.skipped)) continue;
        for (std::size_t j = 0; same && j < x.skipped.size(); ++j)
            same = x.skipped[j].index == y.skipped[j].index &&
                   ct::equal(x.skipped[j].keys.view(), y.skipped[j].keys.view());
    }
    return same;
}

template <double_ratchet_params P>
auto double_ratchet<P>::start_sending(root_key root, chain_key chain, key_pair ours) -> state {
    state s;
    s.root = std::move(root);
    s.ratchet_key = std::move(ours);
    s.sending = sending_chain{std::move(chain), 0};
    return s;
}

template <double_ratchet_params P>
auto double_ratchet<P>::start_receiving(root_key root, chain_key chain, const public_key& theirs)
    -> state {
    state s;
    s.root = std::move(root);
    s.receivers.push_back(receiver_chain{theirs, std::move(chain), 0, {}});
    return s;
}

template <double_ratchet_params P>
template <random_source R>
auto double_ratchet<P>::start_initiator(root_key sk, const public_key& theirs, R& rng)
    -> result<state> {
    key_pair fresh = dh::generate(rng);
    auto shared = dh::agree(fresh.priv, theirs);
    if (!shared) return ratchet_error::invalid_ratchet_key;
    root_step rs = P::root_kdf::step(sk, shared->view());
    state s;
    s.root = std::move(rs.root);
    s.ratchet_key = std::move(fresh);
    s.sending = sending_chain{std::move(rs.chain), 0};
    return s;
}

template <double_ratchet_params P>
auto double_ratchet<P>::start_responder(root_key sk, key_pair ours) -> state {
    state s;
    s.root = std::move(sk);
    s.ratchet_key = std::move(ours);
    return s;
}

template <double_ratchet_params P>
template <random_source R>
auto double_ratchet<P>::encrypt_step(const state& s, R& rng) -> result<encrypted> {
    state next = s.clone();
    if (!next.sending) {
        // §3.5 DHRatchet, second half: a fresh pair against the newest
        // ratchet key of the peer.
        if (next.receivers.empty()) return ratchet_error::bad_state;
        key_pair fresh = dh::generate(rng);
        auto shared = dh::agree(fresh.priv, next.receivers.back().ratchet_key);
        if (!shared) return ratchet_error::invalid_ratchet_key;
        root_step rs = P::root_kdf::step(next.root, shared->view());
        next.root = std::move(rs.root);
        next.ratchet_key = std::move(fresh);
        next.sending = sending_chain{std::move(rs.chain), 0};
    }
    auto& chain = *next.sending;
    if (chain.index == std::numeric_limits<std::uint32_t>::max())
        return ratchet_error::chain_exhausted;
    chain_step cs = P::chain_kdf::step(chain.key);
    header h{next.ratchet_key->pub, chain.index, next.previous_counter};
    chain.key = std::move(cs.next);
    ++chain.index;
    return encrypted{h, message_keys::derive(cs.message), std::move(next)};
}

template <double_ratchet_params P>
auto double_ratchet<P>::decrypt_step(const state& s, const header& h) -> result<decrypted> {
    constexpr limits lim = P::limits;
    const auto known = std::find_if(s.receivers.begin(), s.receivers.end(), [&](const auto& c) {
        return equal_public(c.ratchet_key, h.ratchet_key);
    });
    // Refuse what cannot succeed before any work.
    if (known == s.receivers.end()) {
        if (!s.ratchet_key) return ratchet_error::no_sending_key;
        if (h.counter > lim.max_skip) return ratchet_error::too_far_ahead;
    } else if (h.counter < known->index) {
        const auto hit = std::find_if(known->skipped.begin(), known->skipped.end(),
                                      [&](const auto& k) { return k.index == h.counter; });
        if (hit == known->skipped.end()) return ratchet_error::duplicate_message;
    } else if (h.counter - known->index > lim.max_skip) {
        return ratchet_error::too_far_ahead;
    }
    if (h.counter == std::numeric_limits<std::uint32_t>::max())
        return ratchet_error::chain_exhausted;

    // The next state shares what this step leaves alone (shared_vector).
    state next = s.clone();
    std::size_t at = static_cast<std::size_t>(known - s.receivers.begin());
    if (known == s.receivers.end()) {
        // §3.5 DHRatchet, first half: the receiving chain of the new key.
        auto shared = dh::agree(next.ratchet_key->priv, h.ratchet_key);
        if (!shared) return ratchet_error::invalid_ratchet_key;
        root_step rs = P::root_kdf::step(next.root, shared->view());
        next.root = std::move(rs.root);
        std::uint32_t pn = 0;
        if (next.sending) {
            const std::uint32_t sent = next.sending->index;
            pn = P::previous_counter == previous_counter_rule::count ? sent
                                                                     : (sent > 0 ? sent - 1 : 0);
        }
        next.previous_counter = pn;
        next.sending.reset();
        // The oldest chains go before the list is copied, not after.
        if (next.receivers.size() >= lim.max_receiver_chains)
            next.receivers.erase_front(next.receivers.size() + 1 - lim.max_receiver_chains);
        next.receivers.push_back(receiver_chain{h.ratchet_key, std::move(rs.chain), 0, {}});
        at = next.receivers.size() - 1;
    }
    receiver_chain& chain = next.receivers.edit()[at];

    if (h.counter < chain.index) {
        // A skipped key: used once, then gone from the next state.
        std::size_t i = 0;
        while (chain.skipped[i].index != h.counter)
            ++i;
        message_keys keys = chain.skipped[i].keys.clone();
        chain.skipped.erase_at(i);
        return decrypted{std::move(keys), std::move(next)};
    }
    // §3.5 SkipMessageKeys, bounded per chain as libsignal-protocol-c bounds
    // it: of the stored keys and the `gap` new ones, the newest
    // max_skipped_keys_per_chain stay, so older ones are neither copied nor
    // derived.
    const std::size_t gap = h.counter - chain.index;
    if (gap > 0) {
        const std::size_t keep_new = std::min(gap, lim.max_skipped_keys_per_chain);
        const std::size_t keep_old =
            std::min(chain.skipped.size(), lim.max_skipped_keys_per_chain - keep_new);
        chain.skipped.erase_front(chain.skipped.size() - keep_old);
        auto& stored = chain.skipped.edit();
        stored.reserve(keep_old + keep_new);
        const std::uint32_t first_kept = h.counter - static_cast<std::uint32_t>(keep_new);
        while (chain.index < h.counter) {
            chain_step cs = P::chain_kdf::step(chain.key);
            if (chain.index >= first_kept)
                stored.push_back({chain.index, message_keys::derive(cs.message)});
            chain.key = std::move(cs.next);
            ++chain.index;
        }
    }
    chain_step cs = P::chain_kdf::step(chain.key);
    chain.key = std::move(cs.next);
    ++chain.index;
    return decrypted{message_keys::derive(cs.message), std::move(next)};
}

template <double_ratchet_params P>
secret_bytes double_ratchet<P>::serialize(const state& s) {
    using wire = detail::wire_state<dh::private_key_size, dh::public_key_size, message_keys::size>;
    wire w;
    detail::wipe_guard<wire> guard{w};
    w.format = detail::state_format;
    w.label = std::string(P::state_label);
    w.root = detail::copy_out(s.root.view());
    if (s.ratchet_key) {
        w.ratchet_private = detail::copy_out(s.ratchet_key->priv.view());
        w.ratchet_public = s.ratchet_key->pub;
    }
    if (s.sending)
        w.sending = detail::wire_sending{detail::copy_out(s.sending->key.view()), s.sending->index};
    w.previous_counter = s.previous_counter;
    w.receivers.reserve(s.receivers.size());
    for (const auto& r : s.receivers) {
        typename decltype(w.receivers)::value_type c;
        c.ratchet_key = r.ratchet_key;
        c.chain_key = detail::copy_out(r.key.view());
        c.index = r.index;
        c.skipped.reserve(r.skipped.size());
        for (const auto& k : r.skipped)
            c.skipped.push_back({k.index, detail::copy_out(k.keys.view())});
        w.receivers.push_back(std::move(c));
    }
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

template <double_ratchet_params P>
auto double_ratchet<P>::parse(bytes_view stored) -> result<state> {
    using wire = detail::wire_state<dh::private_key_size, dh::public_key_size, message_keys::size>;
    constexpr limits lim = P::limits;
    auto decoded = codec::protobuf::decode<wire>(stored);
    if (!decoded) return ratchet_error::bad_state;
    wire& w = *decoded;
    detail::wipe_guard<wire> guard{w};
    if (w.format != detail::state_format || w.label != P::state_label)
        return ratchet_error::unsupported_state;
    // Invariants a state made by the steps above always keeps.
    if (w.ratchet_private.has_value() != w.ratchet_public.has_value() ||
        (w.sending && !w.ratchet_private) || (!w.ratchet_private && w.receivers.empty()) ||
        w.receivers.size() > lim.max_receiver_chains)
        return ratchet_error::bad_state;
    for (const auto& r : w.receivers) {
        if (r.skipped.size() > lim.max_skipped_keys_per_chain) return ratchet_error::bad_state;
        std::uint32_t after = 0;
        bool first = true;
        for (const auto& k : r.skipped) {
            if (k.index >= r.index || (!first && k.index <= after)) return ratchet_error::bad_state;
            after = k.index;
            first = false;
        }
    }

    state s;
    s.root = root_key(w.root);
    if (w.ratchet_private)
        s.ratchet_key = key_pair{typename dh::private_key(*w.ratchet_private), *w.ratchet_public};
    if (w.sending) s.sending = sending_chain{chain_key(w.sending->chain_key), w.sending->index};
    s.previous_counter = w.previous_counter;
    std::vector<receiver_chain> receivers;
    receivers.reserve(w.receivers.size());
    for (const auto& r : w.receivers) {
        std::vector<skipped_key> skipped;
        skipped.reserve(r.skipped.size());
        for (const auto& k : r.skipped)
            skipped.push_back({k.index, message_keys(fixed_view<message_keys::size>(k.keys))});
        receivers.push_back({r.ratchet_key, chain_key(r.chain_key), r.index,
                             shared_vector<skipped_key>(std::move(skipped))});
    }
    s.receivers = shared_vector<receiver_chain>(std::move(receivers));
    return s;
}

} // namespace e2ekit::ratchet

#endif
