// Olm's triple Diffie-Hellman (libolm docs/olm.md "Initial setup"), over
// the DH and KDF of its params (triple_dh_concept.hpp). Alice (initiator)
// has identity key I_A and a fresh base key E_A; Bob (responder) has
// identity key I_B and a published one-time (or fallback) key E_B:
//
//   S = ECDH(I_A, E_B) ‖ ECDH(E_A, I_B) ‖ ECDH(E_A, E_B)
//   root ‖ chain = HKDF(salt, S, info, 64)
//
// Unlike X3DH there is no signed pre-key and no fourth DH: the one-time
// key's signature is checked by whoever fetched it (Matrix signs it with
// the device's Ed25519 key), not by the agreement. A DH output that is
// all zero (a small-order peer key) is `invalid_key`, as vodozemac refuses
// it; libolm would go on with it.
#ifndef E2EKIT_AGREEMENT_TRIPLE_DH_HPP
#define E2EKIT_AGREEMENT_TRIPLE_DH_HPP

#include <e2ekit/agreement/error.hpp>
#include <e2ekit/agreement/triple_dh_concept.hpp>
#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace e2ekit::agreement {

template <triple_dh_params P>
struct triple_dh {
    using params = P;
    using dh = typename P::dh;
    using public_key = typename dh::public_key;
    using private_key = typename dh::private_key;
    using key_pair = typename dh::key_pair;

    /// What the initiator takes from the responder's published keys.
    struct peer_bundle {
        public_key identity_key{};
        public_key one_time_key{}; ///< a one-time key or the fallback key
    };

    struct initiated {
        agreed_keys keys;
        public_key base_key{}; ///< E_A, carried by every pre-key message
    };

    /// The initiator's side with a fresh base key from `rng`.
    template <random_source R>
    static result<initiated> initiate(const key_pair& own_identity, const peer_bundle& b, R& rng) {
        return initiate_with(own_identity, b, dh::generate(rng));
    }

    /// The same with a given base key pair (tests, known answers).
    static result<initiated> initiate_with(const key_pair& own_identity, const peer_bundle& b,
                                           const key_pair& base) {
        auto keys = derive({{{&own_identity.priv, &b.one_time_key},
                             {&base.priv, &b.identity_key},
                             {&base.priv, &b.one_time_key}}});
        if (!keys) return keys.error();
        return initiated{std::move(*keys), base.pub};
    }

    /// The responder's side, from the initiator's identity and base key as
    /// its pre-key message carries them.
    static result<agreed_keys> respond(const key_pair& own_identity, const key_pair& one_time_key,
                                       const public_key& their_identity,
                                       const public_key& their_base_key) {
        return derive({{{&one_time_key.priv, &their_identity},
                        {&own_identity.priv, &their_base_key},
                        {&one_time_key.priv, &their_base_key}}});
    }

private:
    struct dh_input {
        const private_key* priv;
        const public_key* pub;
    };

    static result<agreed_keys> derive(std::array<dh_input, 3> inputs) {
        constexpr std::size_t n = dh::shared_secret_size;
        secret<3 * n> ikm;
        std::size_t used = 0;
        for (const auto& in : inputs) {
            auto s = dh::agree(*in.priv, *in.pub);
            if (!s) return agreement_error::invalid_key; // ikm wipes itself
            std::copy(s->data(), s->data() + n, ikm.data() + used);
            used += n;
        }
        secret<64> okm;
        (void)P::kdf::derive(okm.mutable_view(), ikm.view(), bytes_view(P::kdf_salt),
                             as_bytes(P::kdf_info));
        return agreed_keys{secret<32, agreed_root_tag>(okm.view().template first<32>()),
                           secret<32, agreed_chain_tag>(okm.view().template last<32>())};
    }
};

} // namespace e2ekit::agreement

#endif
