// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), for DIMP and Bitcoin
// addresses: RIPEMD160(SHA256(key)). OpenSSL 3.0.7 and later ship it in
// the default provider again; on older 3.0 builds the legacy provider is
// loaded for it (detail::evp::fetch_md).
#ifndef E2EKIT_CRYPTO_RIPEMD160_HPP
#define E2EKIT_CRYPTO_RIPEMD160_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>

#include <cstddef>

namespace e2ekit::crypto {

struct ripemd160 {
    using hash_concept = hash_tag;
    static constexpr std::size_t digest_size = 20;
    static constexpr std::size_t block_size = 64;
    using digest = byte_array<digest_size>;

    /// An incremental hash over an EVP_MD_CTX; copying forks the stream.
    class state {
    public:
        state() : ctx_(new_ctx()) { reset(); }
        state(const state& o) : ctx_(new_ctx()) { copy_from(o); }
        state& operator=(const state& o) {
            if (this != &o) {
                if (!ctx_) ctx_ = new_ctx();
                copy_from(o);
            }
            return *this;
        }
        state(state&&) noexcept = default;
        state& operator=(state&&) noexcept = default;
        ~state() = default;

        void update(bytes_view in) {
            detail::evp::check(EVP_DigestUpdate(ctx_.get(), in.data(), in.size()),
                               "EVP_DigestUpdate");
        }
        void final(mutable_fixed_view<digest_size> out) {
            unsigned int n = 0;
            detail::evp::check(EVP_DigestFinal_ex(ctx_.get(), out.data(), &n),
                               "EVP_DigestFinal_ex");
            reset();
        }
        void reset() {
            if (!ctx_) ctx_ = new_ctx(); // after a move
            detail::evp::check(EVP_DigestInit_ex2(ctx_.get(), md(), nullptr), "EVP_DigestInit_ex2");
        }

    private:
        static detail::evp::md_ctx_ptr new_ctx() {
            return detail::evp::md_ctx_ptr{
                detail::evp::check_ptr(EVP_MD_CTX_new(), "EVP_MD_CTX_new")};
        }
        void copy_from(const state& o) {
            detail::evp::check(EVP_MD_CTX_copy_ex(ctx_.get(), o.ctx_.get()), "EVP_MD_CTX_copy_ex");
        }
        detail::evp::md_ctx_ptr ctx_;
    };

    /// out = RIPEMD-160(parts[0] ‖ parts[1] ‖ ...). One init, updates and
    /// one final on a context kept per thread: exactly the raw EVP calls
    /// (going through `state` would initialise twice).
    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<digest_size> out, const Parts&... parts) {
        namespace evp = detail::evp;
        thread_local const evp::md_ctx_ptr ctx{evp::check_ptr(EVP_MD_CTX_new(), "EVP_MD_CTX_new")};
        evp::check(EVP_DigestInit_ex2(ctx.get(), md(), nullptr), "EVP_DigestInit_ex2");
        (evp::check(EVP_DigestUpdate(ctx.get(), bytes_view(parts).data(), bytes_view(parts).size()),
                    "EVP_DigestUpdate"),
         ...);
        unsigned int n = 0;
        evp::check(EVP_DigestFinal_ex(ctx.get(), out.data(), &n), "EVP_DigestFinal_ex");
    }

    template <bytes_like... Parts>
    static digest digest_of(const Parts&... parts) {
        digest d;
        hash(d, parts...);
        return d;
    }

private:
    static const EVP_MD* md() { return detail::evp::md<detail::evp::ripemd160_digest>(); }
};

static_assert(hash_function<ripemd160>);

} // namespace e2ekit::crypto

#endif
