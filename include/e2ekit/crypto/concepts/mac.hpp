// The MAC concept: what ratchets (chain-key steps, message MACs) and
// envelopes need from a message authentication code. A policy opts in with
// `using mac_concept = mac_tag;`.
#ifndef E2EKIT_CRYPTO_CONCEPTS_MAC_HPP
#define E2EKIT_CRYPTO_CONCEPTS_MAC_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>

#include <concepts>
#include <cstddef>

namespace e2ekit::crypto {

/// The opt-in tag of `mac_function`.
struct mac_tag {};

/// `out` is a `mutable_fixed_view<M::tag_size>`, `key` and `tag` are
/// `bytes_view`, `a`, `b` anything convertible to `bytes_view`.
///
/// | expression                   | type           | semantics                                    |
/// |------------------------------|----------------|----------------------------------------------|
/// | `M::mac_concept`             | `mac_tag`      | opts in                                      |
/// | `M::tag_size`                | `std::size_t`  | bytes of a full tag                          |
/// | `M::min_tag_size`            | `std::size_t`  | the shortest truncated tag `verify` accepts  |
/// | `M::compute(out, key, a, b)` | `void`         | `out` = MAC(key, a ‖ b); any number of parts |
/// | `M::verify(key, tag, a, b)`  | `result<void>` | `tag` is the MAC or a prefix of it of at     |
/// |                              |                | least `min_tag_size` bytes, compared in      |
/// |                              |                | constant time; else                          |
/// |                              |                | `crypto_error::authentication_failed`        |
/// | `M::keyed{key}`              | `M::keyed`     | the key prepared once, for many MACs         |
/// | `k.compute(out, a, b)`       | `void`         | as `M::compute` with the prepared key        |
/// | `k.verify(tag, a, b)`        | `result<void>` | as `M::verify` with the prepared key         |
template <class M>
concept mac_function = std::same_as<typename M::mac_concept, mac_tag> &&(M::min_tag_size > 0) &&
                       (M::min_tag_size <= M::tag_size) &&
                       std::constructible_from<typename M::keyed, bytes_view>&& requires(
                           const typename M::keyed& k, mutable_fixed_view<M::tag_size> out,
                           bytes_view key, bytes_view tag, bytes_view a, byte_array<1> b) {
    { M::compute(out, key, a) } -> std::same_as<void>;
    { M::compute(out, key, a, b, a) } -> std::same_as<void>;
    { M::verify(key, tag, a, b) } -> std::same_as<result<void>>;
    { k.compute(out, a, b) } -> std::same_as<void>;
    { k.verify(tag, a) } -> std::same_as<result<void>>;
};

} // namespace e2ekit::crypto

#endif
