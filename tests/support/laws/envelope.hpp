// Laws every model of e2ekit::envelope::wire_format obeys, as reusable
// checkers (as laws/storage.hpp):
//
//   e2ekit::test::laws::check_envelope<E>(key_exchanges, rng);
//
// - a key exchange's encoding is canonical: encode(parse(encode(x))) ==
//   encode(x);
// - empty input is refused by both parsers;
// - random input never throws: each parser returns a value or an error.
#ifndef E2EKIT_TESTS_SUPPORT_LAWS_ENVELOPE_HPP
#define E2EKIT_TESTS_SUPPORT_LAWS_ENVELOPE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/envelope/concept.hpp>

#include <catch2/catch.hpp>

#include <vector>

namespace e2ekit::test::laws {

template <envelope::wire_format E>
void check_key_exchange_round_trip(const typename E::key_exchange& x) {
    const bytes wire = E::encode_key_exchange(x);
    auto back = E::parse_key_exchange(wire);
    REQUIRE(back);
    CHECK(E::encode_key_exchange(*back) == wire);
}

template <envelope::wire_format E>
void check_envelope_refuses_garbage(testing::deterministic_random& rng, int samples = 200) {
    CHECK_FALSE(E::parse_message(bytes_view{}));
    CHECK_FALSE(E::parse_key_exchange(bytes_view{}));
    for (int i = 0; i < samples; ++i) {
        bytes b(random_below(rng, 96));
        rng.fill(b);
        CHECK_NOTHROW((void)E::parse_message(b));
        CHECK_NOTHROW((void)E::parse_key_exchange(b));
    }
}

template <envelope::wire_format E>
void check_envelope(const std::vector<typename E::key_exchange>& samples,
                    testing::deterministic_random& rng) {
    for (const auto& x : samples)
        check_key_exchange_round_trip<E>(x);
    check_envelope_refuses_garbage<E>(rng);
}

} // namespace e2ekit::test::laws

#endif
