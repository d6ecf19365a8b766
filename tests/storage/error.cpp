#include <e2ekit/storage/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using e2ekit::condition;
using e2ekit::storage::storage_error;

TEST_CASE("storage error: codes map to conditions", "[storage][error]") {
    std::error_code ec = storage_error::not_found;
    CHECK(ec == condition::not_found);
    CHECK(ec.message() == "not found in the store");
    CHECK(std::string(ec.category().name()) == "e2ekit.storage");
    CHECK(std::error_code(storage_error::corrupt) == condition::malformed_input);
    CHECK(std::error_code(storage_error::io_error) == condition::io_failure);
    CHECK(std::error_code(storage_error::conflict) == condition::conflict);
    CHECK(std::error_code(storage_error::too_large) == condition::limit_exceeded);
    CHECK(std::error_code(storage_error::invalid_key) == condition::malformed_input);
    CHECK(std::error_code(storage_error::invalid_key) != condition::invalid_key);
    CHECK(std::error_code(storage_error::unsupported) == condition::unsupported);
    CHECK(std::error_code(storage_error::unavailable) == condition::io_failure);
    CHECK(std::error_code(storage_error::outcome_unknown) == condition::io_failure);
    for (int c = 1; c <= static_cast<int>(storage_error::outcome_unknown); ++c)
        CHECK(std::error_code(static_cast<storage_error>(c)).message() != "unknown storage error");
}
