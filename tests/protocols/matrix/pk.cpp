#include <e2ekit/protocols/matrix/pk.hpp>

#include <catch2/catch.hpp>

#include <string>

// python-olm is the judge of the bytes (tests/interop/matrix_python); here
// round trips and refusals.

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

TEST_CASE("matrix pk: round trip and refusals", "[protocols][matrix]") {
    testing::deterministic_random rng(13);
    const auto me = crypto::x25519::generate(rng);
    auto m = mx::pk_encrypt(me.pub, as_bytes("backup of a room key"), rng).value();
    auto pt = mx::pk_decrypt(me.priv, m);
    REQUIRE(pt);
    CHECK(std::string(as_chars(pt->view())) == "backup of a room key");

    const auto other = crypto::x25519::generate(rng);
    CHECK(mx::pk_decrypt(other.priv, m).error() == mx::matrix_error::authentication_failed);
    auto bad_mac = m;
    bad_mac.mac[0] ^= 1;
    CHECK(mx::pk_decrypt(me.priv, bad_mac).error() == mx::matrix_error::authentication_failed);
    auto cut = m;
    cut.ciphertext.resize(cut.ciphertext.size() - 1);
    CHECK(mx::pk_decrypt(me.priv, cut).error() == mx::matrix_error::authentication_failed);
    CHECK(mx::pk_encrypt(crypto::x25519::public_key{}, as_bytes("x"), rng).error() ==
          crypto::crypto_error::invalid_key);
}
