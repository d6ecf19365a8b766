// A prepared Ed25519 verifying key, for a key that checks many signatures:
// a Signal sender key, a Megolm session's signing key. The first
// verification goes through libsodium like `ed25519::verify`; from the
// second on, the key's comb table (detail/ge25519.hpp: 256 multiples, 30
// KiB, built once and shared by copies) turns [s]B - [h]A into 128 table
// additions and four doublings, several times cheaper than libsodium's
// double-scalar multiplication, which doubles 252 times per signature.
//
// The verdicts are libsodium 1.0.18's strict ones (ed25519.hpp): s < L; A
// canonical and not of small order (checked once, in `prepare`); R equal to
// the canonical encoding of [s]B - [h]A and not of small order. Any R that
// can equal such an encoding is canonical, so checking the order of the
// point computed decides exactly what libsodium's list of small-order
// encodings decides. tests/crypto/ed25519_verifier.cpp checks the two
// against each other on Wycheproof's cases and on random and mangled
// signatures; fuzz/crypto_verify does the same on fuzzed input.
#ifndef E2EKIT_CRYPTO_ED25519_VERIFIER_HPP
#define E2EKIT_CRYPTO_ED25519_VERIFIER_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/detail/ge25519.hpp>
#include <e2ekit/crypto/error.hpp>

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

namespace e2ekit::crypto {

class ed25519_verifier {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t signature_size = 64;

    /// `invalid_key` for a key every signature would fail under: not
    /// canonical, not on the curve, or of small order.
    static result<ed25519_verifier> prepare(fixed_view<key_size> pub) {
        e2ekit::detail::ensure_sodium();
        auto point = detail::ge25519::decode(pub);
        if (!point || detail::ge25519::small_order(*point)) return crypto_error::invalid_key;
        auto s = std::make_shared<shared>();
        std::copy(pub.begin(), pub.end(), s->key.begin());
        s->point = *point;
        return ed25519_verifier(std::move(s));
    }

    const byte_array<key_size>& key() const noexcept { return s_->key; }

    /// RFC 8032 §5.1.7 under the prepared key.
    result<void> verify(bytes_view msg, bytes_view sig) const { return check(msg, sig, false); }

    /// The same under the key's negation, -A: the key whose encoding has
    /// the other sign bit (XEdDSA keys as libsignal-protocol-c signs with
    /// them, xeddsa.hpp).
    result<void> verify_negated(bytes_view msg, bytes_view sig) const {
        return check(msg, sig, true);
    }

    /// Whether the comb table is built (after the second verification).
    bool accelerated() const noexcept { return s_->ready.load(std::memory_order_acquire); }

private:
    struct shared {
        byte_array<key_size> key{};
        detail::ge25519::p3 point;
        std::atomic<unsigned> uses{0};
        std::atomic<bool> ready{false};
        std::once_flag once;
        std::unique_ptr<detail::ge25519::comb_table> table;
    };

    explicit ed25519_verifier(std::shared_ptr<shared> s) noexcept : s_(std::move(s)) {}

    result<void> check(bytes_view msg, bytes_view sig, bool negated) const {
        if (sig.size() != signature_size) return crypto_error::authentication_failed;
        byte_array<key_size> a = s_->key;
        if (negated) a[31] ^= 0x80;
        if (s_->uses.fetch_add(1, std::memory_order_relaxed) == 0) {
            // One signature: libsodium's double-scalar multiplication costs
            // less than a table.
            if (crypto_sign_ed25519_verify_detached(sig.data(), msg.data(), msg.size(), a.data()) !=
                0)
                return crypto_error::authentication_failed;
            return {};
        }
        std::call_once(s_->once, [&] {
            auto t = std::make_unique<detail::ge25519::comb_table>();
            detail::ge25519::fill(*t, s_->point);
            s_->table = std::move(t);
            s_->ready.store(true, std::memory_order_release);
        });
        // s < L: reducing it changes nothing.
        const byte* s = sig.data() + 32;
        byte_array<64> wide{};
        std::copy_n(s, 32, wide.begin());
        byte_array<32> s_reduced;
        crypto_core_ed25519_scalar_reduce(s_reduced.data(), wide.data());
        if (!std::equal(s_reduced.begin(), s_reduced.end(), s))
            return crypto_error::authentication_failed;
        // h = SHA-512(R || A || M) mod L.
        crypto_hash_sha512_state st;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, sig.data(), 32);
        crypto_hash_sha512_update(&st, a.data(), a.size());
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        byte_array<64> hram;
        crypto_hash_sha512_final(&st, hram.data());
        byte_array<32> h;
        crypto_core_ed25519_scalar_reduce(h.data(), hram.data());
        // R' = [s]B - [h]A (for -A: [s]B + [h]A).
        const auto r = detail::ge25519::double_scalarmult(fixed_view<32>(s_reduced),
                                                          detail::ge25519::base_table(),
                                                          fixed_view<32>(h), *s_->table, !negated);
        const auto enc = detail::ge25519::encode(r);
        if (!ct::equal(bytes_view(enc), sig.first(32)) || detail::ge25519::small_order(r))
            return crypto_error::authentication_failed;
        return {};
    }

    std::shared_ptr<shared> s_;
};

} // namespace e2ekit::crypto

#endif
