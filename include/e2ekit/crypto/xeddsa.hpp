// XEdDSA over Curve25519 keys (Signal's "The XEdDSA and VXEdDSA Signature
// Schemes", rev. 1, 2016), over libxeddsa 2.0 and libsodium: one X25519 key
// pair both agrees keys and signs, as Signal identity keys and OMEMO do.
//
// sign (XEdDSA §2.3 calculate_key_pair, §3.3 xeddsa_sign): the clamped
// private scalar, reduced mod q, is negated when its Ed25519 point has the
// sign bit set, so the signature verifies against the public key with sign
// bit 0, the only one a Montgomery u-coordinate determines; r = hash_1(a ‖
// M ‖ Z) with 64 fresh random bytes Z. python-omemo's x3dh package signs
// the same way through libxeddsa (priv_force_sign(priv, False), then
// ed25519_priv_sign). e2ekit computes it on libsodium's Ed25519 scalar and
// base-point functions instead: libxeddsa's own base-point multiplication
// makes a signature cost three times as much (151 µs against 45 µs here,
// bench_crypto_primitives), and a prepared key halves it again.
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
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/signature.hpp>
#include <e2ekit/crypto/detail/xeddsa_glue.hpp>
#include <e2ekit/crypto/ed25519_verifier.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/x25519.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
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

    /// A private key made ready to sign: the sign-forced Ed25519 scalar a
    /// and its public key A (§2.3 calculate_key_pair), computed once. A
    /// long-lived signing key (a sender key, an identity) keeps one so that
    /// each signature costs one base-point multiplication, not two.
    class prepared_key {
    public:
        explicit prepared_key(const signing_key& k) {
            e2ekit::detail::ensure_sodium();
            // E = kB for the clamped scalar k (RFC 7748 §5: a key given
            // unclamped signs as its clamped form, as with libxeddsa).
            secret<64, xeddsa_scalar_tag> wide;
            std::copy_n(k.data(), 32, wide.mutable_view().begin());
            wide.mutable_view()[0] &= 248;
            wide.mutable_view()[31] = static_cast<byte>((wide.data()[31] & 127) | 64);
            ed25519_public_key e;
            int rc = crypto_scalarmult_ed25519_base_noclamp(e.data(), wide.data());
            ct::unpoison(rc); // "kB is the identity": a public verdict
            if (rc != 0) throw std::invalid_argument("e2ekit: xeddsa private key of zero scalar");
            crypto_core_ed25519_scalar_reduce(a_.mutable_view().data(), wide.data());
            // a = -k when E's sign bit is set, so that A = aB has sign 0;
            // chosen in constant time (the sign bit depends on the secret).
            secret<32, xeddsa_scalar_tag> neg;
            crypto_core_ed25519_scalar_negate(neg.mutable_view().data(), a_.data());
            const byte mask = static_cast<byte>(0u - (e[31] >> 7));
            for (std::size_t i = 0; i < 32; ++i)
                a_.mutable_view()[i] ^= mask & (a_.data()[i] ^ neg.data()[i]);
            e[31] &= 0x7f;
            pub_ = e;
        }
        const ed25519_public_key& ed25519_public() const noexcept { return pub_; }
        prepared_key clone() const { return prepared_key(a_.clone(), pub_); }

    private:
        friend struct xeddsa;
        prepared_key(secret<32, xeddsa_scalar_tag> a, const ed25519_public_key& p)
            : a_(std::move(a)), pub_(p) {}
        secret<32, xeddsa_scalar_tag> a_;
        ed25519_public_key pub_{};
    };

    /// Signs with a fresh nonce from the system's generator.
    static signature sign(const signing_key& k, bytes_view msg) {
        system_random rng;
        return sign(k, msg, rng);
    }

    /// Signs with the nonce Z drawn from `rng` (a deterministic source makes
    /// reproducible signatures for tests; never for real keys).
    template <random_source R>
    static signature sign(const signing_key& k, bytes_view msg, R& rng) {
        return sign(prepared_key(k), msg, rng);
    }

    /// xeddsa_sign (§3.3) with a prepared key: r = hash_1(a ‖ M ‖ Z) mod q,
    /// R = rB, h = SHA-512(R ‖ A ‖ M) mod q, s = r + ha mod q; on libsodium's
    /// constant-time scalar arithmetic and base-point table.
    template <random_source R>
    static signature sign(const prepared_key& k, bytes_view msg, R& rng) {
        e2ekit::detail::ensure_sodium();
        secret<nonce_size, xeddsa_nonce_tag> z;
        rng.fill(z.mutable_view());
        // hash_1's prefix: 2^256 - 1 - 1 as 32 little-endian bytes (§2.4).
        byte_array<32> prefix;
        prefix.fill(0xff);
        prefix[0] = 0xfe;
        secret<64, xeddsa_nonce_tag> wide;
        crypto_hash_sha512_state st;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, prefix.data(), prefix.size());
        crypto_hash_sha512_update(&st, k.a_.data(), 32);
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        crypto_hash_sha512_update(&st, z.data(), z.size());
        crypto_hash_sha512_final(&st, wide.mutable_view().data());
        secret<32, xeddsa_nonce_tag> r;
        crypto_core_ed25519_scalar_reduce(r.mutable_view().data(), wide.data());
        signature sig;
        int rc = crypto_scalarmult_ed25519_base_noclamp(sig.data(), r.data());
        ct::unpoison(rc); // "rB is the identity": a public verdict
        if (rc != 0) throw std::runtime_error("e2ekit: xeddsa nonce reduced to zero");
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, sig.data(), 32);
        crypto_hash_sha512_update(&st, k.pub_.data(), 32);
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        byte_array<64> hram;
        crypto_hash_sha512_final(&st, hram.data());
        byte_array<32> h;
        crypto_core_ed25519_scalar_reduce(h.data(), hram.data());
        secret<32, xeddsa_scalar_tag> ha;
        crypto_core_ed25519_scalar_mul(ha.mutable_view().data(), h.data(), k.a_.data());
        crypto_core_ed25519_scalar_add(sig.data() + 32, ha.data(), r.data());
        sodium_memzero(&st, sizeof st);
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

    /// A verifying key converted once (the field inversion of
    /// convert_mont) and prepared for many signatures (ed25519_verifier.hpp:
    /// a comb table from the second one on), for a sender key.
    class prepared_verifier {
    public:
        explicit prepared_verifier(fixed_view<verifying_key_size> u)
            : valid_(is_canonical_u(u)), ed_(ed25519_from_curve25519(u, false)) {
            if (valid_) {
                auto v = ed25519_verifier::prepare(ed_);
                if (v) fast_.emplace(std::move(*v));
            }
        }

    private:
        friend struct xeddsa;
        bool valid_;
        ed25519_public_key ed_;
        /// Absent for a key libsodium refuses too (small order): such keys
        /// take libsodium's path, which fails.
        std::optional<ed25519_verifier> fast_;
    };

    /// `verify_signal_legacy` with a prepared key: the sign bit a
    /// libsignal-protocol-c signature carries selects the key's sign.
    static result<void> verify_signal_legacy(const prepared_verifier& v, bytes_view msg,
                                             bytes_view sig) {
        if (sig.size() != signature_size || !v.valid_) return crypto_error::authentication_failed;
        signature s;
        std::copy(sig.begin(), sig.end(), s.begin());
        const bool negated = (s[63] & 0x80) != 0;
        s[63] &= 0x7f;
        if (v.fast_) return negated ? v.fast_->verify_negated(msg, s) : v.fast_->verify(msg, s);
        ed25519_public_key a = v.ed_;
        if (negated) a[31] |= 0x80;
        return verify_ed(a, msg, s.data());
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
