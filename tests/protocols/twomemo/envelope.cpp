#include <e2ekit/protocols/twomemo/envelope.hpp>

#include <catch2/catch.hpp>

#include <tests/support/laws/envelope.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo envelope: a wire format; its laws; it is messages.hpp's wire",
          "[protocols][twomemo][envelope]") {
    STATIC_REQUIRE(envelope::wire_format<om::envelope_2>);
    testing::deterministic_random rng{101};
    const auto key = [&] { return crypto::x25519::generate(rng).pub; };
    const auto ad = om::make_associated_data(key(), key());
    const byte_array<32> mac_key = random_array<32>(rng);
    std::vector<om::key_exchange> samples;
    samples.push_back({1, 1, key(), key(), om::seal(key(), 0, 0, bytes(48, 1), mac_key, ad)});
    samples.push_back({0xffffffff, 0, key(), key(),
                       om::seal(key(), 0xffffffff, 0xffffffff, bytes(64, 2), mac_key, ad)});
    samples.push_back({0, 0, key(), key(), om::seal(key(), 5, 3, bytes{}, mac_key, ad)});
    test::laws::check_envelope<om::envelope_2>(samples, rng);

    const bytes wire = om::envelope_2::encode_key_exchange(samples[0]);
    CHECK(wire == om::encode_key_exchange(samples[0]));
    auto m = om::envelope_2::parse_message(om::encode_authenticated_message(samples[1].message));
    REQUIRE(m);
    CHECK(m->counter == 0xffffffff);
    CHECK(*m == samples[1].message);
}
