// Runs each secret-handling path once with its secret inputs poisoned. Under
// valgrind, a branch or table index on a poisoned byte fails the test; the
// results are unpoisoned only where they become public (a verdict, a length,
// a public key). Each check also compares the poisoned run with a clean one
// (the comparison itself constant time, its verdict unpoisoned).
#include <e2ekit/core.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace e2ekit;
using namespace e2ekit::crypto;

int checks = 0;

template <class F>
void check(const char* name, F&& f) {
    f();
    ++checks;
    std::printf("ctgrind: %s\n", name);
}

void require(bool ok) {
    ct::unpoison(ok);
    if (!ok) std::abort();
}

/// A verdict that the protocol makes public anyway.
template <class R>
bool accepted(const R& r) {
    bool ok = r.has_value();
    ct::unpoison(ok);
    return ok;
}

template <std::size_t N, class Tag = void>
secret<N, Tag> poisoned_secret(byte fill) {
    byte_array<N> raw;
    for (std::size_t i = 0; i < N; ++i)
        raw[i] = static_cast<byte>(fill + 7 * i);
    secret<N, Tag> s{raw};
    ct::poison(s.data(), N);
    return s;
}

template <std::size_t N, class Tag>
secret<N, Tag> clean_copy(const secret<N, Tag>& s) {
    secret<N, Tag> c = s.clone();
    ct::unpoison(c.data(), N);
    return c;
}

template <class T>
void poison(const T& v) {
    ct::poison(&v, sizeof(T));
}

const bytes_view msg = as_bytes("a message whose MAC, signature or ciphertext is public");

} // namespace

int main() {
    check("ct::equal on secrets", [] {
        auto a = poisoned_secret<32>(1), b = poisoned_secret<32>(1);
        require(a == b);
    });
    check("ct::is_zero on a secret", [] {
        secret<32> a;
        ct::poison(a.data(), 32);
        require(ct::is_zero(a.view()));
    });

    check("hmac<sha256>::compute, key poisoned", [] {
        const auto key = poisoned_secret<32>(3);
        hmac_sha256::tag t;
        hmac_sha256::compute(t, key.view(), msg);
        const auto clean = hmac_sha256::tag_of(clean_copy(key).view(), msg);
        require(ct::equal(t, clean));
        hmac_sha256::keyed k(key.view());
        require(ct::equal(k.tag_of(msg), clean));
    });
    check("hmac<sha256>::verify, key and tag poisoned", [] {
        const auto key = poisoned_secret<32>(4);
        auto good = hmac_sha256::tag_of(clean_copy(key).view(), msg);
        auto bad = good;
        bad[5] ^= 1;
        poison(good);
        poison(bad);
        require(accepted(hmac_sha256::verify(key.view(), good, msg)));
        require(!accepted(hmac_sha256::verify(key.view(), bad, msg)));
        // A truncated tag (Signal's 8 bytes): its length is public.
        require(accepted(hmac_sha256::verify(key.view(), bytes_view(good).first(8), msg)));
        const hmac_sha256::keyed k(key.view());
        require(accepted(k.verify(good, msg)) && !accepted(k.verify(bad, msg)));
    });

    check("hkdf<sha256>::derive, input key poisoned", [] {
        const auto ikm = poisoned_secret<32>(5);
        const auto salt = as_bytes("salt"), info = as_bytes("WhisperMessageKeys");
        const auto okm = hkdf_sha256::derive<80>(ikm.view(), salt, info);
        const auto clean = hkdf_sha256::derive<80>(clean_copy(ikm).view(), salt, info);
        require(okm == clean);
        // Expand alone from a poisoned PRK, into a caller buffer.
        const auto prk = poisoned_secret<32>(6);
        secret<42> out;
        require(accepted(hkdf_sha256::expand(out.mutable_view(), prk.view(), info)));
    });

    check("x25519::agree, private key poisoned", [] {
        auto alice = x25519::from_private(poisoned_secret<32, x25519_private_key_tag>(8));
        ct::unpoison(alice.pub); // a public key is public
        byte_array<32> b;
        b.fill(0x42);
        const auto bob = x25519::from_private(x25519::private_key{b});
        auto ab = x25519::agree(alice.priv, bob.pub);
        require(accepted(ab));
        auto ba = x25519::agree(bob.priv, alice.pub);
        require(accepted(ba) && *ab == *ba);
        // A small-order peer key: the all-zero result is a public verdict.
        const byte_array<32> zero{};
        require(!accepted(x25519::agree(alice.priv, zero)));
    });

    check("xeddsa::sign, private key poisoned", [] {
        auto k = poisoned_secret<32, x25519_private_key_tag>(9);
        x25519::clamp(k.mutable_view());
        const auto clean = clean_copy(k);
        const auto pub = xeddsa::public_from_private(clean);
        testing::deterministic_random r1(1), r2(1);
        auto sig = xeddsa::sign(k, msg, r1);
        ct::unpoison(sig); // a signature is public
        require(sig == xeddsa::sign(clean, msg, r2));
        require(accepted(xeddsa::verify(pub, msg, sig)));
    });

    check("aes_256_gcm open, key poisoned", [] {
        const auto key = poisoned_secret<32>(10);
        const byte_array<12> iv{1, 2, 3};
        const auto aad = as_bytes("header");
        bytes sealed = aes_256_gcm::seal(key.view(), iv, aad, msg);
        ct::unpoison(sealed.data(), sealed.size()); // ciphertexts are public
        require(sealed == aes_256_gcm::seal(clean_copy(key).view(), iv, aad, msg));
        auto pt = aes_256_gcm::open(key.view(), iv, aad, sealed);
        require(accepted(pt) && ct::equal(pt->view(), msg));
        sealed.back() ^= 1;
        require(!accepted(aes_256_gcm::open(key.view(), iv, aad, sealed)));
    });

    check("aes_256_cbc decrypt, key poisoned, constant-time PKCS#7", [] {
        const auto key = poisoned_secret<32>(11);
        const byte_array<16> iv{4, 5, 6};
        bytes c = aes_256_cbc::encrypt(key.view(), iv, msg);
        ct::unpoison(c.data(), c.size()); // ciphertexts are public
        require(c == aes_256_cbc::encrypt(clean_copy(key).view(), iv, msg));
        auto pt = aes_256_cbc::decrypt(key.view(), iv, c);
        require(accepted(pt) && ct::equal(pt->view(), msg));
        // The last block then decrypts to garbage: whether its padding
        // happens to be valid is the public verdict.
        c[c.size() - 20] ^= 0x55;
        (void)accepted(aes_256_cbc::decrypt(key.view(), iv, c));
    });
    check("pkcs7_unpad_length on a poisoned block", [] {
        for (unsigned pad = 0; pad <= 17; ++pad) {
            byte_array<32> b;
            b.fill(static_cast<byte>(pad));
            ct::poison(b.data(), b.size());
            std::size_t n = crypto::detail::evp::pkcs7_unpad_length(b);
            ct::unpoison(n);
            if (n != (pad >= 1 && pad <= 16 ? pad : 0)) std::abort();
        }
    });

    std::printf("ctgrind: %d checks ran\n", checks);
    return 0;
}
