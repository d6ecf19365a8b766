// Ed25519 (RFC 8032 §5.1) over libsodium. Verification is libsodium 1.0.18's
// strict one: s must be canonical (s < L), R and A must not be of small
// order and A must be canonically encoded, which is what vodozemac and
// Wycheproof's ed25519_test.json expect (signature malleability rejected).
#ifndef E2EKIT_CRYPTO_ED25519_HPP
#define E2EKIT_CRYPTO_ED25519_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/signature.hpp>
#include <e2ekit/crypto/error.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace e2ekit::crypto {

struct ed25519_seed_tag;
struct ed25519_signing_key_tag;

struct ed25519 {
    using signature_concept = signature_tag;
    static constexpr std::size_t seed_size = crypto_sign_ed25519_SEEDBYTES;
    static constexpr std::size_t verifying_key_size = crypto_sign_ed25519_PUBLICKEYBYTES;
    static constexpr std::size_t signature_size = crypto_sign_ed25519_BYTES;
    /// The 32-byte private key of RFC 8032 §5.1.5.
    using seed = secret<seed_size, ed25519_seed_tag>;
    /// libsodium's form: the seed followed by the public key, so that
    /// signing does not recompute the public key.
    using signing_key = secret<crypto_sign_ed25519_SECRETKEYBYTES, ed25519_signing_key_tag>;
    using verifying_key = byte_array<verifying_key_size>;
    using signature = byte_array<signature_size>;

    struct key_pair {
        signing_key priv;
        verifying_key pub;
    };

    template <random_source R>
    static key_pair generate(R& rng) {
        return from_seed(random_secret<seed_size, ed25519_seed_tag>(rng));
    }

    static key_pair from_seed(const seed& s) {
        e2ekit::detail::ensure_sodium();
        key_pair kp;
        crypto_sign_ed25519_seed_keypair(kp.pub.data(), kp.priv.data(), s.data());
        return kp;
    }

    static verifying_key public_from_seed(const seed& s) { return from_seed(s).pub; }

    /// The public half stored in the signing key.
    static verifying_key public_from_private(const signing_key& k) noexcept {
        verifying_key pub;
        std::copy_n(k.data() + seed_size, verifying_key_size, pub.begin());
        return pub;
    }

    static seed seed_of(const signing_key& k) noexcept {
        return seed(fixed_view<seed_size>(k.data(), seed_size));
    }

    /// A deterministic signature (RFC 8032 §5.1.6).
    static signature sign(const signing_key& k, bytes_view msg) {
        e2ekit::detail::ensure_sodium();
        signature sig;
        crypto_sign_ed25519_detached(sig.data(), nullptr, msg.data(), msg.size(), k.data());
        return sig;
    }

    /// RFC 8032 §5.1.7 with libsodium's strict checks; a signature of any
    /// other length than 64 bytes is rejected like a wrong one.
    static result<void> verify(fixed_view<verifying_key_size> pub, bytes_view msg, bytes_view sig) {
        e2ekit::detail::ensure_sodium();
        if (sig.size() != signature_size ||
            crypto_sign_ed25519_verify_detached(sig.data(), msg.data(), msg.size(), pub.data()) !=
                0)
            return crypto_error::authentication_failed;
        return {};
    }
};

static_assert(signature_scheme<ed25519>);

} // namespace e2ekit::crypto

#endif
