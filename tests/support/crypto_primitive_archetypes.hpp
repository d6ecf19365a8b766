// Archetypes of the crypto primitive concepts (diffie_hellman,
// signature_scheme, hash_function, mac_function, key_derivation): each
// offers exactly what its concept asks and nothing more, declared but never
// defined, so a generic component checked against an archetype can rely on
// nothing the concept does not promise. The concept tests build near-miss
// types from them, each lacking one requirement.
#ifndef E2EKIT_TESTS_SUPPORT_CRYPTO_PRIMITIVE_ARCHETYPES_HPP
#define E2EKIT_TESTS_SUPPORT_CRYPTO_PRIMITIVE_ARCHETYPES_HPP

#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>
#include <e2ekit/crypto/concepts/mac.hpp>
#include <e2ekit/crypto/concepts/signature.hpp>

namespace e2ekit::test::archetypes {

struct dh {
    using dh_concept = crypto::dh_tag;
    static constexpr std::size_t private_key_size = 32;
    static constexpr std::size_t public_key_size = 33;
    static constexpr std::size_t shared_secret_size = 32;
    using private_key = secret<32, struct dh_private_tag>;
    using public_key = byte_array<33>;
    using shared_secret = secret<32, struct dh_shared_tag>;
    struct key_pair {
        private_key priv;
        public_key pub;
    };
    template <random_source R>
    static key_pair generate(R&);
    static public_key public_from_private(const private_key&);
    static result<shared_secret> agree(const private_key&, fixed_view<33>);
};

struct signer {
    using signature_concept = crypto::signature_tag;
    static constexpr std::size_t verifying_key_size = 32;
    static constexpr std::size_t signature_size = 64;
    using signing_key = secret<64, struct sig_private_tag>;
    using verifying_key = byte_array<32>;
    using signature_type = byte_array<64>;
    using signature = signature_type;
    struct key_pair {
        signing_key priv;
        verifying_key pub;
    };
    template <random_source R>
    static key_pair generate(R&);
    static verifying_key public_from_private(const signing_key&);
    static signature_type sign(const signing_key&, bytes_view);
    static result<void> verify(fixed_view<32>, bytes_view, bytes_view);
};

struct hasher {
    using hash_concept = crypto::hash_tag;
    static constexpr std::size_t digest_size = 32;
    static constexpr std::size_t block_size = 64;
    using digest = byte_array<32>;
    struct state {
        void update(bytes_view);
        void final(mutable_fixed_view<32>);
        void reset();
    };
    template <crypto::bytes_like... P>
    static void hash(mutable_fixed_view<32>, const P&...);
    template <crypto::bytes_like... P>
    static digest digest_of(const P&...);
};

struct mac {
    using mac_concept = crypto::mac_tag;
    static constexpr std::size_t tag_size = 32;
    static constexpr std::size_t min_tag_size = 8;
    struct keyed {
        explicit keyed(bytes_view);
        template <crypto::bytes_like... P>
        void compute(mutable_fixed_view<32>, const P&...) const;
        template <crypto::bytes_like... P>
        result<void> verify(bytes_view, const P&...) const;
    };
    template <crypto::bytes_like... P>
    static void compute(mutable_fixed_view<32>, bytes_view, const P&...);
    template <crypto::bytes_like... P>
    static result<void> verify(bytes_view, bytes_view, const P&...);
};

struct kdf {
    using kdf_concept = crypto::kdf_tag;
    static constexpr std::size_t max_output_size = 8160;
    static result<void> derive(mutable_bytes_view, bytes_view, bytes_view, bytes_view);
    template <std::size_t N, class Tag = void>
    static secret<N, Tag> derive(bytes_view, bytes_view, bytes_view);
};

static_assert(crypto::diffie_hellman<dh>);
static_assert(crypto::signature_scheme<signer>);
static_assert(crypto::hash_function<hasher>);
static_assert(crypto::mac_function<mac>);
static_assert(crypto::key_derivation<kdf>);

} // namespace e2ekit::test::archetypes

#endif
