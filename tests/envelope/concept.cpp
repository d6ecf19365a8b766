#include <e2ekit/envelope/concept.hpp>

#include <catch2/catch.hpp>

#include <tests/support/envelope_archetype.hpp>
#include <tests/support/laws/envelope.hpp>

#include <memory>

using namespace e2ekit;

// Near misses: each lacks exactly one requirement of envelope::wire_format.
namespace {
using base = test::envelope_archetype;

struct no_tag : base {
    using envelope_concept = void;
};
struct no_name : base {
    static constexpr int name = 3;
};
struct no_message_type : base {
    using message_type = int; // not an enumeration
};
struct no_message : base {
    static result<int> parse_message(bytes_view);
};
struct message_parse_throws_away_result : base {
    static message parse_message(bytes_view);
};
struct message_not_movable : base {
    struct message {
        message(message&&) = delete;
    };
    static result<message> parse_message(bytes_view);
};
struct no_key_exchange_parse : base {
    static constexpr int parse_key_exchange = 0;
};
struct key_exchange_parse_by_span_of_char : base {
    static result<key_exchange> parse_key_exchange(std::span<const char>);
};
struct no_key_exchange_encode : base {
    static void encode_key_exchange(const key_exchange&);
};
struct encode_into_string : base {
    static std::string encode_key_exchange(const key_exchange&);
};
struct encode_needs_mutable : base {
    static bytes encode_key_exchange(key_exchange&);
};
} // namespace

TEST_CASE("envelope::wire_format: the archetype and near misses", "[envelope][concept]") {
    STATIC_REQUIRE(envelope::wire_format<base>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_tag>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_name>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_message_type>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_message>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<message_parse_throws_away_result>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<message_not_movable>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_key_exchange_parse>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<key_exchange_parse_by_span_of_char>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<no_key_exchange_encode>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<encode_into_string>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<encode_needs_mutable>);
    STATIC_REQUIRE_FALSE(envelope::wire_format<int>);
}

TEST_CASE("envelope::wire_format: the laws hold for the archetype", "[envelope][concept]") {
    testing::deterministic_random rng{21};
    test::laws::check_envelope<base>({{{}}, {{1, 2, 3}}, {bytes(300, 7)}}, rng);
    CHECK(base::parse_message(bytes{1, 9})->body == bytes{9});
    CHECK(base::parse_message(bytes{2, 9}).error() == envelope::envelope_error::malformed);
}
