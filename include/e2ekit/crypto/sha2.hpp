// SHA-256 and SHA-512 (FIPS 180-4) over OpenSSL 3.0 libcrypto, which runs
// SHA-NI where the CPU has it; libsodium 1.0.18 has no SHA-NI code and is
// several times slower. `sha256` / `sha512` use the fastest back end this
// libcrypto offers (see detail/openssl_sha2.hpp for the measurements);
// `sha256_evp` / `sha512_evp` always go through EVP.
#ifndef E2EKIT_CRYPTO_SHA2_HPP
#define E2EKIT_CRYPTO_SHA2_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/openssl_sha2.hpp>

#include <cstddef>

namespace e2ekit::crypto {

/// A SHA-2 variant `P` (detail::sha256_params...) over the back end `State`.
template <class P, template <class> class State>
struct basic_sha2 {
    using hash_concept = hash_tag;
    static constexpr std::size_t digest_size = P::digest_size;
    static constexpr std::size_t block_size = P::block_size;
    using digest = byte_array<digest_size>;
    /// Incremental hashing; a copy forks the stream.
    using state = State<P>;

    /// out = SHA-2(parts[0] ‖ parts[1] ‖ ...), without concatenating them.
    /// `out` may overlap the parts.
    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<digest_size> out, const Parts&... parts) {
        if constexpr (state::cheap_to_construct) {
            state s;
            (s.update(bytes_view(parts)), ...);
            s.final(out);
        } else {
            // An EVP_MD_CTX per call would be a malloc and a free; keep one
            // per thread. final() leaves it re-initialised and holding
            // nothing; only a throwing update (an environment failure) can
            // leave it dirty, so that path restarts it.
            thread_local state s;
            try {
                (s.update(bytes_view(parts)), ...);
                s.final(out);
            } catch (...) {
                s.reset();
                throw;
            }
        }
    }

    template <bytes_like... Parts>
    static digest digest_of(const Parts&... parts) {
        digest d;
        hash(d, parts...);
        return d;
    }
};

using sha256 = basic_sha2<detail::sha256_params, detail::default_sha2_state>;
using sha512 = basic_sha2<detail::sha512_params, detail::default_sha2_state>;
using sha256_evp = basic_sha2<detail::sha256_params, detail::evp_sha2_state>;
using sha512_evp = basic_sha2<detail::sha512_params, detail::evp_sha2_state>;

static_assert(hash_function<sha256>);
static_assert(hash_function<sha512>);
static_assert(hash_function<sha256_evp>);
static_assert(hash_function<sha512_evp>);

} // namespace e2ekit::crypto

#endif
