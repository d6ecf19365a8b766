// XEdDSA over Curve25519 keys (Signal's "The XEdDSA and VXEdDSA Signature
// Schemes", rev. 1, 2016), over libxeddsa 2.0 and libsodium: one X25519 key
// pair both agrees keys and signs, as Signal identity keys and OMEMO do.
//
// sign (XEdDSA §2.3 calculate_key_pair, §3.3 xeddsa_sign): the clamped
// private scalar is negated when its Ed25519 point has the sign bit set
// (libxeddsa priv_force_sign), so the signature verifies against the
// public key with sign bit 0, the only one a Montgomery u-coordinate
// determines; r = hash_1(a ‖ M ‖ Z) with 64 fresh random bytes Z
// (libxeddsa ed25519_priv_sign). python-omemo's x3dh package signs this
// same way (priv_force_sign(priv, False), then ed25519_priv_sign).
//
// verify (§3.3 xeddsa_verify): a u-coordinate >= p is rejected; then
// A = convert_mont(u) with sign bit 0 (libxeddsa
// curve25519_pub_to_ed25519_pub) and a strict Ed25519 check (libsodium:
// s < L, R and A not of small order, A canonical), which covers the
// spec's s and R bounds and on_curve(A).
//
// libsignal-protocol-c 2.3.3 (src/curve.c: curve_calculate_signature /
// curve_verify_signature call curve25519_sign / curve25519_verify in
// src/curve25519/ed25519/additions/curve_sigs.c) does NOT sign XEdDSA:
// - curve25519_sign uses the clamped scalar a as it is, never negated,
//   with A = aB whatever its sign, the same r = hash_1(a ‖ M ‖ Z) (Z 64
//   random bytes) through crypto_sign_modified, and then stores the sign
//   bit of A in bit 7 of signature byte 63 (the top bit of s, always zero
//   since s < L < 2^253).
// - curve25519_verify takes that bit as the sign of the Ed25519 key it
//   converts u into, clears it from s, and verifies with ref10 (s checked
//   only for its top three bits; small-order and non-canonical points not
//   rejected; u not range-checked).
// So: an XEdDSA signature (bit 7 clear, sign-0 key) verifies under
// libsignal-protocol-c, and a libsignal-protocol-c signature verifies under
// XEdDSA only when A's sign bit happened to be 0 (half of all keys); for
// the other half byte 63 has bit 7 set and a strict verifier rejects it.
// `verify_signal_legacy` accepts both forms, strictly otherwise. (The
// library's xed25519_sign / xed25519_verify (additions/xeddsa.c) are XEdDSA,
// but 2.3.3 does not call them for identity signatures.)
#ifndef E2EKIT_CRYPTO_XEDDSA_HPP
#define E2EKIT_CRYPTO_XEDDSA_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/signature.hpp>
#include <e2ekit/crypto/detail/xeddsa_glue.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/x25519.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace e2ekit::crypto {

struct xeddsa_scalar_tag;
struct xeddsa_nonce_tag;

struct xeddsa {
    using signature_concept = signature_tag;
    static constexpr std::size_t verifying_key_size = x25519::public_key_size;
    static constexpr std::size_t signature_size = 64;
    static constexpr std::size_t nonce_size = 64; ///< Z, XEdDSA §3.3
    using signing_key = x25519::private_key;
    using verifying_key = x25519::public_key;
    using signature = byte_array<signature_size>;
    using key_pair = x25519::key_pair;
    using ed25519_public_key = byte_array<32>;

    template <random_source R>
    static key_pair generate(R& rng) {
        return x25519::generate(rng);
    }

    static verifying_key public_from_private(const signing_key& k) {
        return x25519::public_from_private(k);
    }

    /// Signs with a fresh nonce from the system's generator.
    static signature sign(const signing_key& k, bytes_view msg) {
        system_random rng;
        return sign(k, msg, rng);
    }

    /// Signs with the nonce Z drawn from `rng` (a deterministic source makes
    /// reproducible signatures for tests; never for real keys).
    template <random_source R>
    static signature sign(const signing_key& k, bytes_view msg, R& rng) {
        // libxeddsa takes a 32-bit length; 4 GiB messages are misuse.
        if (msg.size() > std::numeric_limits<std::uint32_t>::max())
            throw std::length_error("e2ekit: xeddsa message over 4 GiB");
        detail::ensure_xeddsa();
        secret<32, xeddsa_scalar_tag> a;
        priv_force_sign(a.data(), k.data(), false);
        secret<nonce_size, xeddsa_nonce_tag> z;
        rng.fill(z.mutable_view());
        signature sig;
        const byte none = 0;
        ed25519_priv_sign(sig.data(), a.data(), msg.empty() ? &none : msg.data(),
                          static_cast<std::uint32_t>(msg.size()), z.data());
        return sig;
    }

    /// xeddsa_verify (§3.3). Anything but a valid signature is
    /// authentication_failed, including a u-coordinate >= p.
    static result<void> verify(fixed_view<verifying_key_size> u, bytes_view msg, bytes_view sig) {
        if (sig.size() != signature_size || !is_canonical_u(u))
            return crypto_error::authentication_failed;
        return verify_ed(ed25519_from_curve25519(u, false), msg, sig.data());
    }

    /// Accepts XEdDSA signatures and libsignal-protocol-c's curve25519_sign
    /// form, whose bit 7 of byte 63 is the sign bit of the Ed25519 key (see
    /// the top of this header). Otherwise as strict as `verify`. For the
    /// Signal v3 protocol, whose peers may still sign that way.
    static result<void> verify_signal_legacy(fixed_view<verifying_key_size> u, bytes_view msg,
                                             bytes_view sig) {
        if (sig.size() != signature_size || !is_canonical_u(u))
            return crypto_error::authentication_failed;
        signature s;
        std::copy(sig.begin(), sig.end(), s.begin());
        const bool sign_bit = (s[63] & 0x80) != 0;
        s[63] &= 0x7f;
        return verify_ed(ed25519_from_curve25519(u, sign_bit), msg, s.data());
    }

    /// The Ed25519 public key of a Montgomery u-coordinate, y = (u-1)/(u+1)
    /// (RFC 7748 §4.1), with the given sign bit (§2.5 convert_mont: 0).
    static ed25519_public_key ed25519_from_curve25519(fixed_view<verifying_key_size> u,
                                                      bool sign_bit = false) {
        detail::ensure_xeddsa();
        ed25519_public_key ed;
        curve25519_pub_to_ed25519_pub(ed.data(), u.data(), sign_bit);
        return ed;
    }

    /// The u-coordinate of an Ed25519 public key, u = (1+y)/(1-y); keys
    /// libsodium refuses (small order, non-canonical, not on the curve) are
    /// invalid_key.
    static result<verifying_key> curve25519_from_ed25519(fixed_view<32> ed) {
        e2ekit::detail::ensure_sodium();
        verifying_key u;
        if (crypto_sign_ed25519_pk_to_curve25519(u.data(), ed.data()) != 0)
            return crypto_error::invalid_key;
        return u;
    }

    /// A = aB for the clamped private scalar, with its sign bit as it falls
    /// (what libsignal-protocol-c's curve25519_sign signs under).
    static ed25519_public_key ed25519_public_from_private(const signing_key& k) {
        detail::ensure_xeddsa();
        ed25519_public_key ed;
        priv_to_ed25519_pub(ed.data(), k.data());
        return ed;
    }

    /// u < p = 2^255 - 19 as a 256-bit little-endian integer (§3.3 rejects
    /// u >= p; honest encodings never set bit 255). Public data: may branch.
    static bool is_canonical_u(fixed_view<verifying_key_size> u) noexcept {
        if (u[31] & 0x80) return false;
        if (u[31] != 0x7f) return true;
        for (std::size_t i = 1; i < 31; ++i)
            if (u[i] != 0xff) return true;
        return u[0] < 0xed;
    }

private:
    static result<void> verify_ed(const ed25519_public_key& a, bytes_view msg, const byte* sig) {
        e2ekit::detail::ensure_sodium();
        if (crypto_sign_ed25519_verify_detached(sig, msg.data(), msg.size(), a.data()) != 0)
            return crypto_error::authentication_failed;
        return {};
    }
};

static_assert(signature_scheme<xeddsa>);

} // namespace e2ekit::crypto

#endif
