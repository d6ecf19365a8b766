// Random sources. A policy models `random_source` by offering
// `fill(mutable_bytes_view)`. The default draws from the operating system
// through libsodium; `testing::deterministic_random` replays a seed and is
// for tests and reproducible benchmarks only.
#ifndef E2EKIT_CORE_RANDOM_HPP
#define E2EKIT_CORE_RANDOM_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstdint>

namespace e2ekit {

/// | expression      | semantics                                       |
/// |-----------------|-------------------------------------------------|
/// | `r.fill(out)`   | fills `out` with unpredictable bytes; noexcept  |
template <class R>
concept random_source = requires(R& r, mutable_bytes_view out) {
    { r.fill(out) }
    noexcept;
};

/// The operating system's generator, through libsodium. Stateless.
struct system_random {
    void fill(mutable_bytes_view out) noexcept {
        if (out.empty()) return; // libsodium takes no null pointer, even for zero bytes
        detail::ensure_sodium();
        randombytes_buf(out.data(), out.size());
    }
};
static_assert(random_source<system_random>);

template <std::size_t N, random_source R>
byte_array<N> random_array(R& r) noexcept {
    byte_array<N> a;
    r.fill(a);
    return a;
}

template <std::size_t N, class Tag = void, random_source R>
secret<N, Tag> random_secret(R& r) noexcept {
    secret<N, Tag> s;
    r.fill(s.mutable_view());
    return s;
}

/// A uniformly random integer below `bound` (bound > 0).
template <random_source R>
std::uint32_t random_below(R& r, std::uint32_t bound) noexcept {
    std::uint32_t v;
    const std::uint32_t limit = bound ? (0u - bound) % bound : 0u; // reject the biased tail
    do {
        r.fill({reinterpret_cast<byte*>(&v), sizeof v});
    } while (v < limit);
    return bound ? v % bound : 0;
}

namespace testing {

/// ChaCha20 keystream from a 32-byte seed: the same seed gives the same
/// sequence on every machine. Never use it for real keys.
class deterministic_random {
public:
    explicit deterministic_random(std::uint64_t seed = 0) noexcept {
        detail::ensure_sodium();
        store_be<std::uint64_t>(mutable_fixed_view<8>(key_.data(), 8), seed);
    }
    void fill(mutable_bytes_view out) noexcept {
        if (out.empty()) return;
        byte nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
        store_be<std::uint64_t>(mutable_fixed_view<8>(nonce, 8), counter_++);
        crypto_stream_chacha20_ietf(out.data(), out.size(), nonce, key_.data());
    }

private:
    byte_array<crypto_stream_chacha20_ietf_KEYBYTES> key_{};
    std::uint64_t counter_ = 0;
};
static_assert(random_source<deterministic_random>);

} // namespace testing
} // namespace e2ekit

#endif
