#include <e2ekit/protocols/matrix/signed_json.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>

// python-olm and python3-canonicaljson are the judges (tests/interop/matrix_python);
// here signing, the members left out, and refusals.

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

TEST_CASE("matrix signed JSON: sign, verify, refusals", "[protocols][matrix]") {
    testing::deterministic_random rng(21);
    const auto kp = crypto::ed25519::generate(rng);
    auto sign = [&](bytes_view b) { return crypto::ed25519::sign(kp.priv, b); };
    nlohmann::json keys = {{"user_id", "@alice:example.org"},
                           {"device_id", "JLAFKJWSCS"},
                           {"algorithms", {"m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"}},
                           {"keys", {{"ed25519:JLAFKJWSCS", "x"}}},
                           {"unsigned", {{"device_display_name", "phone"}}}};
    REQUIRE(mx::sign_json(keys, "@alice:example.org", "JLAFKJWSCS", sign));
    CHECK(mx::verify_json(keys, "@alice:example.org", "JLAFKJWSCS", kp.pub));
    // "unsigned" and other signatures are not covered.
    keys["unsigned"]["device_display_name"] = "laptop";
    keys["signatures"]["@bob:example.org"]["ed25519:BOB"] = "AAAA";
    CHECK(mx::verify_json(keys, "@alice:example.org", "JLAFKJWSCS", kp.pub));
    // Anything else is.
    auto changed = keys;
    changed["device_id"] = "OTHER";
    CHECK(mx::verify_json(changed, "@alice:example.org", "JLAFKJWSCS", kp.pub).error() ==
          mx::matrix_error::authentication_failed);
    CHECK(mx::verify_json(keys, "@alice:example.org", "NOPE", kp.pub).error() ==
          mx::matrix_error::malformed);
    CHECK(mx::verify_json(keys, "@carol:example.org", "JLAFKJWSCS", kp.pub).error() ==
          mx::matrix_error::malformed);
    const auto other = crypto::ed25519::generate(rng);
    CHECK(mx::verify_json(keys, "@alice:example.org", "JLAFKJWSCS", other.pub).error() ==
          mx::matrix_error::authentication_failed);
    nlohmann::json with_float = {{"a", 1.5}};
    CHECK(mx::sign_json(with_float, "u", "d", sign).error() == mx::matrix_error::malformed);
    CHECK(mx::signing_text(nlohmann::json::array()).error() == mx::matrix_error::malformed);
}
