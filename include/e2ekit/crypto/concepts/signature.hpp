// The signature concept: what identity keys, signed pre-keys and Megolm
// messages need from a signature scheme (Ed25519, XEdDSA). A policy opts in
// with `using signature_concept = signature_tag;`.
#ifndef E2EKIT_CRYPTO_CONCEPTS_SIGNATURE_HPP
#define E2EKIT_CRYPTO_CONCEPTS_SIGNATURE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstddef>

namespace e2ekit::crypto {

/// The opt-in tag of `signature_scheme`.
struct signature_tag {};

/// | expression                  | type               | semantics                                 |
/// |-----------------------------|--------------------|-------------------------------------------|
/// | `P::signature_concept`      | `signature_tag`    | opts in                                   |
/// | `P::signature_size`         | `std::size_t`      | bytes of a signature                      |
/// | `P::verifying_key_size`     | `std::size_t`      | bytes of an encoded public key            |
/// | `P::signing_key`            | `secret<N, T>`     | wiped, copied only by clone()             |
/// | `P::verifying_key`          | `byte_array<N>`    | N = verifying_key_size; public            |
/// | `P::signature`              | `byte_array<N>`    | N = signature_size                        |
/// | `P::key_pair`               | `{priv, pub}`      | an aggregate                              |
/// | `P::generate(r)`            | `P::key_pair`      | a fresh pair from the random source `r`   |
/// | `P::public_from_private(k)` | `P::verifying_key` | deterministic                             |
/// | `P::sign(k, msg)`           | `P::signature`     | a scheme that needs randomness draws it   |
/// |                             |                    | from the system                           |
/// | `P::verify(pub, msg, sig)`  | `result<void>`     | `sig` is any bytes from the wire; all but |
/// |                             |                    | a valid signature of `msg` by `pub` is    |
/// |                             |                    | `crypto_error::authentication_failed`     |
template <class P>
concept signature_scheme = std::same_as<typename P::signature_concept, signature_tag> &&
    std::same_as<typename P::signing_key,
                 secret<P::signing_key::extent, typename P::signing_key::tag_type>> &&
    std::same_as<typename P::verifying_key, byte_array<P::verifying_key_size>> &&
    std::same_as<typename P::signature, byte_array<P::signature_size>> &&
    requires(testing::deterministic_random& r, const typename P::signing_key& k,
             const typename P::verifying_key& pub, bytes_view msg, bytes_view sig,
             typename P::key_pair kp) {
    { P::generate(r) } -> std::same_as<typename P::key_pair>;
    { kp.priv } -> std::same_as<typename P::signing_key&>;
    { kp.pub } -> std::same_as<typename P::verifying_key&>;
    { P::public_from_private(k) } -> std::same_as<typename P::verifying_key>;
    { P::sign(k, msg) } -> std::same_as<typename P::signature>;
    { P::verify(pub, msg, sig) } -> std::same_as<result<void>>;
};

} // namespace e2ekit::crypto

#endif
