#include <e2ekit/crypto/ripemd160.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::crypto;

TEST_CASE("ripemd160: the test vectors of Dobbertin, Bosselaers and Preneel",
          "[crypto][ripemd160]") {
    // From the RIPEMD-160 page (homes.esat.kuleuven.be/~bosselae/ripemd160.html).
    const std::pair<std::string, const char*> cases[] = {
        {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
        {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
        {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
        {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
        {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "b0e20b6e3116640286ed3a87a5713079b21f5189"},
    };
    for (const auto& [msg, hex] : cases)
        CHECK(test::tohex(ripemd160::digest_of(as_bytes(msg))) == hex);
    std::string eight;
    for (int i = 0; i < 8; ++i)
        eight += "1234567890";
    CHECK(test::tohex(ripemd160::digest_of(as_bytes(eight))) ==
          "9b752e45573d4b39f4dbd3323cab82bf63326bfb");
    ripemd160::state s;
    const std::string a1000(1000, 'a');
    for (int i = 0; i < 1000; ++i)
        s.update(as_bytes(a1000));
    ripemd160::digest d;
    s.final(d);
    CHECK(test::tohex(d) == "52783243c1697bdbe16d37f97f68f08325dc1528"); // a million "a"
}

TEST_CASE("ripemd160: parts, forks and resets", "[crypto][ripemd160]") {
    const auto whole = ripemd160::digest_of(as_bytes("message digest"));
    CHECK(ripemd160::digest_of(as_bytes("mess"), as_bytes("age "), as_bytes("digest")) == whole);
    ripemd160::state s;
    s.update(as_bytes("message "));
    ripemd160::state fork = s;
    s.update(as_bytes("digest"));
    fork.update(as_bytes("digest"));
    ripemd160::digest a, b;
    s.final(a);
    fork.final(b);
    CHECK(a == whole);
    CHECK(b == whole);
    s.final(a); // final() restarted s empty
    CHECK(test::tohex(a) == "9c1185a5c5e9fc54612808977ee8f548b2258d31");
    ripemd160::state moved = std::move(fork);
    moved.update(as_bytes("abc"));
    moved.final(b);
    CHECK(test::tohex(b) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}
