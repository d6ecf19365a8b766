// Ed25519 (RFC 8032 §5.1) over libsodium. Verification is libsodium 1.0.18's
// strict one: s must be canonical (s < L), R and A must not be of small
// order and A must be canonically encoded, which is what vodozemac and
// Wycheproof's ed25519_test.json expect (signature malleability rejected).
#ifndef E2EKIT_CRYPTO_ED25519_HPP
#define E2EKIT_CRYPTO_ED25519_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/signature.hpp>
#include <e2ekit/crypto/error.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace e2ekit::crypto {

struct ed25519_seed_tag;
struct ed25519_signing_key_tag;
struct ed25519_expanded_tag;
struct ed25519_nonce_tag;

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

    /// RFC 8032 §5.1.5's expanded secret: the clamped scalar, then the
    /// nonce prefix (SHA-512 of the seed, first half clamped). libolm keeps
    /// only this form in its pickles, and the seed cannot be recovered from
    /// it, so keys migrated from libolm sign through `sign_expanded`.
    using expanded_key = secret<64, ed25519_expanded_tag>;

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

    /// The expanded form of a seed (RFC 8032 §5.1.5 steps 1-2).
    static expanded_key expand(const seed& s) {
        e2ekit::detail::ensure_sodium();
        expanded_key k;
        crypto_hash_sha512(k.mutable_view().data(), s.data(), s.size());
        k.mutable_view()[0] &= 248;
        k.mutable_view()[31] = static_cast<byte>((k.data()[31] & 127) | 64);
        return k;
    }

    /// A = sB for the expanded key's scalar s; `invalid_key` when s gives
    /// the identity (a zero scalar no expansion produces).
    static result<verifying_key> public_from_expanded(const expanded_key& k) {
        e2ekit::detail::ensure_sodium();
        verifying_key pub;
        const int rc = crypto_scalarmult_ed25519_base_noclamp(pub.data(), k.data());
        ct::unpoison(rc); // "sB is the identity": a public verdict
        if (rc != 0) return crypto_error::invalid_key;
        return pub;
    }

    /// RFC 8032 §5.1.6 from the expanded key: r = SHA-512(prefix ‖ M),
    /// R = rB, S = r + SHA-512(R ‖ A ‖ M)·s mod L, on libsodium's
    /// constant-time scalar arithmetic. The same signature `sign` makes
    /// when the key was expanded from that seed. `pub` must be the key's
    /// (public_from_expanded); the caller keeps the two together.
    static signature sign_expanded(const expanded_key& k, const verifying_key& pub,
                                   bytes_view msg) {
        e2ekit::detail::ensure_sodium();
        secret<64, ed25519_nonce_tag> wide;
        crypto_hash_sha512_state st;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, k.data() + 32, 32);
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        crypto_hash_sha512_final(&st, wide.mutable_view().data());
        secret<32, ed25519_nonce_tag> r;
        crypto_core_ed25519_scalar_reduce(r.mutable_view().data(), wide.data());
        signature sig;
        const int rc = crypto_scalarmult_ed25519_base_noclamp(sig.data(), r.data());
        ct::unpoison(rc);
        if (rc != 0) throw std::runtime_error("e2ekit: ed25519 nonce reduced to zero");
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, sig.data(), 32);
        crypto_hash_sha512_update(&st, pub.data(), pub.size());
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        byte_array<64> hram;
        crypto_hash_sha512_final(&st, hram.data());
        byte_array<32> h;
        crypto_core_ed25519_scalar_reduce(h.data(), hram.data());
        secret<64, ed25519_expanded_tag> s_wide;
        std::copy_n(k.data(), 32, s_wide.mutable_view().data());
        secret<32, ed25519_expanded_tag> s, hs;
        crypto_core_ed25519_scalar_reduce(s.mutable_view().data(), s_wide.data());
        crypto_core_ed25519_scalar_mul(hs.mutable_view().data(), h.data(), s.data());
        crypto_core_ed25519_scalar_add(sig.data() + 32, hs.data(), r.data());
        sodium_memzero(&st, sizeof st);
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
