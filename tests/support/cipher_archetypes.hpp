// Archetypes for the crypto layer's `cipher` and `aead` concepts: each
// offers exactly what its concept requires and nothing more, so a generic
// algorithm tested against it uses no more than the concept promises. The
// bodies do no cryptography; they are never meant to run in a protocol.
#ifndef E2EKIT_TESTS_SUPPORT_CIPHER_ARCHETYPES_HPP
#define E2EKIT_TESTS_SUPPORT_CIPHER_ARCHETYPES_HPP

#include <e2ekit/crypto/concepts/aead.hpp>
#include <e2ekit/crypto/concepts/cipher.hpp>

namespace e2ekit::test {

struct cipher_archetype {
    using cipher_concept = crypto::cipher_tag;
    static constexpr std::size_t key_size = 16;
    static constexpr std::size_t iv_size = 8;
    static bytes encrypt(fixed_view<key_size>, fixed_view<iv_size>, bytes_view in) {
        return to_bytes(in);
    }
    static result<secret_bytes> decrypt(fixed_view<key_size>, fixed_view<iv_size>, bytes_view in) {
        return secret_bytes(in);
    }
};
static_assert(crypto::cipher<cipher_archetype>);

struct aead_archetype {
    using aead_concept = crypto::aead_tag;
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 12;
    static constexpr std::size_t tag_size = 16;
    static bytes seal(fixed_view<key_size>, fixed_view<nonce_size>, bytes_view, bytes_view in) {
        return concat(in, bytes(tag_size));
    }
    static result<secret_bytes> open(fixed_view<key_size>, fixed_view<nonce_size>, bytes_view,
                                     bytes_view in) {
        return secret_bytes(in.first(in.size() - tag_size));
    }
    static void seal_detached(mutable_bytes_view, mutable_fixed_view<tag_size>,
                              fixed_view<key_size>, fixed_view<nonce_size>, bytes_view,
                              bytes_view) {}
    static result<void> open_detached(mutable_bytes_view, fixed_view<key_size>,
                                      fixed_view<nonce_size>, bytes_view, bytes_view,
                                      fixed_view<tag_size>) {
        return ok();
    }
};
static_assert(crypto::aead<aead_archetype>);

} // namespace e2ekit::test

#endif
