#include <e2ekit/crypto/sha2.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <e2ekit/core/random.hpp>

#include <algorithm>
#include <string>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;

// Known answers: the examples of FIPS 180-2, Appendix B (SHA-256) and C
// (SHA-512): "abc", the two-block message, and one million 'a'.
namespace {
const std::string two_block_256 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string two_block_512 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

template <class H>
std::string hex_of(const std::string& s) {
    return tohex(H::digest_of(as_bytes(s)));
}

template <class H>
std::string million_a_in_pieces() {
    // Through the incremental state, in pieces that straddle blocks.
    typename H::state st;
    const std::string chunk(997, 'a');
    std::size_t left = 1000000;
    while (left) {
        const std::size_t n = std::min(left, chunk.size());
        st.update(as_bytes(std::string_view(chunk).substr(0, n)));
        left -= n;
    }
    typename H::digest d;
    st.final(d);
    return tohex(d);
}
} // namespace

TEMPLATE_TEST_CASE("sha256: FIPS 180-2 examples", "[crypto][sha2]", sha256, sha256_evp) {
    CHECK(hex_of<TestType>("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_of<TestType>(two_block_256) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(million_a_in_pieces<TestType>() ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEMPLATE_TEST_CASE("sha512: FIPS 180-2 examples", "[crypto][sha2]", sha512, sha512_evp) {
    CHECK(hex_of<TestType>("abc") ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(hex_of<TestType>(two_block_512) ==
          "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
          "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK(million_a_in_pieces<TestType>() ==
          "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
          "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEMPLATE_TEST_CASE("sha2: parts, states and back ends agree", "[crypto][sha2]", sha256, sha512,
                   sha256_evp, sha512_evp) {
    using H = TestType;
    testing::deterministic_random rng(3);
    bytes msg(1000);
    rng.fill(msg);
    const auto whole = H::digest_of(msg);
    for (std::size_t cut : {0u, 1u, 63u, 64u, 65u, 127u, 128u, 129u, 999u, 1000u}) {
        const bytes_view m(msg);
        CAPTURE(cut);
        CHECK(H::digest_of(m.first(cut), m.subspan(cut)) == whole);
        typename H::state s;
        s.update(m.first(cut));
        typename H::state fork = s; // copying forks the stream
        s.update(m.subspan(cut));
        typename H::digest d;
        s.final(d);
        CHECK(d == whole);
        fork.update(m.subspan(cut));
        fork.final(d);
        CHECK(d == whole);
        // final() restarts the state empty.
        s.update(msg);
        s.final(d);
        CHECK(d == whole);
    }
    // Empty input, empty parts and no parts are the same message.
    CHECK(H::digest_of() == H::digest_of(bytes_view{}, bytes{}));
    // The output may overlap the input.
    typename H::digest io{};
    const auto expect = H::digest_of(io);
    H::hash(io, io);
    CHECK(io == expect);
}

TEST_CASE("sha2: the default back end agrees with EVP", "[crypto][sha2]") {
    testing::deterministic_random rng(4);
    for (std::size_t n = 0; n < 300; n += 7) {
        bytes m(n);
        if (n) rng.fill(m); // deterministic_random::fill needs a non-null buffer
        CHECK(sha256::digest_of(m) == sha256_evp::digest_of(m));
        CHECK(sha512::digest_of(m) == sha512_evp::digest_of(m));
    }
}
