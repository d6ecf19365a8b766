// The `aead` concept: authenticated encryption with associated data and a
// fixed key, nonce and tag size (AES-GCM). Both the combined form (ct||tag,
// RFC 5116 §2.1) and the detached one are required: OMEMO 0.3 carries the
// GCM tag beside the key inside the ratchet message, not after the payload.
#ifndef E2EKIT_CRYPTO_CONCEPTS_AEAD_HPP
#define E2EKIT_CRYPTO_CONCEPTS_AEAD_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace e2ekit::crypto {

/// The opt-in tag: a policy says `using aead_concept = aead_tag;`.
struct aead_tag {};

namespace detail {

template <class A>
concept opts_into_aead = std::same_as<typename A::aead_concept, aead_tag>;

template <class A>
concept names_key_nonce_and_tag_sizes = requires {
    typename std::integral_constant<std::size_t, A::key_size>;
    typename std::integral_constant<std::size_t, A::nonce_size>;
    typename std::integral_constant<std::size_t, A::tag_size>;
};

template <class A>
concept seals_and_opens_combined = requires(fixed_view<A::key_size> key,
                                            fixed_view<A::nonce_size> nonce, bytes_view aad,
                                            bytes_view in) {
    { A::seal(key, nonce, aad, in) } -> std::same_as<bytes>;
    { A::open(key, nonce, aad, in) } -> std::same_as<result<secret_bytes>>;
};

template <class A>
concept seals_and_opens_detached = requires(mutable_bytes_view out,
                                            mutable_fixed_view<A::tag_size> tag_out,
                                            fixed_view<A::key_size> key,
                                            fixed_view<A::nonce_size> nonce, bytes_view aad,
                                            bytes_view in, fixed_view<A::tag_size> tag) {
    { A::seal_detached(out, tag_out, key, nonce, aad, in) } -> std::same_as<void>;
    { A::open_detached(out, key, nonce, aad, in, tag) } -> std::same_as<result<void>>;
};

} // namespace detail

/// | expression                                   | type                   | semantics |
/// |----------------------------------------------|------------------------|-----------|
/// | `A::aead_concept`                            | `aead_tag`             | opts in |
/// | `A::key_size`, `A::nonce_size`, `A::tag_size`| `std::size_t` constants| lengths in bytes |
/// | `A::seal(k, n, ad, p)`                       | `bytes`                | `c ‖ tag`, `p.size() +
/// tag_size` bytes | | `A::open(k, n, ad, c)`                       | `result<secret_bytes>` |
/// plaintext, or `authentication_failed` (also when `c` is shorter than a tag) | |
/// `A::seal_detached(out, tag, k, n, ad, p)`    | `void`                 | writes `p.size()` bytes
/// to `out` (which may be `p` itself) and the tag to `tag` | | `A::open_detached(out, k, n, ad, c,
/// tag)`    | `result<void>`         | writes `c.size()` bytes to `out`; on `authentication_failed`
/// `out` is wiped |
///
/// `k` is a `fixed_view<key_size>`, `n` a `fixed_view<nonce_size>`, `tag`
/// a `(mutable_)fixed_view<tag_size>`. A size mismatch between `out` and the
/// input is misuse (std::invalid_argument), not an input error.
/// Laws: open(k, n, ad, seal(k, n, ad, p)) == p; changing any bit of the
/// ciphertext, tag, nonce or `ad` makes open fail.
template <class A>
concept aead = detail::opts_into_aead<A> && detail::names_key_nonce_and_tag_sizes<A> &&
    detail::seals_and_opens_combined<A> && detail::seals_and_opens_detached<A>;

} // namespace e2ekit::crypto

#endif
