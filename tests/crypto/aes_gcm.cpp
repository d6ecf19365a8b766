#include <e2ekit/crypto/aes_gcm.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>
#include <tests/support/vectors.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

int over_long_iv_cases = 0;

template <std::size_t Bits>
bool wycheproof_case(const nlohmann::json& tc) {
    using G = hazmat::aes_gcm_any_iv<Bits>;
    const auto key = unhex(tc.at("key"));
    const auto iv = unhex(tc.at("iv"));
    const auto aad = unhex(tc.at("aad"));
    const auto msg = unhex(tc.at("msg"));
    const auto ct = unhex(tc.at("ct"));
    const auto tag = unhex(tc.at("tag"));
    if (key.size() != G::key_size || tag.size() != G::tag_size) return false;
    const fixed_view<G::key_size> k(key.data(), G::key_size);
    const fixed_view<16> t(tag.data(), 16);

    if (iv.size() > G::max_iv_size) {
        // OpenSSL 3.0 caps GCM IVs at 128 bytes (GCM_IV_MAX_SIZE), so the
        // valid 2056-bit-IV cases cannot be computed through it. The policy
        // must say so with invalid_argument; the test counts these cases
        // apart (checked below) and reports them as the file's verdict.
        auto r = G::open(k, iv, aad, concat(ct, tag));
        CHECK(r.error() == crypto_error::invalid_argument);
        ++over_long_iv_cases;
        return tc.at("result") == "valid";
    }

    // Combined form.
    auto opened = G::open(k, iv, aad, concat(ct, tag));
    if (!opened) {
        const auto e = opened.error();
        CHECK((e == crypto_error::authentication_failed || e == crypto_error::invalid_argument));
        // The detached form must agree and leave nothing in its output.
        bytes out(ct.size(), 0xAA);
        auto d = G::open_detached(out, k, iv, aad, ct, t);
        CHECK_FALSE(d);
        CHECK(ct::is_zero(out));
        return false;
    }
    if (!equal_public(opened->view(), msg)) return false;

    // Detached form, and sealing reproduces the published ct and tag.
    bytes out(ct.size());
    if (!G::open_detached(out, k, iv, aad, ct, t) || out != msg) return false;
    auto sealed = G::seal(k, iv, aad, msg);
    if (!sealed || *sealed != concat(ct, tag)) return false;
    bytes ct2(msg.size());
    byte_array<16> tag2{};
    if (!G::seal_detached(ct2, tag2, k, iv, aad, msg)) return false;
    if (ct2 != ct || !equal_public(tag2, tag)) return false;

    // The 96-bit-IV policy gives the same answers as the hazmat one.
    if (iv.size() == 12) {
        using P = aes_gcm<Bits>;
        const fixed_view<12> n(iv.data(), 12);
        if (P::seal(k, n, aad, msg) != concat(ct, tag)) return false;
        auto o = P::open(k, n, aad, concat(ct, tag));
        if (!o || !equal_public(o->view(), msg)) return false;
    }
    return true;
}

} // namespace

TEST_CASE("aes_gcm: Wycheproof aes_gcm_test.json", "[crypto][aes_gcm][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    over_long_iv_cases = 0;
    const auto t = test::run_wycheproof("aes_gcm_test.json", [](const auto& g, const auto& tc) {
        switch (g.at("keySize").template get<int>()) {
        case 128: return wycheproof_case<128>(tc);
        case 192: return wycheproof_case<192>(tc);
        case 256: return wycheproof_case<256>(tc);
        }
        return false;
    });
    CHECK(t.valid == 229);
    CHECK(t.invalid == 87);
    // The three 2056-bit-IV cases (one per key size); every other valid
    // case went through OpenSSL.
    CHECK(over_long_iv_cases == 3);
}

TEST_CASE("aes_gcm: round trip, combined and detached, in place", "[crypto][aes_gcm]") {
    testing::deterministic_random rng(4);
    auto key = random_secret<32>(rng);
    const auto iv = random_array<12>(rng);
    const bytes aad = {1, 2, 3};
    for (std::size_t n : {0, 1, 15, 16, 17, 1024}) {
        bytes pt(n);
        rng.fill(pt);
        const bytes sealed = aes_256_gcm::seal(key.view(), iv, aad, pt);
        REQUIRE(sealed.size() == n + 16);
        auto back = aes_256_gcm::open(key.view(), iv, aad, sealed);
        REQUIRE(back);
        CHECK(equal_public(back->view(), pt));

        bytes buf = pt;
        byte_array<16> tag{};
        aes_256_gcm::seal_detached(buf, tag, key.view(), iv, aad, buf);
        CHECK(equal_public(buf, bytes_view(sealed).first(n)));
        CHECK(equal_public(tag, bytes_view(sealed).last(16)));
        REQUIRE(aes_256_gcm::open_detached(buf, key.view(), iv, aad, buf, tag));
        CHECK(buf == pt);
    }
}

TEST_CASE("aes_gcm: any change is the one opaque error, output wiped", "[crypto][aes_gcm]") {
    testing::deterministic_random rng(5);
    auto key = random_secret<16>(rng);
    auto iv = random_array<12>(rng);
    bytes aad = {9, 9};
    const bytes pt(40, 0x42);
    const bytes sealed = aes_128_gcm::seal(key.view(), iv, aad, pt);

    auto expect_auth = [&](bytes_view s, bytes_view a, const byte_array<12>& n) {
        auto r = aes_128_gcm::open(key.view(), n, a, s);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::authentication_failed);
    };
    for (std::size_t i : {std::size_t{0}, std::size_t{39}, std::size_t{40}, std::size_t{55}}) {
        bytes t = sealed;
        t[i] ^= 0x80;
        expect_auth(t, aad, iv);
    }
    expect_auth(bytes_view(sealed).first(sealed.size() - 1), aad, iv); // truncated tag
    expect_auth(bytes_view(sealed).first(15), aad, iv);                // shorter than a tag
    expect_auth({}, aad, iv);
    expect_auth(sealed, {}, iv); // AAD dropped
    auto other_iv = iv;
    other_iv[0] ^= 1;
    expect_auth(sealed, aad, other_iv);

    bytes out(40, 0xAA);
    byte_array<16> bad_tag{};
    auto r =
        aes_128_gcm::open_detached(out, key.view(), iv, aad, bytes_view(sealed).first(40), bad_tag);
    CHECK(r.error() == crypto_error::authentication_failed);
    CHECK(ct::is_zero(out));
}

TEST_CASE("aes_gcm: IV lengths are typed; odd ones go through hazmat", "[crypto][aes_gcm]") {
    byte_array<32> key{};
    byte_array<16> iv16{};
    const bytes pt = {1, 2, 3};
    using gcm16 = aes_gcm<256, 16>;
    static_assert(aead<gcm16> && gcm16::nonce_size == 16);
    const bytes a = gcm16::seal(key, iv16, {}, pt);
    auto b = hazmat::aes_gcm_any_iv<256>::seal(key, iv16, {}, pt);
    REQUIRE(b);
    CHECK(a == *b);
    // Switching back to a 12-byte IV on the same thread's context works.
    byte_array<12> iv12{};
    auto c = aes_256_gcm::open(key, iv12, {}, aes_256_gcm::seal(key, iv12, {}, pt));
    REQUIRE(c);
    CHECK(equal_public(c->view(), pt));

    CHECK(hazmat::aes_gcm_any_iv<256>::seal(key, {}, {}, pt).error() ==
          crypto_error::invalid_argument);
    const bytes huge_iv(129);
    CHECK(hazmat::aes_gcm_any_iv<256>::seal(key, huge_iv, {}, pt).error() ==
          crypto_error::invalid_argument);
    bytes out(2);
    byte_array<16> tag{};
    CHECK_THROWS_AS(aes_256_gcm::seal_detached(out, tag, key, iv12, {}, pt), std::invalid_argument);
}

TEST_CASE("aes_gcm: per-thread contexts, used from several threads", "[crypto][aes_gcm]") {
    // Each thread gets its own prepared context; results must not mix.
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &failures] {
            byte_array<32> key{};
            key[0] = static_cast<byte>(t);
            byte_array<12> iv{};
            const bytes pt(100 + static_cast<std::size_t>(t), static_cast<byte>(t));
            for (int i = 0; i < 200; ++i) {
                iv[11] = static_cast<byte>(i);
                auto back = aes_256_gcm::open(key, iv, {}, aes_256_gcm::seal(key, iv, {}, pt));
                if (!back || !equal_public(back->view(), pt)) ++failures;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    CHECK(failures == 0);
}
