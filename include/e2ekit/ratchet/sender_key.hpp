// A sender-key chain: one sender's symmetric hash ratchet, shared with
// every member of a group through a distribution message (Signal's "sender
// keys", libsignal-protocol-c src/group_cipher.c). No DH: each message key
// comes from the chain key, which then moves on; a signature by the sender
// authenticates the messages.
//
// As double_ratchet.hpp, the steps are pure: they return the keys for one
// message and the state that follows; the caller commits the state before
// it uses the keys. A receiver may be up to `P::max_forward` messages
// behind; the keys it skips are kept (at most `P::max_stored_keys`, oldest
// dropped) so late messages still decrypt, once.
#ifndef E2EKIT_RATCHET_SENDER_KEY_HPP
#define E2EKIT_RATCHET_SENDER_KEY_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/error.hpp>
#include <e2ekit/ratchet/keys.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace e2ekit::ratchet {

template <sender_key_params P>
class sender_key {
public:
    using params = P;
    using message_keys = typename P::message_keys;

    /// A message key kept for a message that has not arrived yet, in its
    /// unexpanded form (as libsignal-protocol-c stores it).
    struct stored_key {
        std::uint32_t iteration = 0;
        message_key seed;
    };

    struct state {
        chain_key chain;                 ///< for message `iteration`
        std::uint32_t iteration = 0;     ///< of the next message
        std::vector<stored_key> skipped; ///< ascending iteration, oldest first

        state clone() const {
            state s{chain_key(chain.view()), iteration, {}};
            s.skipped.reserve(skipped.size());
            for (const auto& k : skipped)
                s.skipped.push_back({k.iteration, message_key(k.seed.view())});
            return s;
        }
        friend bool operator==(const state& a, const state& b) noexcept {
            if (!(a.chain == b.chain) || a.iteration != b.iteration ||
                a.skipped.size() != b.skipped.size())
                return false;
            for (std::size_t i = 0; i < a.skipped.size(); ++i)
                if (a.skipped[i].iteration != b.skipped[i].iteration ||
                    !(a.skipped[i].seed == b.skipped[i].seed))
                    return false;
            return true;
        }
    };

    struct step {
        std::uint32_t iteration = 0;
        message_keys keys;
        state next;
    };

    /// A chain starting at `iteration` (a distribution message's).
    static state start(chain_key chain, std::uint32_t iteration) {
        return {std::move(chain), iteration, {}};
    }

    /// The sender's next message.
    static result<step> encrypt_step(const state& s) {
        if (s.iteration == std::numeric_limits<std::uint32_t>::max())
            return ratchet_error::chain_exhausted;
        chain_step cs = P::chain_kdf::step(s.chain);
        state next{std::move(cs.next), s.iteration + 1, {}};
        next.skipped.reserve(s.skipped.size());
        for (const auto& k : s.skipped)
            next.skipped.push_back({k.iteration, message_key(k.seed.view())});
        return step{s.iteration, message_keys::derive(cs.message), std::move(next)};
    }

    /// The keys for a received message's iteration: a kept key (used up),
    /// or the chain advanced to it. Behind the chain with no kept key is
    /// `duplicate_message`; more than `max_forward` ahead `too_far_ahead`.
    static result<step> decrypt_step(const state& s, std::uint32_t iteration) {
        if (iteration < s.iteration) {
            const auto it =
                std::find_if(s.skipped.begin(), s.skipped.end(),
                             [&](const stored_key& k) { return k.iteration == iteration; });
            if (it == s.skipped.end()) return ratchet_error::duplicate_message;
            state next{chain_key(s.chain.view()), s.iteration, {}};
            next.skipped.reserve(s.skipped.size() - 1);
            for (const auto& k : s.skipped)
                if (&k != &*it) next.skipped.push_back({k.iteration, message_key(k.seed.view())});
            return step{iteration, message_keys::derive(it->seed), std::move(next)};
        }
        if (iteration - s.iteration > P::max_forward) return ratchet_error::too_far_ahead;
        if (iteration == std::numeric_limits<std::uint32_t>::max())
            return ratchet_error::chain_exhausted;

        const std::size_t skip = iteration - s.iteration;
        const std::size_t keep_old =
            std::min(s.skipped.size(), P::max_stored_keys - std::min(skip, P::max_stored_keys));
        state next;
        next.skipped.reserve(keep_old + std::min(skip, P::max_stored_keys));
        for (std::size_t i = s.skipped.size() - keep_old; i < s.skipped.size(); ++i)
            next.skipped.push_back({s.skipped[i].iteration, message_key(s.skipped[i].seed.view())});
        chain_key ck(s.chain.view());
        for (std::uint32_t i = s.iteration; i < iteration; ++i) {
            chain_step cs = P::chain_kdf::step(ck);
            // Only the newest max_stored_keys of the skipped keys are kept.
            if (iteration - i <= P::max_stored_keys)
                next.skipped.push_back({i, std::move(cs.message)});
            ck = std::move(cs.next);
        }
        chain_step cs = P::chain_kdf::step(ck);
        next.chain = std::move(cs.next);
        next.iteration = iteration + 1;
        return step{iteration, message_keys::derive(cs.message), std::move(next)};
    }

    // --- stored form: a described struct a protocol's record nests --------

    struct wire_key {
        std::uint32_t iteration = 0;
        byte_array<key_size> seed{};
        friend constexpr auto describe(codec::tag<wire_key>) {
            using namespace codec;
            return fields(required<1, kind::uint32>("iteration", &wire_key::iteration),
                          required<2, kind::bytes>("seed", &wire_key::seed));
        }
    };

    struct wire_state {
        byte_array<key_size> chain{};
        std::uint32_t iteration = 0;
        std::vector<wire_key> skipped;
        friend constexpr auto describe(codec::tag<wire_state>) {
            using namespace codec;
            return fields(required<1, kind::bytes>("chainKey", &wire_state::chain),
                          field<2, kind::uint32>("iteration", &wire_state::iteration),
                          field<3, kind::repeated<kind::message>>("skipped", &wire_state::skipped));
        }
        /// Its secrets are wiped with it.
        ~wire_state() {
            ct::wipe(chain);
            for (auto& k : skipped)
                ct::wipe(k.seed);
        }
        wire_state() = default;
        wire_state(const wire_state&) = default;
        wire_state(wire_state&&) noexcept = default;
        wire_state& operator=(const wire_state&) = default;
        wire_state& operator=(wire_state&&) noexcept = default;
    };

    static wire_state to_wire(const state& s) {
        wire_state w;
        std::copy_n(s.chain.view().begin(), key_size, w.chain.begin());
        w.iteration = s.iteration;
        w.skipped.reserve(s.skipped.size());
        for (const auto& k : s.skipped) {
            wire_key wk;
            wk.iteration = k.iteration;
            std::copy_n(k.seed.view().begin(), key_size, wk.seed.begin());
            w.skipped.push_back(wk);
            ct::wipe(wk.seed);
        }
        return w;
    }

    /// Strict: skipped keys ascending, behind the chain, within the bound.
    static result<state> from_wire(const wire_state& w) {
        if (w.skipped.size() > P::max_stored_keys) return ratchet_error::bad_state;
        state s{chain_key(fixed_view<key_size>(w.chain)), w.iteration, {}};
        s.skipped.reserve(w.skipped.size());
        for (std::size_t i = 0; i < w.skipped.size(); ++i) {
            const auto& k = w.skipped[i];
            if (k.iteration >= w.iteration || (i && k.iteration <= w.skipped[i - 1].iteration))
                return ratchet_error::bad_state;
            s.skipped.push_back({k.iteration, message_key(fixed_view<key_size>(k.seed))});
        }
        return s;
    }
};

} // namespace e2ekit::ratchet

#endif
