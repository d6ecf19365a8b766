// Bodies of e2ekit/ratchet/sender_key.hpp.
#ifndef E2EKIT_RATCHET_IMPL_SENDER_KEY_HPP
#define E2EKIT_RATCHET_IMPL_SENDER_KEY_HPP

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace e2ekit::ratchet {

namespace detail::sender_key_form {

/// Format 1 of a serialised sender-key state. Field numbers are part of the
/// format: never renumber, only add.
inline constexpr std::uint32_t format = 1;

template <class WireState>
struct stored {
    std::uint32_t format = 0;
    std::string label;
    WireState chain;
    friend constexpr auto describe(codec::tag<stored>) {
        using namespace codec;
        return fields(required<1, kind::uint32>("format", &stored::format),
                      required<2, kind::string>("params", &stored::label),
                      required<3, kind::message>("state", &stored::chain));
    }
};

} // namespace detail::sender_key_form

template <sender_key_params P>
auto sender_key<P>::state::clone() const -> state {
    state s{chain.clone(), iteration, {}};
    s.skipped.reserve(skipped.size());
    for (const auto& k : skipped)
        s.skipped.push_back({k.iteration, k.seed.clone()});
    return s;
}

template <sender_key_params P>
bool sender_key<P>::state::equal(const state& a, const state& b) noexcept {
    // Iterations are public; only the keys need a constant-time compare.
    bool same = a.iteration == b.iteration && a.skipped.size() == b.skipped.size();
    same = (a.chain == b.chain) && same;
    for (std::size_t i = 0; same && i < a.skipped.size(); ++i)
        same = a.skipped[i].iteration == b.skipped[i].iteration &&
               a.skipped[i].seed == b.skipped[i].seed;
    return same;
}

template <sender_key_params P>
auto sender_key<P>::start(chain_key chain, std::uint32_t iteration) -> state {
    return {std::move(chain), iteration, {}};
}

template <sender_key_params P>
auto sender_key<P>::encrypt_step(const state& s) -> result<step> {
    if (s.iteration == std::numeric_limits<std::uint32_t>::max())
        return ratchet_error::chain_exhausted;
    chain_step cs = P::chain_kdf::step(s.chain);
    state next{std::move(cs.next), s.iteration + 1, {}};
    // A sender's own chain keeps no keys; a state that is both (a member
    // that became the sender) keeps what it had.
    next.skipped.reserve(s.skipped.size());
    for (const auto& k : s.skipped)
        next.skipped.push_back({k.iteration, k.seed.clone()});
    return step{s.iteration, message_keys::derive(cs.message), std::move(next)};
}

template <sender_key_params P>
auto sender_key<P>::decrypt_step(const state& s, std::uint32_t iteration) -> result<step> {
    if (iteration < s.iteration) {
        const auto it = std::find_if(s.skipped.begin(), s.skipped.end(),
                                     [&](const stored_key& k) { return k.iteration == iteration; });
        if (it == s.skipped.end()) return ratchet_error::duplicate_message;
        state next{s.chain.clone(), s.iteration, {}};
        next.skipped.reserve(s.skipped.size() - 1);
        for (auto k = s.skipped.begin(); k != s.skipped.end(); ++k)
            if (k != it) next.skipped.push_back({k->iteration, k->seed.clone()});
        return step{iteration, message_keys::derive(it->seed), std::move(next)};
    }
    // libsignal-protocol-c refuses `iteration - chain iteration > 2000`.
    if (iteration - s.iteration > P::max_forward) return ratchet_error::too_far_ahead;
    if (iteration == std::numeric_limits<std::uint32_t>::max())
        return ratchet_error::chain_exhausted;

    // Of the old kept keys and the `skip` new ones, only the newest
    // max_stored_keys stay (libsignal-protocol-c drops the oldest as it adds).
    const std::size_t skip = iteration - s.iteration;
    const std::size_t keep_new = std::min(skip, P::max_stored_keys);
    const std::size_t keep_old = std::min(s.skipped.size(), P::max_stored_keys - keep_new);
    state next;
    next.skipped.reserve(keep_old + keep_new);
    for (std::size_t i = s.skipped.size() - keep_old; i < s.skipped.size(); ++i)
        next.skipped.push_back({s.skipped[i].iteration, s.skipped[i].seed.clone()});
    chain_key ck = s.chain.clone();
    for (std::uint32_t i = s.iteration; i < iteration; ++i) {
        chain_step cs = P::chain_kdf::step(ck);
        if (iteration - i <= keep_new) next.skipped.push_back({i, std::move(cs.message)});
        ck = std::move(cs.next);
    }
    chain_step cs = P::chain_kdf::step(ck);
    next.chain = std::move(cs.next);
    next.iteration = iteration + 1;
    return step{iteration, message_keys::derive(cs.message), std::move(next)};
}

template <sender_key_params P>
void sender_key<P>::wire_state::wipe() noexcept {
    ct::wipe(chain);
    for (auto& k : skipped)
        ct::wipe(k.seed);
}

template <sender_key_params P>
auto sender_key<P>::to_wire(const state& s) -> wire_state {
    wire_state w;
    std::copy_n(s.chain.view().begin(), key_size, w.chain.begin());
    w.iteration = s.iteration;
    w.skipped.resize(s.skipped.size());
    for (std::size_t i = 0; i < s.skipped.size(); ++i) {
        w.skipped[i].iteration = s.skipped[i].iteration;
        std::copy_n(s.skipped[i].seed.view().begin(), key_size, w.skipped[i].seed.begin());
    }
    return w;
}

template <sender_key_params P>
auto sender_key<P>::from_wire(const wire_state& w) -> result<state> {
    if (w.skipped.size() > P::max_stored_keys) return ratchet_error::bad_state;
    for (std::size_t i = 0; i < w.skipped.size(); ++i) {
        const auto n = w.skipped[i].iteration;
        if (n >= w.iteration || (i && n <= w.skipped[i - 1].iteration))
            return ratchet_error::bad_state;
    }
    state s{chain_key(fixed_view<key_size>(w.chain)), w.iteration, {}};
    s.skipped.reserve(w.skipped.size());
    for (const auto& k : w.skipped)
        s.skipped.push_back({k.iteration, message_key(fixed_view<key_size>(k.seed))});
    return s;
}

template <sender_key_params P>
secret_bytes sender_key<P>::serialize(const state& s) {
    detail::sender_key_form::stored<wire_state> w;
    w.format = detail::sender_key_form::format;
    w.label = std::string(P::state_label);
    w.chain = to_wire(s);
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

template <sender_key_params P>
auto sender_key<P>::parse(bytes_view stored) -> result<state> {
    auto w = codec::protobuf::decode<detail::sender_key_form::stored<wire_state>>(stored);
    if (!w) return ratchet_error::bad_state;
    if (w->format != detail::sender_key_form::format || w->label != P::state_label)
        return ratchet_error::unsupported_state;
    return from_wire(w->chain);
}

} // namespace e2ekit::ratchet

#endif
