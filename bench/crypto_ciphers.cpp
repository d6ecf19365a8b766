// e2ekit's cipher and public-key policies beside the OpenSSL and
// libsecp256k1 calls they wrap. Pairs share a name up to the slash:
//   /e2ekit            the policy
//   /openssl           the same library call, prepared the way e2ekit
//                      prepares it (fetched once, context reused): the
//                      wrapper's own cost is the difference
//   /openssl_per_call  the common way of calling it (implicit fetch, new
//                      context each time): what preparing saves
// keccak256 has no library counterpart; OpenSSL's SHA3-256 (the same
// permutation) is its yardstick.
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/aes_ctr.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/crypto/keccak.hpp>
#include <e2ekit/crypto/pbkdf2.hpp>
#include <e2ekit/crypto/ripemd160.hpp>
#include <e2ekit/crypto/rsa.hpp>
#include <e2ekit/crypto/secp256k1.hpp>

#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <secp256k1.h>

#include <cstdlib>

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

const byte_array<32> key = [] {
    byte_array<32> k{};
    for (std::size_t i = 0; i < k.size(); ++i)
        k[i] = static_cast<byte>(i * 7 + 1);
    return k;
}();
const byte_array<16> iv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const byte_array<12> nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
const byte_array<16> aad{9, 9, 9, 9};

bytes data_of(std::size_t n) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<byte>(i);
    return b;
}

void need(bool ok) {
    if (!ok) std::abort();
}

/// A raw EVP cipher call as e2ekit makes it: one fetch, one context.
struct prepared_evp {
    EVP_CIPHER* cipher;
    EVP_CIPHER_CTX* ctx;
    explicit prepared_evp(const char* name)
        : cipher(EVP_CIPHER_fetch(nullptr, name, nullptr)), ctx(EVP_CIPHER_CTX_new()) {
        need(cipher && ctx && EVP_CipherInit_ex2(ctx, cipher, nullptr, nullptr, 1, nullptr) == 1);
    }
    ~prepared_evp() {
        EVP_CIPHER_CTX_free(ctx);
        EVP_CIPHER_free(cipher);
    }
};

// --- AES-256-CBC, 1 KiB ------------------------------------------------------

const bytes kib = data_of(1024);

void cbc_encrypt_e2ekit(benchmark::State& s) {
    bytes out(aes_256_cbc::padded_size(kib.size()));
    for (auto _ : s) {
        aes_256_cbc::encrypt_into(out, key, iv, kib);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void cbc_encrypt_openssl(benchmark::State& s) {
    prepared_evp p("AES-256-CBC");
    bytes out(kib.size() + 16);
    for (auto _ : s) {
        int n = 0, m = 0;
        need(EVP_CipherInit_ex2(p.ctx, nullptr, key.data(), iv.data(), 1, nullptr) == 1);
        need(EVP_CipherUpdate(p.ctx, out.data(), &n, kib.data(), 1024) == 1);
        need(EVP_CipherFinal_ex(p.ctx, out.data() + n, &m) == 1);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void cbc_encrypt_openssl_per_call(benchmark::State& s) {
    bytes out(kib.size() + 16);
    for (auto _ : s) {
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        int n = 0, m = 0;
        need(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), nullptr, key.data(), iv.data()) == 1);
        need(EVP_EncryptUpdate(c, out.data(), &n, kib.data(), 1024) == 1);
        need(EVP_EncryptFinal_ex(c, out.data() + n, &m) == 1);
        EVP_CIPHER_CTX_free(c);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}

const bytes cbc_ct = aes_256_cbc::encrypt(key, iv, kib);

void cbc_decrypt_e2ekit(benchmark::State& s) {
    for (auto _ : s) {
        auto pt = aes_256_cbc::decrypt(key, iv, cbc_ct);
        need(pt.has_value());
        benchmark::DoNotOptimize(pt->data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void cbc_decrypt_openssl(benchmark::State& s) {
    // OpenSSL's own (branching) unpadding; e2ekit unpads in constant time.
    prepared_evp p("AES-256-CBC");
    for (auto _ : s) {
        secret_bytes out(cbc_ct.size()); // e2ekit allocates its result too
        int n = 0, m = 0;
        need(EVP_CipherInit_ex2(p.ctx, nullptr, key.data(), iv.data(), 0, nullptr) == 1);
        need(EVP_CipherUpdate(p.ctx, out.data(), &n, cbc_ct.data(),
                              static_cast<int>(cbc_ct.size())) == 1);
        need(EVP_CipherFinal_ex(p.ctx, out.data() + n, &m) == 1);
        out.resize(static_cast<std::size_t>(n + m));
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}

// --- AES-256-GCM, 1 KiB ------------------------------------------------------

void gcm_seal_e2ekit(benchmark::State& s) {
    bytes out(kib.size());
    byte_array<16> tag;
    for (auto _ : s) {
        aes_256_gcm::seal_detached(out, tag, key, nonce, aad, kib);
        benchmark::DoNotOptimize(tag.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void gcm_seal_openssl(benchmark::State& s) {
    prepared_evp p("AES-256-GCM");
    bytes out(kib.size());
    byte_array<16> tag;
    for (auto _ : s) {
        int n = 0;
        need(EVP_CipherInit_ex2(p.ctx, nullptr, key.data(), nonce.data(), 1, nullptr) == 1);
        need(EVP_CipherUpdate(p.ctx, nullptr, &n, aad.data(), 16) == 1);
        need(EVP_CipherUpdate(p.ctx, out.data(), &n, kib.data(), 1024) == 1);
        need(EVP_CipherFinal_ex(p.ctx, out.data() + n, &n) == 1);
        need(EVP_CIPHER_CTX_ctrl(p.ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1);
        benchmark::DoNotOptimize(tag.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void gcm_seal_openssl_per_call(benchmark::State& s) {
    bytes out(kib.size());
    byte_array<16> tag;
    for (auto _ : s) {
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        int n = 0;
        need(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) == 1);
        need(EVP_EncryptUpdate(c, nullptr, &n, aad.data(), 16) == 1);
        need(EVP_EncryptUpdate(c, out.data(), &n, kib.data(), 1024) == 1);
        need(EVP_EncryptFinal_ex(c, out.data() + n, &n) == 1);
        need(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1);
        EVP_CIPHER_CTX_free(c);
        benchmark::DoNotOptimize(tag.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}

const bytes gcm_sealed = aes_256_gcm::seal(key, nonce, aad, kib);

void gcm_open_e2ekit(benchmark::State& s) {
    bytes out(kib.size());
    const auto ct = bytes_view(gcm_sealed).first(1024);
    const fixed_view<16> tag(gcm_sealed.data() + 1024, 16);
    for (auto _ : s) {
        need(aes_256_gcm::open_detached(out, key, nonce, aad, ct, tag).has_value());
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}
void gcm_open_openssl(benchmark::State& s) {
    prepared_evp p("AES-256-GCM");
    bytes out(kib.size());
    byte_array<16> tag;
    std::copy(gcm_sealed.begin() + 1024, gcm_sealed.end(), tag.begin());
    for (auto _ : s) {
        int n = 0;
        need(EVP_CipherInit_ex2(p.ctx, nullptr, key.data(), nonce.data(), 0, nullptr) == 1);
        need(EVP_CipherUpdate(p.ctx, nullptr, &n, aad.data(), 16) == 1);
        need(EVP_CipherUpdate(p.ctx, out.data(), &n, gcm_sealed.data(), 1024) == 1);
        need(EVP_CIPHER_CTX_ctrl(p.ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag.data()) == 1);
        need(EVP_CipherFinal_ex(p.ctx, out.data() + n, &n) == 1);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib.size()));
}

// --- AES-256-CTR, 64 KiB -----------------------------------------------------

const bytes kib64 = data_of(64 * 1024);

void ctr_e2ekit(benchmark::State& s) {
    bytes out(kib64.size());
    for (auto _ : s) {
        aes_256_ctr::apply(out, key, iv, kib64);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib64.size()));
}
void ctr_openssl(benchmark::State& s) {
    prepared_evp p("AES-256-CTR");
    bytes out(kib64.size());
    for (auto _ : s) {
        int n = 0;
        need(EVP_CipherInit_ex2(p.ctx, nullptr, key.data(), iv.data(), 1, nullptr) == 1);
        need(EVP_CipherUpdate(p.ctx, out.data(), &n, kib64.data(),
                              static_cast<int>(kib64.size())) == 1);
        benchmark::DoNotOptimize(out.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations() * kib64.size()));
}

// --- PBKDF2-HMAC-SHA-256 / SHA-512, 1000 rounds ------------------------------

void pbkdf2_sha256_e2ekit(benchmark::State& s) {
    byte_array<32> out;
    for (auto _ : s) {
        need(pbkdf2_sha256::derive(out, as_bytes("passphrase"), iv, 1000).has_value());
        benchmark::DoNotOptimize(out.data());
    }
}
void pbkdf2_sha256_openssl(benchmark::State& s) {
    byte_array<32> out;
    for (auto _ : s) {
        need(PKCS5_PBKDF2_HMAC("passphrase", 10, iv.data(), 16, 1000, EVP_sha256(), 32,
                               out.data()) == 1);
        benchmark::DoNotOptimize(out.data());
    }
}
void pbkdf2_sha512_e2ekit(benchmark::State& s) {
    byte_array<64> out;
    for (auto _ : s) {
        need(pbkdf2_sha512::derive(out, as_bytes("passphrase"), iv, 1000).has_value());
        benchmark::DoNotOptimize(out.data());
    }
}
void pbkdf2_sha512_openssl(benchmark::State& s) {
    byte_array<64> out;
    for (auto _ : s) {
        need(PKCS5_PBKDF2_HMAC("passphrase", 10, iv.data(), 16, 1000, EVP_sha512(), 64,
                               out.data()) == 1);
        benchmark::DoNotOptimize(out.data());
    }
}

// --- RSA-2048 ------------------------------------------------------------------

const rsa_private_key& rsa_key() {
    static const rsa_private_key k = rsa_private_key::generate(2048);
    return k;
}
const rsa_public_key& rsa_pub() {
    static const rsa_public_key k = rsa_key().public_key();
    return k;
}

void rsa_encrypt_e2ekit(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    for (auto _ : s) {
        auto ct = rsa_pkcs1_v15::encrypt(rsa_pub(), key);
        need(ct.has_value());
        benchmark::DoNotOptimize(ct->data());
    }
}
void rsa_encrypt_openssl(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    bytes out(256);
    for (auto _ : s) {
        EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_pkey(nullptr, rsa_pub().native(), nullptr);
        std::size_t n = out.size();
        need(EVP_PKEY_encrypt_init(c) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_encrypt(c, out.data(), &n, key.data(), key.size()) == 1);
        EVP_PKEY_CTX_free(c);
        benchmark::DoNotOptimize(out.data());
    }
}
void rsa_decrypt_e2ekit(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    const bytes ct = *rsa_pkcs1_v15::encrypt(rsa_pub(), key);
    for (auto _ : s) {
        auto pt = rsa_pkcs1_v15::decrypt(rsa_key(), ct);
        need(pt.has_value());
        benchmark::DoNotOptimize(pt->data());
    }
}
void rsa_decrypt_openssl(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    const bytes ct = *rsa_pkcs1_v15::encrypt(rsa_pub(), key);
    bytes out(256);
    for (auto _ : s) {
        EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_pkey(nullptr, rsa_key().native(), nullptr);
        std::size_t n = out.size();
        need(EVP_PKEY_decrypt_init(c) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_decrypt(c, out.data(), &n, ct.data(), ct.size()) == 1);
        EVP_PKEY_CTX_free(c);
        benchmark::DoNotOptimize(out.data());
    }
}
void rsa_sign_e2ekit(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    for (auto _ : s) {
        bytes sig = rsa_pkcs1_v15_sha256::sign(rsa_key(), kib);
        benchmark::DoNotOptimize(sig.data());
    }
}
void rsa_sign_openssl(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    bytes sig(256);
    for (auto _ : s) {
        EVP_MD_CTX* m = EVP_MD_CTX_new();
        std::size_t n = sig.size();
        need(EVP_DigestSignInit_ex(m, nullptr, "SHA256", nullptr, nullptr, rsa_key().native(),
                                   nullptr) == 1 &&
             EVP_DigestSign(m, sig.data(), &n, kib.data(), kib.size()) == 1);
        EVP_MD_CTX_free(m);
        benchmark::DoNotOptimize(sig.data());
    }
}
void rsa_verify_e2ekit(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    const bytes sig = rsa_pkcs1_v15_sha256::sign(rsa_key(), kib);
    for (auto _ : s)
        need(rsa_pkcs1_v15_sha256::verify(rsa_pub(), kib, sig).has_value());
}
void rsa_verify_openssl(benchmark::State& s) {
    (void)rsa_pub(); // key generation stays out of the timing
    const bytes sig = rsa_pkcs1_v15_sha256::sign(rsa_key(), kib);
    for (auto _ : s) {
        EVP_MD_CTX* m = EVP_MD_CTX_new();
        need(EVP_DigestVerifyInit_ex(m, nullptr, "SHA256", nullptr, nullptr, rsa_pub().native(),
                                     nullptr) == 1 &&
             EVP_DigestVerify(m, sig.data(), sig.size(), kib.data(), kib.size()) == 1);
        EVP_MD_CTX_free(m);
    }
}

// --- secp256k1 ECDSA over SHA-256 of 1 KiB ---------------------------------------

const secp256k1_private_key& ec_key() {
    static const secp256k1_private_key k = *secp256k1::private_key_from(key);
    return k;
}

/// The raw path: SHA-256 through a reused EVP_MD_CTX, then libsecp256k1.
struct raw_secp {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    EVP_MD* sha = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    raw_secp() {
        byte_array<32> seed{7};
        need(secp256k1_context_randomize(ctx, seed.data()) == 1);
    }
    ~raw_secp() {
        EVP_MD_CTX_free(md);
        EVP_MD_free(sha);
        secp256k1_context_destroy(ctx);
    }
    byte_array<32> hash(bytes_view m) {
        byte_array<32> h;
        unsigned n = 0;
        need(EVP_DigestInit_ex2(md, sha, nullptr) == 1 &&
             EVP_DigestUpdate(md, m.data(), m.size()) == 1 &&
             EVP_DigestFinal_ex(md, h.data(), &n) == 1);
        return h;
    }
};

void secp_sign_e2ekit(benchmark::State& s) {
    for (auto _ : s) {
        auto sig = ecdsa_secp256k1_sha256::sign(ec_key(), kib);
        need(sig.has_value());
        benchmark::DoNotOptimize(sig->data());
    }
}
void secp_sign_libsecp256k1(benchmark::State& s) {
    raw_secp r;
    for (auto _ : s) {
        const auto h = r.hash(kib);
        secp256k1_ecdsa_signature sig;
        need(secp256k1_ecdsa_sign(r.ctx, &sig, h.data(), key.data(), nullptr, nullptr) == 1);
        bytes der(72);
        std::size_t n = der.size();
        need(secp256k1_ecdsa_signature_serialize_der(r.ctx, der.data(), &n, &sig) == 1);
        der.resize(n);
        benchmark::DoNotOptimize(der.data());
    }
}
void secp_verify_e2ekit(benchmark::State& s) {
    const bytes sig = *ecdsa_secp256k1_sha256::sign(ec_key(), kib);
    const auto pub = *secp256k1::public_key_of(ec_key());
    for (auto _ : s)
        need(ecdsa_secp256k1_sha256::verify(pub, kib, sig).has_value());
}
void secp_verify_libsecp256k1(benchmark::State& s) {
    raw_secp r;
    const bytes der = *ecdsa_secp256k1_sha256::sign(ec_key(), kib);
    secp256k1_pubkey pub;
    need(secp256k1_ec_pubkey_create(r.ctx, &pub, key.data()) == 1);
    for (auto _ : s) {
        secp256k1_ecdsa_signature sig;
        need(secp256k1_ecdsa_signature_parse_der(r.ctx, &sig, der.data(), der.size()) == 1);
        secp256k1_ecdsa_signature_normalize(r.ctx, &sig, &sig);
        const auto h = r.hash(kib);
        need(secp256k1_ecdsa_verify(r.ctx, &sig, h.data(), &pub) == 1);
    }
}

// --- RIPEMD-160 and Keccak-256 over 64 bytes (a public key) and 1 KiB ------------

void ripemd160_e2ekit(benchmark::State& s) {
    const bytes in = data_of(static_cast<std::size_t>(s.range(0)));
    ripemd160::digest d;
    for (auto _ : s) {
        ripemd160::hash(d, in);
        benchmark::DoNotOptimize(d.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations()) * s.range(0));
}
void ripemd160_openssl(benchmark::State& s) {
    const bytes in = data_of(static_cast<std::size_t>(s.range(0)));
    EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    byte_array<20> d;
    for (auto _ : s) {
        unsigned n = 0;
        need(EVP_DigestInit_ex2(c, md, nullptr) == 1 &&
             EVP_DigestUpdate(c, in.data(), in.size()) == 1 &&
             EVP_DigestFinal_ex(c, d.data(), &n) == 1);
        benchmark::DoNotOptimize(d.data());
    }
    EVP_MD_CTX_free(c);
    EVP_MD_free(md);
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations()) * s.range(0));
}
void ripemd160_openssl_per_call(benchmark::State& s) {
    const bytes in = data_of(static_cast<std::size_t>(s.range(0)));
    byte_array<20> d;
    for (auto _ : s) {
        unsigned n = 0;
        need(EVP_Digest(in.data(), in.size(), d.data(), &n, EVP_ripemd160(), nullptr) == 1);
        benchmark::DoNotOptimize(d.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations()) * s.range(0));
}
void keccak256_e2ekit(benchmark::State& s) {
    const bytes in = data_of(static_cast<std::size_t>(s.range(0)));
    keccak256::digest d;
    for (auto _ : s) {
        keccak256::hash(d, in);
        benchmark::DoNotOptimize(d.data());
    }
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations()) * s.range(0));
}
void keccak256_openssl_sha3_256(benchmark::State& s) {
    const bytes in = data_of(static_cast<std::size_t>(s.range(0)));
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA3-256", nullptr);
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    byte_array<32> d;
    for (auto _ : s) {
        unsigned n = 0;
        need(EVP_DigestInit_ex2(c, md, nullptr) == 1 &&
             EVP_DigestUpdate(c, in.data(), in.size()) == 1 &&
             EVP_DigestFinal_ex(c, d.data(), &n) == 1);
        benchmark::DoNotOptimize(d.data());
    }
    EVP_MD_CTX_free(c);
    EVP_MD_free(md);
    s.SetBytesProcessed(static_cast<std::int64_t>(s.iterations()) * s.range(0));
}

} // namespace

BENCHMARK(cbc_encrypt_e2ekit)->Name("BM_aes256cbc_encrypt_1KiB/e2ekit");
BENCHMARK(cbc_encrypt_openssl)->Name("BM_aes256cbc_encrypt_1KiB/openssl");
BENCHMARK(cbc_encrypt_openssl_per_call)->Name("BM_aes256cbc_encrypt_1KiB/openssl_per_call");
BENCHMARK(cbc_decrypt_e2ekit)->Name("BM_aes256cbc_decrypt_1KiB/e2ekit");
BENCHMARK(cbc_decrypt_openssl)->Name("BM_aes256cbc_decrypt_1KiB/openssl");
BENCHMARK(gcm_seal_e2ekit)->Name("BM_aes256gcm_seal_1KiB/e2ekit");
BENCHMARK(gcm_seal_openssl)->Name("BM_aes256gcm_seal_1KiB/openssl");
BENCHMARK(gcm_seal_openssl_per_call)->Name("BM_aes256gcm_seal_1KiB/openssl_per_call");
BENCHMARK(gcm_open_e2ekit)->Name("BM_aes256gcm_open_1KiB/e2ekit");
BENCHMARK(gcm_open_openssl)->Name("BM_aes256gcm_open_1KiB/openssl");
BENCHMARK(ctr_e2ekit)->Name("BM_aes256ctr_64KiB/e2ekit");
BENCHMARK(ctr_openssl)->Name("BM_aes256ctr_64KiB/openssl");
BENCHMARK(pbkdf2_sha256_e2ekit)->Name("BM_pbkdf2_sha256_1000/e2ekit");
BENCHMARK(pbkdf2_sha256_openssl)->Name("BM_pbkdf2_sha256_1000/openssl");
BENCHMARK(pbkdf2_sha512_e2ekit)->Name("BM_pbkdf2_sha512_1000/e2ekit");
BENCHMARK(pbkdf2_sha512_openssl)->Name("BM_pbkdf2_sha512_1000/openssl");
BENCHMARK(rsa_encrypt_e2ekit)->Name("BM_rsa2048_encrypt/e2ekit");
BENCHMARK(rsa_encrypt_openssl)->Name("BM_rsa2048_encrypt/openssl");
BENCHMARK(rsa_decrypt_e2ekit)->Name("BM_rsa2048_decrypt/e2ekit");
BENCHMARK(rsa_decrypt_openssl)->Name("BM_rsa2048_decrypt/openssl");
BENCHMARK(rsa_sign_e2ekit)->Name("BM_rsa2048_sign_sha256/e2ekit");
BENCHMARK(rsa_sign_openssl)->Name("BM_rsa2048_sign_sha256/openssl");
BENCHMARK(rsa_verify_e2ekit)->Name("BM_rsa2048_verify_sha256/e2ekit");
BENCHMARK(rsa_verify_openssl)->Name("BM_rsa2048_verify_sha256/openssl");
BENCHMARK(secp_sign_e2ekit)->Name("BM_secp256k1_sign/e2ekit");
BENCHMARK(secp_sign_libsecp256k1)->Name("BM_secp256k1_sign/libsecp256k1");
BENCHMARK(secp_verify_e2ekit)->Name("BM_secp256k1_verify/e2ekit");
BENCHMARK(secp_verify_libsecp256k1)->Name("BM_secp256k1_verify/libsecp256k1");
BENCHMARK(ripemd160_e2ekit)->Name("BM_ripemd160/e2ekit")->Arg(64)->Arg(1024);
BENCHMARK(ripemd160_openssl)->Name("BM_ripemd160/openssl")->Arg(64)->Arg(1024);
BENCHMARK(ripemd160_openssl_per_call)->Name("BM_ripemd160/openssl_per_call")->Arg(64)->Arg(1024);
BENCHMARK(keccak256_e2ekit)->Name("BM_keccak256/e2ekit")->Arg(64)->Arg(1024);
BENCHMARK(keccak256_openssl_sha3_256)->Name("BM_keccak256/openssl_sha3_256")->Arg(64)->Arg(1024);
