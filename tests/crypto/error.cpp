#include <e2ekit/crypto/error.hpp>

#include <catch2/catch.hpp>

using e2ekit::condition;
using e2ekit::crypto::crypto_error;

TEST_CASE("crypto error: codes map to conditions", "[crypto][error]") {
    std::error_code ec = crypto_error::authentication_failed;
    CHECK(ec == condition::authentication_failed);
    CHECK(ec.message() == "authentication failed");
    CHECK(std::error_code(crypto_error::invalid_key) == condition::invalid_key);
}
