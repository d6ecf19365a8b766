// The device identity of OMEMO 2 (XEP-0384 §5.3.2): one private key that
// both agrees keys (X25519) and signs (Ed25519), published as its Ed25519
// public key. python-omemo keeps it as a 32-byte seed (it generates seeds)
// or as the private scalar itself (omemo/identity_key_pair.py); both map to
// one scalar a = clamp(SHA-512(seed)[0..32]) (libsodium's
// crypto_sign_ed25519_sk_to_curve25519, python-xeddsa's seed_to_priv).
//
// Signatures are Ed25519 signatures under A = aB with the sign bit A has:
// the OMEMO 2 form, which python-x3dh makes with libxeddsa's
// ed25519_priv_sign on a scalar that is NOT sign-forced (its
// IdentityKeyFormat.ED_25519), unlike OMEMO 0.3's XEdDSA (crypto/xeddsa.hpp,
// where A's sign bit is forced to 0). Any valid Ed25519 signature under A
// verifies there; the nonce here is r = SHA-512(prefix ‖ M) (RFC 8032
// §5.1.6) with a prefix hashed from the scalar and fresh randomness, so the
// prefix is secret and never repeats for a message, as with XEdDSA's Z.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_IDENTITY_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_IDENTITY_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>

#include <algorithm>
#include <utility>

namespace e2ekit::protocols::omemo2 {

/// An identity public key in OMEMO 2's wire form: the Ed25519 key, 32
/// bytes (twomemo's `ik`; its X25519 form is only computed for the DH).
using identity_key = crypto::ed25519::verifying_key;

namespace detail {

struct signing_prefix_tag;

/// The secret nonce prefix of one signature: SHA-512(label ‖ a ‖ Z),
/// first half, with 32 fresh bytes Z.
template <random_source R>
crypto::ed25519::expanded_key expanded_for_signing(const crypto::x25519::private_key& k, R& rng) {
    crypto::ed25519::expanded_key e;
    auto scalar = e.mutable_view().template first<32>();
    std::copy(k.view().begin(), k.view().end(), scalar.begin());
    crypto::x25519::clamp(scalar);
    const auto z = random_secret<32, signing_prefix_tag>(rng);
    secret<64, signing_prefix_tag> h;
    crypto::sha512::hash(h.mutable_view(), as_bytes("e2ekit twomemo Ed25519 nonce prefix"),
                         fixed_view<32>(scalar), z.view());
    const auto prefix = h.view().template first<32>();
    std::copy(prefix.begin(), prefix.end(), e.mutable_view().template last<32>().begin());
    return e;
}

} // namespace detail

/// An Ed25519 signature of `msg` by the private scalar `k`, verifiable
/// under ed25519_public_of(k) (python-xeddsa's ed25519_priv_sign).
template <random_source R>
crypto::ed25519::signature sign(const crypto::x25519::private_key& k, bytes_view msg, R& rng) {
    return crypto::ed25519::sign_expanded(detail::expanded_for_signing(k, rng),
                                          crypto::xeddsa::ed25519_public_from_private(k), msg);
}

/// The Ed25519 public key aB of the private scalar, its sign bit as it falls
/// (python-xeddsa's priv_to_ed25519_pub).
inline identity_key ed25519_public_of(const crypto::x25519::private_key& k) {
    return crypto::xeddsa::ed25519_public_from_private(k);
}

struct identity_key_pair {
    crypto::x25519::key_pair dh; ///< the private scalar and its X25519 public key
    identity_key ed25519{};      ///< the published key

    /// From the private scalar (python-omemo's IdentityKeyPairPriv).
    static identity_key_pair from_private(crypto::x25519::private_key k) {
        const identity_key ed = ed25519_public_of(k);
        return {crypto::x25519::from_private(std::move(k)), ed};
    }

    /// From an Ed25519 seed (python-omemo's IdentityKeyPairSeed): the
    /// scalar is the seed's clamped SHA-512 half, the public key the seed's
    /// own Ed25519 public key.
    static identity_key_pair from_seed(const crypto::ed25519::seed& s) {
        const auto e = crypto::ed25519::expand(s);
        return from_private(crypto::x25519::private_key(e.view().template first<32>()));
    }

    /// A fresh seed's pair, as python-omemo generates identities.
    template <random_source R>
    static identity_key_pair generate(R& rng) {
        return from_seed(random_secret<crypto::ed25519::seed_size, crypto::ed25519_seed_tag>(rng));
    }

    identity_key_pair clone() const {
        return {crypto::x25519::key_pair{dh.priv.clone(), dh.pub}, ed25519};
    }
};

} // namespace e2ekit::protocols::omemo2

#endif
