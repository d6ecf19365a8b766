#include <e2ekit/protocols/oldmemo/envelope.hpp>

#include <catch2/catch.hpp>

#include <tests/support/laws/envelope.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
namespace sig = e2ekit::protocols::signal;

TEST_CASE("oldmemo envelope: a wire format; its laws; messages.hpp's wire",
          "[protocols][oldmemo][envelope]") {
    STATIC_REQUIRE(envelope::wire_format<om::envelope_03>);
    testing::deterministic_random rng{52};
    const auto key = [&] { return crypto::x25519::generate(rng).pub; };
    const bytes mac_key(32, 9);
    const auto inner = sig::encode_signal_message(key(), 7, 3, bytes(32, 0xc1),
                                                  fixed_view<32>(mac_key.data(), 32), key(), key());
    std::vector<om::key_exchange> samples;
    samples.push_back({1, 1, key(), key(), inner});
    samples.push_back({0xFFFFFFFF, 0, key(), key(), inner});
    samples.push_back({5, 6, key(), key(), bytes{0x33}});
    test::laws::check_envelope<om::envelope_03>(samples, rng);
    CHECK(om::envelope_03::encode_key_exchange(samples[0]) == om::encode_key_exchange(samples[0]));
    auto m = om::envelope_03::parse_message(inner);
    REQUIRE(m);
    CHECK(m->counter == 7);
    CHECK(om::envelope_03::name == "oldmemo");
}
