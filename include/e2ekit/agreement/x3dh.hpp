// X3DH (Signal, "The X3DH Key Agreement Protocol", rev. 1, 2016) over the
// DH, KDF and signed pre-key checks of its params (concept.hpp).
//
//   DH1 = DH(IK_A, SPK_B)   DH2 = DH(EK_A, IK_B)   DH3 = DH(EK_A, SPK_B)
//   DH4 = DH(EK_A, OPK_B)   (only with a one-time pre-key)
//   root ‖ chain = KDF(F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4])              (§3.3)
//
// The initiator checks the signed pre-key's signature before any DH (§3.3)
// and reports a weak DH output as `invalid_key`. Identity keys come in the
// params' identity form (concept.hpp, `identity_key_t`) and enter the DHs
// through its map to the DH form; a key the map refuses is `invalid_key`. Key ids, registration ids
// and trust are not the agreement's business: the session keeps them.
#ifndef E2EKIT_AGREEMENT_X3DH_HPP
#define E2EKIT_AGREEMENT_X3DH_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/agreement/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <optional>
#include <utility>

namespace e2ekit::agreement {

struct agreed_root_tag;
struct agreed_chain_tag;

/// The agreement's output, before the ratchet takes it over (the session
/// re-tags them as the ratchet's root and chain key).
struct agreed_keys {
    secret<32, agreed_root_tag> root;
    secret<32, agreed_chain_tag> chain;
};

template <x3dh_params P>
struct x3dh {
    using params = P;
    using dh = typename P::dh;
    using public_key = typename dh::public_key;
    using private_key = typename dh::private_key;
    using key_pair = typename dh::key_pair;
    using signature = typename P::signature;
    /// The identity public key as bundles and first messages carry it.
    using identity_key = identity_key_t<P>;

    /// What the initiator takes from the responder's bundle.
    struct peer_bundle {
        identity_key_t<P> identity_key{};
        public_key signed_prekey{};
        signature signed_prekey_signature{};
        std::optional<public_key> one_time_prekey;
    };

    struct initiated {
        agreed_keys keys;
        public_key base_key{}; ///< EK_A, for the first message (§3.3)
    };

    /// The initiator's side (§3.3) with a fresh ephemeral key from `rng`.
    template <random_source R>
    static result<initiated> initiate(const key_pair& own_identity, const peer_bundle& b, R& rng) {
        return initiate_with(own_identity, b, dh::generate(rng));
    }

    /// The same with a given ephemeral key pair (tests, known answers).
    static result<initiated> initiate_with(const key_pair& own_identity, const peer_bundle& b,
                                           key_pair ephemeral) {
        if (!P::verify_prekey(b.identity_key, b.signed_prekey, b.signed_prekey_signature))
            return agreement_error::bad_signature;
        auto their_identity = identity_to_dh<P>(b.identity_key);
        if (!their_identity) return agreement_error::invalid_key;
        const private_key& ek = ephemeral.priv;
        const private_key* ik = &own_identity.priv;
        const public_key* opk = b.one_time_prekey ? &*b.one_time_prekey : nullptr;
        auto keys = derive({{{ik, &b.signed_prekey},
                             {&ek, &*their_identity},
                             {&ek, &b.signed_prekey},
                             {opk ? &ek : nullptr, opk}}});
        if (!keys) return keys.error();
        return initiated{std::move(*keys), ephemeral.pub};
    }

    /// The responder's side (§3.4), from the initiator's identity and base
    /// key as its first message carries them.
    static result<agreed_keys> respond(const key_pair& own_identity, const key_pair& signed_prekey,
                                       const key_pair* one_time_prekey,
                                       const identity_key& their_identity,
                                       const public_key& their_base_key) {
        auto their_dh = identity_to_dh<P>(their_identity);
        if (!their_dh) return agreement_error::invalid_key;
        return derive({{{&signed_prekey.priv, &*their_dh},
                        {&own_identity.priv, &their_base_key},
                        {&signed_prekey.priv, &their_base_key},
                        {one_time_prekey ? &one_time_prekey->priv : nullptr, &their_base_key}}});
    }

private:
    struct dh_input {
        const private_key* priv;
        const public_key* pub;
    };

    /// KDF(F ‖ DH1 ‖ ... ‖ DHn); a null private key ends the list.
    static result<agreed_keys> derive(std::array<dh_input, 4> inputs) {
        constexpr std::size_t prefix = std::size(P::kdf_prefix);
        constexpr std::size_t n = dh::shared_secret_size;
        secret<prefix + 4 * n> ikm;
        std::copy(std::begin(P::kdf_prefix), std::end(P::kdf_prefix), ikm.data());
        std::size_t used = prefix;
        for (const auto& in : inputs) {
            if (!in.priv) break;
            auto s = dh::agree(*in.priv, *in.pub);
            if (!s) return agreement_error::invalid_key; // ikm wipes itself
            std::copy(s->data(), s->data() + n, ikm.data() + used);
            used += n;
        }
        secret<64> okm;
        (void)P::kdf::derive(okm.mutable_view(), ikm.view().first(used), bytes_view(P::kdf_salt),
                             as_bytes(P::kdf_info));
        return agreed_keys{secret<32, agreed_root_tag>(okm.view().template first<32>()),
                           secret<32, agreed_chain_tag>(okm.view().template last<32>())};
    }
};

} // namespace e2ekit::agreement

#endif
