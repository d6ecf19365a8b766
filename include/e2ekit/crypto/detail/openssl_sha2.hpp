// The two SHA-2 back ends over OpenSSL 3.0 libcrypto, both running its
// SHA-NI / AVX2 assembly on x86-64:
//
// - `lowlevel_sha2_state`: the SHA256_CTX / SHA512_CTX block functions.
//   A state is a plain struct, so forking it (what HMAC does twice per
//   tag) is a 112- or 216-byte copy, and a call costs no provider dispatch.
//   Measured on the project's bench machine: HMAC-SHA-256 of 32 bytes
//   151 ns this way against 298 ns with EVP_MD_CTX copies (each copy of a
//   provider context is a free plus a malloc), 392 ns with a re-initialised
//   EVP_MAC_CTX and 1.8 us with libsodium 1.0.18 (no SHA-NI).
//   OpenSSL 3.0 deprecates these functions (they still ship and are what
//   the EVP provider calls internally), so their use is fenced by a
//   diagnostic pragma, and a libcrypto built without 3.0-deprecated API
//   falls back to the EVP state below.
// - `evp_sha2_state`: an EVP_MD_CTX over the EVP_MD fetched once per process.
#ifndef E2EKIT_CRYPTO_DETAIL_OPENSSL_SHA2_HPP
#define E2EKIT_CRYPTO_DETAIL_OPENSSL_SHA2_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/crypto/detail/openssl.hpp>

#include <openssl/evp.h>
#include <openssl/opensslconf.h>
#include <openssl/sha.h>

#include <cstddef>

#if !defined(OPENSSL_NO_DEPRECATED_3_0) && !defined(E2EKIT_SHA2_EVP_ONLY)
#define E2EKIT_HAVE_LOWLEVEL_SHA2 1
#endif

namespace e2ekit::crypto::detail {

#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
struct sha256_lowlevel {
    using ctx = SHA256_CTX;
    static void init(ctx* c) noexcept { SHA256_Init(c); }
    static void update(ctx* c, const byte* p, std::size_t n) noexcept { SHA256_Update(c, p, n); }
    static void final(byte* out, ctx* c) noexcept { SHA256_Final(out, c); }
};
struct sha512_lowlevel {
    using ctx = SHA512_CTX;
    static void init(ctx* c) noexcept { SHA512_Init(c); }
    static void update(ctx* c, const byte* p, std::size_t n) noexcept { SHA512_Update(c, p, n); }
    static void final(byte* out, ctx* c) noexcept { SHA512_Final(out, c); }
};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

/// What each SHA-2 variant tells the back ends.
struct sha256_params {
    static constexpr std::size_t digest_size = 32;
    static constexpr std::size_t block_size = 64;
    static const EVP_MD* md() { return sha256_md(); }
#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
    using lowlevel = sha256_lowlevel;
#endif
};
struct sha512_params {
    static constexpr std::size_t digest_size = 64;
    static constexpr std::size_t block_size = 128;
    static const EVP_MD* md() { return sha512_md(); }
#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
    using lowlevel = sha512_lowlevel;
#endif
};

/// An incremental SHA-2 over an EVP_MD_CTX. Copying forks the stream
/// (EVP_MD_CTX_copy_ex); a moved-from state may only be assigned or destroyed.
template <class P>
class evp_sha2_state {
public:
    /// Constructing allocates: one-shot hashing keeps one per thread.
    static constexpr bool cheap_to_construct = false;

    evp_sha2_state() : ctx_(new_md_ctx()) { reset(); }
    evp_sha2_state(const evp_sha2_state& o) : ctx_(new_md_ctx()) {
        check(EVP_MD_CTX_copy_ex(ctx_.get(), o.ctx_.get()), "EVP_MD_CTX_copy_ex");
    }
    evp_sha2_state& operator=(const evp_sha2_state& o) {
        if (this != &o) {
            if (!ctx_) ctx_ = new_md_ctx();
            check(EVP_MD_CTX_copy_ex(ctx_.get(), o.ctx_.get()), "EVP_MD_CTX_copy_ex");
        }
        return *this;
    }
    evp_sha2_state(evp_sha2_state&&) noexcept = default;
    evp_sha2_state& operator=(evp_sha2_state&&) noexcept = default;
    ~evp_sha2_state() = default; // EVP_MD_CTX_free cleanses the provider's state

    void update(bytes_view d) {
        if (!d.empty()) check(EVP_DigestUpdate(ctx_.get(), d.data(), d.size()), "EVP_DigestUpdate");
    }
    void final(mutable_fixed_view<P::digest_size> out) {
        check(EVP_DigestFinal_ex(ctx_.get(), out.data(), nullptr), "EVP_DigestFinal_ex");
        reset();
    }
    void reset() { check(EVP_DigestInit_ex2(ctx_.get(), P::md(), nullptr), "EVP_DigestInit_ex2"); }

private:
    md_ctx_ptr ctx_;
};

#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
/// An incremental SHA-2 in a plain struct: copies are memberwise, nothing
/// allocates, nothing fails. Wiped when destroyed (HMAC keeps keyed states).
template <class P>
class lowlevel_sha2_state {
public:
    static constexpr bool cheap_to_construct = true;

    lowlevel_sha2_state() noexcept { reset(); }
    lowlevel_sha2_state(const lowlevel_sha2_state&) noexcept = default;
    lowlevel_sha2_state& operator=(const lowlevel_sha2_state&) noexcept = default;
    ~lowlevel_sha2_state() { ct::wipe(&c_, sizeof c_); }

    void update(bytes_view d) noexcept { P::lowlevel::update(&c_, d.data(), d.size()); }
    void final(mutable_fixed_view<P::digest_size> out) noexcept {
        P::lowlevel::final(out.data(), &c_);
        reset();
    }
    void reset() noexcept { P::lowlevel::init(&c_); }

private:
    typename P::lowlevel::ctx c_;
};

template <class P>
using default_sha2_state = lowlevel_sha2_state<P>;
#else
template <class P>
using default_sha2_state = evp_sha2_state<P>;
#endif

} // namespace e2ekit::crypto::detail

#endif
