#include <e2ekit/protocols/signal/envelope.hpp>

#include <catch2/catch.hpp>

#include <tests/support/laws/envelope.hpp>

#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;

TEST_CASE("signal envelope: a wire format; its laws; it is messages.hpp's wire",
          "[protocols][signal][envelope]") {
    STATIC_REQUIRE(envelope::wire_format<sig::envelope_v3>);
    testing::deterministic_random rng{51};
    const auto key = [&] { return crypto::x25519::generate(rng).pub; };
    const auto inner = sig::encode_signal_message(
        key(), 7, 3, bytes(32, 0xc1), fixed_view<32>(bytes(32, 9).data(), 32), key(), key());
    std::vector<sig::prekey_signal_message> samples;
    samples.push_back({1234, 99, 5, key(), key(), inner});
    samples.push_back({0, std::nullopt, 0, key(), key(), inner});
    samples.push_back({16380, 0xFFFFFF, 0xFFFFFF, key(), key(), bytes{0x33}});
    test::laws::check_envelope<sig::envelope_v3>(samples, rng);

    // A key exchange cut short is refused, whatever the cut.
    const bytes wire = sig::envelope_v3::encode_key_exchange(samples[0]);
    for (std::size_t n = 0; n < wire.size(); ++n)
        CHECK_FALSE(sig::envelope_v3::parse_key_exchange(bytes_view(wire).first(n)));
    // The same bytes as messages.hpp's parsers and encoders.
    auto m = sig::envelope_v3::parse_message(inner);
    REQUIRE(m);
    CHECK(m->counter == 7);
    CHECK(m->previous_counter == 3);
    CHECK(wire == sig::encode_prekey_signal_message(samples[0]));
    CHECK(sig::envelope_v3::parse_message(bytes{0x23, 1, 2, 3, 4, 5, 6, 7, 8, 9}).error() ==
          envelope::envelope_error::legacy_version);
}
