// A device's long-term and medium-term keys for an X3DH-based protocol
// (X3DH §2.5, §3.2): its identity key pair, its signed pre-keys, its
// one-time pre-keys and its registration id. Signatures come from the
// protocol's X3DH params, so the same types serve Signal and OMEMO.
#ifndef E2EKIT_IDENTITY_PREKEYS_HPP
#define E2EKIT_IDENTITY_PREKEYS_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>

#include <cstdint>
#include <vector>

namespace e2ekit::identity {

template <agreement::x3dh_params P>
using identity_key_pair = typename P::dh::key_pair;

/// A registration id drawn uniformly from 1 .. max (Signal: 16380).
template <random_source R>
std::uint32_t generate_registration_id(R& rng, std::uint32_t max) {
    return 1 + random_below(rng, max);
}

/// A medium-term pre-key signed by the identity key (X3DH §2.5).
template <agreement::x3dh_params P>
struct signed_prekey {
    using key_pair = typename P::dh::key_pair;
    using public_key = typename P::dh::public_key;

    std::uint32_t id = 0;
    key_pair keys;
    std::uint64_t timestamp = 0; ///< milliseconds since the epoch, as Signal stores it
    typename P::signature signature{};

    template <random_source R>
    static signed_prekey generate(const key_pair& identity, std::uint32_t id,
                                  std::uint64_t timestamp, R& rng) {
        signed_prekey s{id, P::dh::generate(rng), timestamp, {}};
        s.signature = P::sign_prekey(identity.priv, s.keys.pub, rng);
        return s;
    }

    /// Whether `identity_key` signed this pre-key.
    result<void> verify(const public_key& identity_key) const {
        return P::verify_prekey(identity_key, keys.pub, signature);
    }
};

/// A one-time pre-key (X3DH §2.5).
template <agreement::x3dh_params P>
struct one_time_prekey {
    std::uint32_t id = 0;
    typename P::dh::key_pair keys;

    /// `count` keys with ids start, start + 1, ...
    template <random_source R>
    static std::vector<one_time_prekey> generate(std::uint32_t start, std::uint32_t count, R& rng) {
        std::vector<one_time_prekey> out;
        out.reserve(count);
        for (std::uint32_t i = 0; i < count; ++i)
            out.push_back({start + i, P::dh::generate(rng)});
        return out;
    }
};

} // namespace e2ekit::identity

#endif
