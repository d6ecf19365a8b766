// Fuzzes the DER key readers (RSA SubjectPublicKeyInfo / RSAPublicKey,
// PKCS#8 / RSAPrivateKey; secp256k1 SubjectPublicKeyInfo, SEC 1 points,
// PKCS#8 / ECPrivateKey): no input may crash, hang or leave an error on
// OpenSSL's queue, and every key that parses must encode back to bytes
// that parse to the same key.
#include <e2ekit/crypto/rsa.hpp>
#include <e2ekit/crypto/secp256k1.hpp>

#include <cstdint>
#include <cstdlib>

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

void queue_empty() {
    require(ERR_peek_error() == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view der(data, size);

    if (auto k = rsa_public_key::from_der(der)) {
        for (auto f : {rsa_public_format::spki, rsa_public_format::pkcs1}) {
            const bytes out = k->to_der(f);
            auto again = rsa_public_key::from_der(out);
            require(again && *again == *k && again->to_der(f) == out);
        }
    }
    queue_empty();

    if (auto k = rsa_private_key::from_der(der)) {
        for (auto f : {rsa_private_format::pkcs8, rsa_private_format::pkcs1}) {
            const secret_bytes out = k->to_der(f);
            auto again = rsa_private_key::from_der(out.view());
            require(again && again->to_der(f) == out);
        }
    }
    queue_empty();

    if (auto k = secp256k1_public_key::from_der(der)) {
        for (bool compressed : {false, true}) {
            auto again = secp256k1_public_key::from_der(k->to_der(compressed));
            require(again && *again == *k);
        }
    }
    queue_empty();

    if (auto k = secp256k1_public_key::parse(der)) {
        // A SEC 1 point re-encodes to itself in its own form.
        require(equal_public(
            size == 33 ? bytes_view(k->compressed()) : bytes_view(k->uncompressed()), der));
    }
    if (size == 64) (void)secp256k1_public_key::from_xy(fixed_view<64>(data, 64));

    if (auto k = secp256k1::private_key_from_der(der))
        require(secp256k1::public_key_of(*k).has_value());
    queue_empty();
    return 0;
}
