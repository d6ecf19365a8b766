#include <e2ekit/protocols/signal/fingerprint.hpp>

#include <catch2/catch.hpp>

#include "../../support/vectors.hpp"

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;

namespace {

crypto::x25519::public_key key33(std::string_view hex) {
    auto k = sig::key_encoding::decode(test::unhex(std::string(hex)));
    REQUIRE(k);
    return *k;
}

} // namespace

// The known answers of libsignal-protocol-c's own test suite
// (tests/test_fingerprint.c, test_vectors_v1: 5200 iterations, scannable
// version 1).
TEST_CASE("signal fingerprint: libsignal-protocol-c's published vectors",
          "[protocols][signal][fingerprint]") {
    const auto alice = key33("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868");
    const auto bob = key33("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b");
    const auto a = sig::make_fingerprint("+14152222222", alice, "+14153333333", bob);
    const auto b = sig::make_fingerprint("+14153333333", bob, "+14152222222", alice);
    CHECK(a.displayable == "300354477692869396892869876765458257569162576843440918079131");
    CHECK(b.displayable == a.displayable);
    CHECK(test::tohex(a.scannable) ==
          "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a22"
          "0a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d");
    CHECK(test::tohex(b.scannable) ==
          "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a22"
          "0a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df");
    CHECK(a.matches(b.scannable).value() == true);
    CHECK(b.matches(a.scannable).value() == true);

    // A man in the middle shows each side another key.
    testing::deterministic_random rng{5};
    const auto mitm = crypto::x25519::generate(rng).pub;
    const auto b2 = sig::make_fingerprint("+14153333333", bob, "+14152222222", mitm);
    CHECK(a.matches(b2.scannable).value() == false);
    CHECK(a.matches(a.scannable).value() == false); // one's own form is not the other's

    // libsignal-protocol-c's version-0 form (test_fingerprint.c
    // ALICE_SCANNABLE_FINGERPRINT_V0's first bytes) and garbage.
    CHECK(a.matches(bytes{0x08, 0x00}).error() == sig::signal_error::fingerprint_version_mismatch);
    CHECK(a.matches(bytes{0x0a, 0xff}).error() == envelope::envelope_error::malformed);
}
