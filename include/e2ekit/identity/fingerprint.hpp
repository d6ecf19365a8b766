// Numeric fingerprints ("safety numbers"): each side's identity key and a
// stable identifier (a phone number, a JID) hashed many times into a
// digest, shown as 30 digits; two people compare the 60 digits of both
// sides, the lower half first, or scan each other's digests. Signal's
// scheme (libsignal-protocol-c src/fingerprint.c, Java
// NumericFingerprintGenerator); the protocol picks hash, iteration count
// and version through params:
//
// | expression          | type                    | semantics                           |
// |---------------------|-------------------------|-------------------------------------|
// | `P::hash`           | `crypto::hash_function` | digest_size >= 30                   |
// | `P::iterations`     | `unsigned`              | rounds of h = H(h ‖ key), >= 1      |
// | `P::version`        | `std::uint16_t`         | big-endian before the first round   |
//
// h_0 = version ‖ key ‖ id, h_i = H(h_(i-1) ‖ key); the digest is h_n. The key bytes are the protocol's
// encoding (Signal: 0x05 ‖ u).
#ifndef E2EKIT_IDENTITY_FINGERPRINT_HPP
#define E2EKIT_IDENTITY_FINGERPRINT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::identity {

template <class P>
concept numeric_fingerprint_params =
    crypto::hash_function<typename P::hash> &&(P::hash::digest_size >= 30) && requires {
    { P::iterations } -> std::convertible_to<unsigned>;
    { P::version } -> std::convertible_to<std::uint16_t>;
}
&&(P::iterations >= 1);

template <numeric_fingerprint_params P>
struct numeric_fingerprint {
    using hash = typename P::hash;
    using digest = typename hash::digest;
    static constexpr std::size_t digits = 30;

    /// One side's digest.
    static digest of(bytes_view key_bytes, std::string_view stable_id) {
        byte_array<2> version;
        store_be(version, static_cast<std::uint16_t>(P::version));
        digest h;
        hash::hash(h, version, key_bytes, as_bytes(stable_id), key_bytes);
        typename hash::state s;
        for (unsigned i = 1; i < P::iterations; ++i) {
            s.update(h);
            s.update(key_bytes);
            s.final(h);
        }
        return h;
    }

    /// One side's 30 digits: six 5-byte big-endian chunks of the digest,
    /// each mod 100000, zero-padded.
    static std::string display(const digest& d) {
        std::string out(digits, '0');
        for (std::size_t i = 0; i < digits; i += 5) {
            std::uint64_t chunk = 0;
            for (std::size_t j = 0; j < 5; ++j)
                chunk = (chunk << 8) | d[i + j];
            chunk %= 100000;
            for (std::size_t j = 5; j-- > 0; chunk /= 10)
                out[i + j] = static_cast<char>('0' + chunk % 10);
        }
        return out;
    }

    /// Both sides' digits, the lower string first: the same text on both
    /// devices.
    static std::string combine(const std::string& local, const std::string& remote) {
        return local <= remote ? local + remote : remote + local;
    }
};

} // namespace e2ekit::identity

#endif
