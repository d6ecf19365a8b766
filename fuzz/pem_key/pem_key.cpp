// Fuzzes the PEM key readers (RSA public and private, secp256k1 public and
// private): no input may crash, hang or leave an error on OpenSSL's queue,
// and every key that parses must survive write-then-read unchanged.
#include <e2ekit/crypto/rsa.hpp>
#include <e2ekit/crypto/secp256k1.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

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
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto k = rsa_public_key::from_pem(text)) {
        for (auto f : {rsa_public_format::spki, rsa_public_format::pkcs1}) {
            auto again = rsa_public_key::from_pem(k->to_pem(f));
            require(again && *again == *k);
        }
    }
    queue_empty();

    if (auto k = rsa_private_key::from_pem(text)) {
        for (auto f : {rsa_private_format::pkcs8, rsa_private_format::pkcs1}) {
            const secret_bytes pem = k->to_pem(f);
            auto again = rsa_private_key::from_pem(as_chars(pem.view()));
            require(again && again->to_der(f) == k->to_der(f));
        }
        require(k->public_key().size() == k->size());
    }
    queue_empty();

    if (auto k = secp256k1_public_key::from_pem(text)) {
        for (bool compressed : {false, true}) {
            auto again = secp256k1_public_key::from_pem(k->to_pem(compressed));
            require(again && *again == *k);
        }
    }
    queue_empty();

    if (auto k = secp256k1::private_key_from_pem(text)) {
        require(secp256k1::private_key_from(k->view()).has_value());
        require(secp256k1::public_key_of(*k).has_value());
    }
    queue_empty();
    return 0;
}
