// X25519 (RFC 7748 §5, §6.1) over libsodium's crypto_scalarmult.
#ifndef E2EKIT_CRYPTO_X25519_HPP
#define E2EKIT_CRYPTO_X25519_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/crypto/error.hpp>

#include <sodium.h>

#include <cstddef>
#include <stdexcept>
#include <utility>

namespace e2ekit::crypto {

struct x25519_private_key_tag;
struct x25519_shared_secret_tag;

struct x25519 {
    using dh_concept = dh_tag;
    static constexpr std::size_t private_key_size = crypto_scalarmult_curve25519_SCALARBYTES;
    static constexpr std::size_t public_key_size = crypto_scalarmult_curve25519_BYTES;
    static constexpr std::size_t shared_secret_size = crypto_scalarmult_curve25519_BYTES;
    using private_key = secret<private_key_size, x25519_private_key_tag>;
    using public_key = byte_array<public_key_size>;
    using shared_secret = secret<shared_secret_size, x25519_shared_secret_tag>;

    struct key_pair {
        private_key priv;
        public_key pub;
    };

    /// Clears bits 0-2 and 255 and sets bit 254 (RFC 7748 §5 decodeScalar25519).
    /// X25519 does this itself on every use; keys are stored clamped as
    /// libsignal-protocol-c (curve_generate_private_key) and libxeddsa
    /// store them, so the same bytes also serve as an XEdDSA scalar.
    static void clamp(mutable_fixed_view<private_key_size> k) noexcept {
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    template <random_source R>
    static key_pair generate(R& rng) {
        private_key k = random_secret<private_key_size, x25519_private_key_tag>(rng);
        clamp(k.mutable_view());
        public_key pub = public_from_private(k);
        return {std::move(k), pub};
    }

    static key_pair from_private(private_key k) {
        public_key pub = public_from_private(k);
        return {std::move(k), pub};
    }

    static public_key public_from_private(const private_key& k) {
        e2ekit::detail::ensure_sodium();
        public_key pub;
        // Only fails for a scalar that clamps to a multiple of the group order
        // times the cofactor, which clamping rules out.
        if (crypto_scalarmult_curve25519_base(pub.data(), k.data()) != 0)
            throw std::logic_error("e2ekit: x25519 base point multiplication failed");
        return pub;
    }

    /// The shared secret X25519(k, peer). Every 32-byte string is a valid
    /// u-coordinate (RFC 7748 §5: bit 255 ignored, non-canonical values
    /// reduced, twist points accepted), but a peer key of small order makes
    /// the result all zero, which contributes nothing of `k`: that is
    /// `invalid_key` (RFC 7748 §6.1 "check", Signal and vodozemac do the
    /// same). libsodium 1.0.18 reports exactly that case with -1.
    static result<shared_secret> agree(const private_key& k, fixed_view<public_key_size> peer) {
        e2ekit::detail::ensure_sodium();
        shared_secret s;
        const int rc = crypto_scalarmult_curve25519(s.data(), k.data(), peer.data());
        // Whether the result is all zero is the public verdict; libsodium
        // computes it without branching on the result's bytes.
        ct::unpoison(rc);
        if (rc != 0) {
            ct::wipe(s.mutable_view());
            return crypto_error::invalid_key;
        }
        return s;
    }
};

static_assert(diffie_hellman<x25519>);

} // namespace e2ekit::crypto

#endif
