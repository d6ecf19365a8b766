// The hash-function concept: what HMAC, HKDF, fingerprints and addresses
// need from a digest. A policy opts in with `using hash_concept = hash_tag;`.
#ifndef E2EKIT_CRYPTO_CONCEPTS_HASH_HPP
#define E2EKIT_CRYPTO_CONCEPTS_HASH_HPP

#include <e2ekit/core/bytes.hpp>

#include <concepts>
#include <cstddef>

namespace e2ekit::crypto {

/// The opt-in tag of `hash_function`.
struct hash_tag {};

/// What a hash, MAC or KDF accepts as one part of its input: anything that
/// converts to `bytes_view` (arrays, vectors, spans, fixed views).
template <class T>
concept bytes_like = std::convertible_to<const T&, bytes_view>;

/// `s` is a `H::state`, `out` a `mutable_fixed_view<H::digest_size>`, `a`, `b`
/// anything convertible to `bytes_view`.
///
/// | expression           | type                      | semantics                                 |
/// |----------------------|---------------------------|-------------------------------------------|
/// | `H::hash_concept`    | `hash_tag`                | opts in                                   |
/// | `H::digest_size`     | `std::size_t`             | bytes of a digest                         |
/// | `H::block_size`      | `std::size_t`             | bytes of a block (HMAC pads keys to it)   |
/// | `H::digest`          | `byte_array<digest_size>` |                                           |
/// | `H::hash(out, a, b)` | `void`                    | `out` = H(a ‖ b); any number of parts,    |
/// |                      |                           | never concatenated                        |
/// | `H::digest_of(a, b)` | `H::digest`               | the same, returned                        |
/// | `H::state`           | semiregular class         | an incremental hash; a copy forks the     |
/// |                      |                           | stream (HMAC keeps keyed states and       |
/// |                      |                           | copies them)                              |
/// | `s.update(a)`        | `void`                    | absorbs `a`                               |
/// | `s.final(out)`       | `void`                    | writes the digest; `s` restarts empty     |
/// | `s.reset()`          | `void`                    | restarts empty                            |
template <class H>
concept hash_function = std::same_as<typename H::hash_concept, hash_tag> &&
                        std::same_as<typename H::digest, byte_array<H::digest_size>> &&
                        (H::block_size >= H::digest_size) &&
                        std::semiregular<typename H::state>&& requires(
                            typename H::state& s, mutable_fixed_view<H::digest_size> out,
                            bytes_view a, byte_array<3> b) {
    { H::hash(out, a) } -> std::same_as<void>;
    { H::hash(out, a, b, a) } -> std::same_as<void>;
    { H::digest_of(a, b) } -> std::same_as<typename H::digest>;
    { s.update(a) } -> std::same_as<void>;
    { s.final(out) } -> std::same_as<void>;
    { s.reset() } -> std::same_as<void>;
};

} // namespace e2ekit::crypto

#endif
