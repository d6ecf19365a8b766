// The `cipher` concept: an unauthenticated symmetric cipher with a fixed key
// and IV size (AES-CBC with PKCS#7 padding, AES-CTR). Protocols that use one
// authenticate the ciphertext themselves (Signal and Olm MAC it with HMAC);
// an AEAD is the `aead` concept instead.
#ifndef E2EKIT_CRYPTO_CONCEPTS_CIPHER_HPP
#define E2EKIT_CRYPTO_CONCEPTS_CIPHER_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace e2ekit::crypto {

/// The opt-in tag: a policy says `using cipher_concept = cipher_tag;`.
struct cipher_tag {};

namespace detail {

template <class C>
concept opts_into_cipher = std::same_as<typename C::cipher_concept, cipher_tag>;

template <class C>
concept names_key_and_iv_sizes = requires {
    typename std::integral_constant<std::size_t, C::key_size>;
    typename std::integral_constant<std::size_t, C::iv_size>;
};

template <class C>
concept encrypts_and_decrypts = requires(fixed_view<C::key_size> key, fixed_view<C::iv_size> iv,
                                         bytes_view in) {
    { C::encrypt(key, iv, in) } -> std::same_as<bytes>;
    { C::decrypt(key, iv, in) } -> std::same_as<result<secret_bytes>>;
};

} // namespace detail

/// | expression             | type                  | semantics                                   |
/// |------------------------|-----------------------|---------------------------------------------|
/// | `C::cipher_concept`    | `cipher_tag`          | opts in                                     |
/// | `C::key_size`          | `std::size_t` constant| key length in bytes                         |
/// | `C::iv_size`           | `std::size_t` constant| IV length in bytes                          |
/// | `C::encrypt(k, iv, p)` | `bytes`               | ciphertext of `p`; never fails              |
/// | `C::decrypt(k, iv, c)` | `result<secret_bytes>`| plaintext, or
/// `crypto_error::authentication_failed` when `c` cannot be a ciphertext (length, padding), one
/// code for all of them |
///
/// `k` is a `fixed_view<C::key_size>`, `iv` a `fixed_view<C::iv_size>`.
/// Law: `decrypt(k, iv, encrypt(k, iv, p)) == p` for every `p`.
template <class C>
concept cipher = detail::opts_into_cipher<C> && detail::names_key_and_iv_sizes<C> &&
    detail::encrypts_and_decrypts<C>;

} // namespace e2ekit::crypto

#endif
