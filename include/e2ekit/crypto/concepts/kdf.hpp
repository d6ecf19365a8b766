// The key-derivation concept: what X3DH, root-key steps, message keys and
// pickles need from a KDF (HKDF here). A policy opts in with
// `using kdf_concept = kdf_tag;`.
#ifndef E2EKIT_CRYPTO_CONCEPTS_KDF_HPP
#define E2EKIT_CRYPTO_CONCEPTS_KDF_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstddef>

namespace e2ekit::crypto {

/// The opt-in tag of `key_derivation`.
struct kdf_tag {};

/// `out` is a `mutable_bytes_view`, `ikm`, `salt`, `info` are `bytes_view`.
///
/// | expression                        | type           | semantics                               |
/// |-----------------------------------|----------------|-----------------------------------------|
/// | `K::kdf_concept`                  | `kdf_tag`      | opts in                                 |
/// | `K::max_output_size`              | `std::size_t`  | the longest output                      |
/// | `K::derive(out, ikm, salt, info)` | `result<void>` | fills `out`; longer than the bound is   |
/// |                                   |                | `crypto_error::invalid_argument`, with  |
/// |                                   |                | `out` wiped                             |
/// | `K::template derive<N, T>(...)`   | `secret<N, T>` | the same (ikm, salt, info) into a       |
/// |                                   |                | tagged secret; an N over the bound does |
/// |                                   |                | not compile                             |
template <class K>
concept key_derivation = std::same_as<typename K::kdf_concept, kdf_tag> &&
                         (K::max_output_size > 0) &&
                         requires(mutable_bytes_view out, bytes_view ikm, bytes_view salt,
                                  bytes_view info) {
    { K::derive(out, ikm, salt, info) } -> std::same_as<result<void>>;
    { K::template derive<32, void>(ikm, salt, info) } -> std::same_as<secret<32>>;
};

} // namespace e2ekit::crypto

#endif
